//! `/api/uploads`: resumable uploads over the tus 1.0 protocol (core, creation,
//! creation-with-upload, termination, expiration, checksum with sha256), so any tus client
//! (tus-js-client, Uppy, tusd's clients) can upload multi-gigabyte files and resume them.
//! The protocol is translated here; what an upload is lives in `domain::uploads`.

use axum::{
    body::Body,
    extract::{DefaultBodyLimit, Path, Request, State},
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    middleware::map_response,
    response::{IntoResponse, Response},
    routing::{patch, post},
    Router,
};
use base64::Engine;
use domain::{
    entities::upload,
    policy::Permission,
    uploads::{self, ChunkChecksum, NewUpload},
    Error, Services,
};
use edge::{Access, ApiError};
use uuid::Uuid;

use crate::AppState;

const TUS_VERSION: &str = "1.0.0";
const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";
/// Where a finished upload tells its client which asset it became.
const ASSET_ID: HeaderName = HeaderName::from_static("asset-id");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/uploads", post(create).options(options))
        .route("/uploads/{id}", patch(append).head(status).delete(terminate))
        // Bodies are streamed to storage and limited by MAX_UPLOAD_BYTES per upload.
        .layer(DefaultBodyLimit::disable())
        .layer(map_response(|mut response: Response| async move {
            response.headers_mut().insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
            response
        }))
}

/// Discovery: what this server supports.
async fn options(State(services): State<Services>) -> Response {
    let headers = [
        ("tus-version", TUS_VERSION.to_owned()),
        ("tus-extension", "creation,creation-with-upload,termination,expiration,checksum".to_owned()),
        ("tus-max-size", services.max_upload_bytes().to_string()),
        ("tus-checksum-algorithm", "sha256".to_owned()),
    ];
    (StatusCode::NO_CONTENT, headers).into_response()
}

/// Creation (and creation-with-upload when the request carries bytes).
async fn create(access: Access, State(services): State<Services>, request: Request) -> Result<Response, ApiError> {
    access.require(Permission::Upload)?;
    let headers = request.headers().clone();
    require_tus(&headers)?;
    if headers.contains_key("upload-defer-length") {
        return Err(Error::BadRequest("Upload-Defer-Length is not supported; send Upload-Length".into()).into());
    }
    let length = number(&headers, "upload-length")?;
    let metadata_header = text(&headers, "upload-metadata").unwrap_or_default();
    let metadata = parse_metadata(&metadata_header)?;
    let filename = metadata
        .iter()
        .find(|(k, _)| k == "filename" || k == "name")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "unnamed".into());
    let bulk = metadata.iter().any(|(k, v)| k == "bulk" && v == "true");
    let created =
        uploads::create(&services, &access.actor(), NewUpload { filename, length, metadata: metadata_header, bulk })
            .await?;

    let mut response = StatusCode::CREATED.into_response();
    let location = format!("/api/uploads/{}", created.id);
    let carries_bytes = text(&headers, "content-type").as_deref() == Some(OFFSET_OCTET_STREAM)
        && number(&headers, "content-length").unwrap_or(1) > 0;
    let (current, asset_id, duplicate) = if carries_bytes {
        append_body(&services, &access, created.id, 0, None, request.into_body()).await?
    } else {
        (created, None, false)
    };
    set_progress(response.headers_mut(), &current, asset_id);
    mark_duplicate(response.headers_mut(), duplicate);
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_str(&location).expect("a path is a valid header"));
    Ok(response)
}

