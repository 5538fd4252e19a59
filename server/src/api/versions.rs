//! `/api/assets/{id}/versions`: an asset's file versions — list them, download an earlier one,
//! upload a new original (multipart, one file; editors).

use axum::{
    extract::{DefaultBodyLimit, Path, Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use domain::{
    analytics::UsageEvent,
    catalog,
    library::versions::{self, Replaced},
    policy::Permission,
    Error, Services,
};
use edge::{Access, ApiError};
use serde_json::json;
use uuid::Uuid;

use super::assets::multipart_of;
use crate::{files, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        // Limited per file by MAX_UPLOAD_BYTES while streaming, like every upload.
        .route("/assets/{id}/versions", post(upload).layer(DefaultBodyLimit::disable()))
        .route("/assets/{id}/versions/{version}/original", get(download))
}

/// 201 with the new version's number; 200 when the file is the current version already (nothing
/// changes); 415 for a file of another kind than the asset's.
async fn upload(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    request: Request,
) -> Result<Response, ApiError> {
    access.require(Permission::ReplaceFile)?;
    let mut form = multipart_of(request)?;
    loop {
        let field = form.next_field().await.map_err(|e| Error::BadRequest(format!("malformed multipart body: {e}")))?;
        let Some(field) = field else {
            return Err(Error::BadRequest("the request contained no file".into()).into());
        };
        let Some(filename) = field.file_name().map(domain::file_names::display_name) else { continue };
        let replaced = versions::upload(&services, &access.actor(), id, &filename, field).await?;
        let asset =
            catalog::get_asset(&services.workspace_db(&access.actor())?, &edge::links::API, &access.actor(), id)
                .await?;
        return Ok(match replaced {
            Replaced::NewVersion(version) => {
                (StatusCode::CREATED, Json(json!({ "version": version, "asset": asset }))).into_response()
            }
            Replaced::Unchanged => {
                (StatusCode::OK, Json(json!({ "version": asset.version, "unchanged": true, "asset": asset })))
                    .into_response()
            }
        });
    }
}

async fn download(
    access: Access,
    State(services): State<Services>,
    Path((id, version)): Path<(Uuid, i32)>,
) -> Result<Response, ApiError> {
    access.require(Permission::Browse)?;
    let file = versions::older_file(&services.workspace_db(&access.actor())?, &access.actor(), id, version).await?;
    services.usage.record(id, UsageEvent::Download).await;
    files::redirect_to(&services, &file.path, Some(&file.filename)).await
}
