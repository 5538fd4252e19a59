//! `/api/uploads/direct`: the browser sends a file straight to S3 with a presigned PUT, then
//! confirms it here (see `domain::uploads::direct`). For S3 storage only; tus works everywhere.

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use domain::{
    catalog,
    dto::{DirectUploadTicket, NewDirectUpload},
    policy::Permission,
    uploads::{direct, NewUpload},
    Services,
};
use edge::{Access, ApiError};
use uuid::Uuid;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/uploads/direct", post(start)).route("/uploads/direct/{id}/confirm", post(confirm))
}

async fn start(
    access: Access,
    State(services): State<Services>,
    Json(new): Json<NewDirectUpload>,
) -> Result<(StatusCode, Json<DirectUploadTicket>), ApiError> {
    access.require(Permission::Upload)?;
    let request = NewUpload { filename: new.filename, length: new.size, metadata: String::new(), bulk: new.bulk };
    let started = direct::start(&services, &access.actor(), request).await?;
    let id = started.upload.id;
    Ok((
        StatusCode::CREATED,
        Json(DirectUploadTicket {
            id,
            put_url: started.put_url,
            confirm_url: format!("/api/uploads/direct/{id}/confirm"),
        }),
    ))
}

/// The asset made from what arrived; `Asset-Duplicate: ?1` (as on tus) when the library already
/// had the content and the answer is the asset that has it.
async fn confirm(access: Access, State(services): State<Services>, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    access.require(Permission::Upload)?;
    let ingested = direct::confirm(&services, &access.actor(), id).await?;
    let duplicate = ingested.is_duplicate();
    let mut response = Json(catalog::to_view(&edge::links::API, ingested.asset().clone(), Vec::new())).into_response();
    if duplicate {
        response.headers_mut().insert("asset-duplicate", HeaderValue::from_static("?1"));
    }
    Ok(response)
}
