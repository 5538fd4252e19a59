//! `/api/uploads/direct`: the browser sends a file straight to S3 with a presigned PUT, then
//! confirms it here (see `domain::uploads::direct`). For S3 storage only; tus works everywhere.

use app::http::{Access, ApiError};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::post,
    Json, Router,
};
use domain::{
    catalog,
    dto::{AssetView, DirectUploadTicket, NewDirectUpload},
    policy::Permission,
    uploads::{direct, NewUpload},
    Services,
};
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

async fn confirm(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<Json<AssetView>, ApiError> {
    access.require(Permission::Upload)?;
    let asset = direct::confirm(&services, &access.actor(), id).await?;
    Ok(Json(catalog::to_view(asset, Vec::new())))
}