async fn status(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    access.require(Permission::Upload)?;
    require_tus(&headers)?;
    let upload = uploads::find(&services, &access.actor(), id).await?;
    let mut response = StatusCode::OK.into_response();
    let h = response.headers_mut();
    set_progress(h, &upload, upload.asset_id);
    h.insert("upload-length", upload.length.into());
    if !upload.metadata.is_empty() {
        if let Ok(value) = HeaderValue::from_str(&upload.metadata) {
            h.insert("upload-metadata", value);
        }
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn append(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    request: Request,
) -> Result<Response, ApiError> {
    access.require(Permission::Upload)?;
    let headers = request.headers();
    require_tus(headers)?;
    if text(headers, "content-type").as_deref() != Some(OFFSET_OCTET_STREAM) {
        return Err(Error::UnsupportedType {
            filename: "this request".into(),
            why: format!("must have Content-Type: {OFFSET_OCTET_STREAM}"),
        }
        .into());
    }
    let offset = number(headers, "upload-offset")?;
    let checksum = text(headers, "upload-checksum").map(|v| parse_checksum(&v)).transpose()?;
    let (upload, asset_id, duplicate) =
        append_body(&services, &access, id, offset, checksum, request.into_body()).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_progress(response.headers_mut(), &upload, asset_id);
    mark_duplicate(response.headers_mut(), duplicate);
    Ok(response)
}

/// Appends on a task of its own: if the client disconnects, the bytes that did arrive are still
/// written and counted (the request future alone would be dropped mid-write).
async fn append_body(
    services: &Services,
    access: &Access,
    id: Uuid,
    offset: u64,
    checksum: Option<ChunkChecksum>,
    body: Body,
) -> Result<(upload::Model, Option<Uuid>, bool), ApiError> {
    let (services, actor) = (services.clone(), access.actor());
    let appended =
        tokio::spawn(
            async move { uploads::append(&services, &actor, id, offset, body.into_data_stream(), checksum).await },
        )
        .await
        .map_err(|e| Error::BadRequest(format!("the upload request failed: {e}")))??;
    let asset_id = appended.asset.map(|a| a.id);
    Ok((appended.upload, asset_id, appended.duplicate))
}

/// On the request that completed an upload: `Asset-Duplicate: ?1` when the library already had
/// the content (`Asset-Id` is then the asset that has it, and nothing new was stored).
fn mark_duplicate(headers: &mut HeaderMap, duplicate: bool) {
    if duplicate {
        headers.insert("asset-duplicate", HeaderValue::from_static("?1"));
    }
}

async fn terminate(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    access.require(Permission::Upload)?;
    require_tus(&headers)?;
    uploads::terminate(&services, &access.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn set_progress(headers: &mut HeaderMap, upload: &upload::Model, asset_id: Option<Uuid>) {
    headers.insert("upload-offset", upload.received.into());
    if asset_id.is_none() {
        let expires = upload.expires_at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        headers.insert("upload-expires", HeaderValue::from_str(&expires).expect("a date is a valid header"));
    }
    if let Some(id) = asset_id {
        headers.insert(ASSET_ID, HeaderValue::from_str(&id.to_string()).expect("a uuid is a valid header"));
    }
}

fn require_tus(headers: &HeaderMap) -> Result<(), ApiError> {
    match text(headers, "tus-resumable") {
        Some(v) if v == TUS_VERSION => Ok(()),
        _ => Err(Error::PreconditionFailed(format!(
            "send Tus-Resumable: {TUS_VERSION} (the only tus version this server speaks)"
        ))
        .into()),
    }
}

fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_owned())
}

fn number(headers: &HeaderMap, name: &str) -> Result<u64, ApiError> {
    let value = text(headers, name).ok_or_else(|| Error::BadRequest(format!("the {name} header is missing")))?;
    value.parse().map_err(|_| {
        Error::BadRequest(format!("the {name} header must be a whole number of bytes, not {value:?}")).into()
    })
}

/// `filename ZmlsZS5qcGc=,bulk dHJ1ZQ==` → [("filename", "file.jpg"), ("bulk", "true")].
fn parse_metadata(header: &str) -> Result<Vec<(String, String)>, ApiError> {
    header
        .split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, encoded) = pair.split_once(' ').unwrap_or((pair, ""));
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map_err(|_| Error::BadRequest(format!("Upload-Metadata value of {key:?} is not base64")))?;
            Ok((key.to_owned(), String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect()
}

/// `sha256 <base64 digest>`; other algorithms are refused (the server announces only sha256).
fn parse_checksum(header: &str) -> Result<ChunkChecksum, ApiError> {
    let (algorithm, encoded) = header
        .split_once(' ')
        .ok_or_else(|| Error::BadRequest("Upload-Checksum must be \"<algorithm> <base64>\"".into()))?;
    if !algorithm.eq_ignore_ascii_case("sha256") {
        return Err(Error::BadRequest(format!("checksum algorithm {algorithm:?} is not supported; use sha256")).into());
    }
    let sha256 = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| Error::BadRequest("Upload-Checksum digest is not base64".into()))?;
    Ok(ChunkChecksum { sha256 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_pairs_are_base64_values() {
        let parsed = parse_metadata("filename Y2F0LmpwZw==, bulk dHJ1ZQ==,empty").unwrap();
        assert_eq!(
            parsed,
            [("filename".into(), "cat.jpg".into()), ("bulk".into(), "true".into()), ("empty".into(), String::new())]
        );
        assert!(parse_metadata("filename ***").is_err());
    }
}
