//! `/api/assets`: upload, list, read, and serve an asset's files.

use axum::{
    extract::{DefaultBodyLimit, Path, Query, Request, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use domain::{
    analytics::UsageEvent, catalog, dto::DerivativeKind, entities::asset, ingest, policy::Permission, Error, Services,
};
use edge::{problem::status_of_rejection, Access, ApiError};
use serde::Deserialize;
use uuid::Uuid;

use crate::{files, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        // Uploads are streamed and limited per file by MAX_UPLOAD_BYTES, not by a body limit.
        .route("/assets", post(upload).layer(DefaultBodyLimit::disable()))
        .route("/assets/{id}/thumbnail", get(thumbnail))
        .route("/assets/{id}/preview", get(preview))
        .route("/assets/{id}/poster", get(poster))
        .route("/assets/{id}/transcode", get(transcode))
        .route("/assets/{id}/original", get(original))
}

#[derive(Deserialize)]
struct UploadQuery {
    /// A large import: processed after interactive uploads.
    #[serde(default)]
    bulk: bool,
}

/// `multipart/form-data` with one or more file parts. 201 when every file was stored (200 when every
/// one was already in the library: see `duplicates`); otherwise the
/// status of the first refusal (415 not an image/video, 413 too large, 400 empty) with the
/// per-file details. Refused files leave nothing behind; accepted ones are kept either way.
async fn upload(
    access: Access,
    State(services): State<Services>,
    Query(options): Query<UploadQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    access.require(Permission::Upload)?;
    let form = multipart_of(request)?;
    let report = ingest::ingest_multipart(&services, &edge::links::API, &access.actor(), options.bulk, form).await?;
    let mut body = serde_json::to_value(&report).map_err(|e| Error::BadRequest(e.to_string()))?;
    let status = match report.rejected.first() {
        // Only files the library already had: nothing was created.
        None if report.accepted.is_empty() => StatusCode::OK,
        None => StatusCode::CREATED,
        Some(first) => {
            // A problem document (RFC 9457) that also carries the per-file report.
            let status = status_of_rejection(first.reason);
            let problem = serde_json::to_value(edge::Problem::new(status, first.error.clone()))
                .map_err(|e| Error::BadRequest(e.to_string()))?;
            body.as_object_mut()
                .expect("a report is an object")
                .extend(problem.as_object().cloned().unwrap_or_default());
            let content_type = [(header::CONTENT_TYPE, edge::problem::PROBLEM_JSON)];
            return Ok((status, content_type, Json(body)).into_response());
        }
    };
    Ok((status, Json(body)).into_response())
}

/// The request's `multipart/form-data` body, read as it arrives.
pub(super) fn multipart_of(request: Request) -> Result<multer::Multipart<'static>, Error> {
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok())
        .ok_or_else(|| Error::BadRequest("expected a multipart/form-data body with one or more files".into()))?;
    Ok(multer::Multipart::new(request.into_body().into_data_stream(), boundary))
}

#[derive(Deserialize)]
struct FormatQuery {
    /// `jpg` (default, every client) or `webp`; for transcodes `1080p`, `720p`…
    format: Option<String>,
    /// Save it as a file (named after the original) rather than show it; counts as a download.
    #[serde(default)]
    download: bool,
}

async fn thumbnail(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    derivative(access, services, id, DerivativeKind::Thumbnail, q).await
}

async fn preview(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    derivative(access, services, id, DerivativeKind::Preview, q).await
}

async fn poster(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    derivative(access, services, id, DerivativeKind::Poster, q).await
}

/// A playable rendition (`?format=1080p|720p|…`), by redirect to its signed link (which serves
/// byte ranges, so players can seek).
async fn transcode(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    access.require(Permission::Browse)?;
    let asset = catalog::find(&services.workspace_db(&access.actor())?, &access.actor(), id).await?;
    serve_derivative(&services, &asset, DerivativeKind::Transcode, q.format.as_deref().unwrap_or("720p"), q.download)
        .await
}

async fn derivative(
    access: Access,
    services: Services,
    id: Uuid,
    kind: DerivativeKind,
    q: FormatQuery,
) -> Result<Response, ApiError> {
    access.require(Permission::Browse)?;
    let asset = catalog::find(&services.workspace_db(&access.actor())?, &access.actor(), id).await?;
    serve_derivative(&services, &asset, kind, q.format.as_deref().unwrap_or("jpg"), q.download).await
}

async fn serve_derivative(
    services: &Services,
    asset: &asset::Model,
    kind: DerivativeKind,
    label: &str,
    download: bool,
) -> Result<Response, ApiError> {
    let (key, _mime) = catalog::derivative_path(&services.in_workspace(asset.workspace_id), asset, kind, label).await?;
    if !download {
        return files::redirect_to(services, &key, None).await;
    }
    services.usage.record(asset.id, UsageEvent::Download).await;
    files::redirect_to(services, &key, Some(&derivative_file_name(&asset.original_filename, label, &key))).await
}

/// `beach.mov` + `720p` + `….mp4` → `beach-720p.mp4`.
fn derivative_file_name(original: &str, label: &str, key: &str) -> String {
    let stem = original.rsplit_once('.').map_or(original, |(stem, _)| stem);
    let extension = key.rsplit_once('.').map_or("", |(_, ext)| ext);
    format!("{stem}-{label}.{extension}")
}

async fn original(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    access.require(Permission::Browse)?;
    let asset = catalog::find(&services.workspace_db(&access.actor())?, &access.actor(), id).await?;
    services.usage.record(asset.id, UsageEvent::Download).await;
    files::redirect_to(&services, &asset.original_path, Some(&asset.original_filename)).await
}
