//! Bulk downloads: a selection (`POST /api/downloads/zip`, form field `ids`, comma-separated, so
//! a plain HTML form can ask) or a collection (`GET /api/collections/{id}/download.zip`) as one
//! ZIP streamed while it is made. Each asset in it counts as a download.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Router,
};
use domain::{
    analytics::UsageEvent,
    entities::asset,
    library::{archive, collections, tags::MAX_BULK},
    policy::Permission,
    storage, Error, Services,
};
use edge::{Access, ApiError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/downloads/zip", post(selection)).route("/collections/{id}/download.zip", get(collection))
}

#[derive(Deserialize)]
struct Selection {
    ids: String,
}

async fn selection(
    access: Access,
    State(services): State<Services>,
    Form(form): Form<Selection>,
) -> Result<Response, ApiError> {
    access.require(Permission::Browse)?;
    let ids: Vec<Uuid> = form
        .ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| Error::BadRequest(format!("“{s}” is not an asset id"))))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(Error::BadRequest(format!("select between 1 and {MAX_BULK} assets to download")).into());
    }
    let mut assets = asset::Entity::find()
        .filter(asset::Column::Id.is_in(ids.clone()))
        .filter(asset::Column::DeletedAt.is_null())
        .all(&services.workspace_db(&access.actor())?)
        .await?;
    if assets.is_empty() {
        return Err(Error::NotFound("asset").into());
    }
    assets.sort_by_key(|a| ids.iter().position(|id| *id == a.id));
    let title = format!("{} assets {}", assets.len(), chrono::Utc::now().format("%Y-%m-%d"));
    Ok(zip_response(&services, &title, assets).await)
}

async fn collection(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    access.require(Permission::Browse)?;
    let name = collections::name_of(&services.workspace_db(&access.actor())?, id).await?;
    let assets = collections::assets_of(&services.workspace_db(&access.actor())?, id).await?;
    if assets.is_empty() {
        return Err(Error::NotFound("asset in this collection").into());
    }
    Ok(zip_response(&services, &name, assets).await)
}

/// The streamed ZIP of `assets`' originals, named after `title`; counts a download of each.
pub(crate) async fn zip_response(services: &Services, title: &str, assets: Vec<asset::Model>) -> Response {
    let ids: Vec<Uuid> = assets.iter().map(|a| a.id).collect();
    services.usage.record_many(&ids, UsageEvent::Download).await;
    tracing::info!(assets = ids.len(), "streaming a ZIP download");
    let body = Body::from_stream(archive::stream(services.storage.clone(), archive::entries(&assets)));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&storage::content_disposition(&archive::archive_name(title))) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
