//! `/api/collections`: named sets of assets. Browsing needs Browse; changing needs EditMetadata.
//! The assets of one are searched like the library: `GET /api/assets?collection=<id>&…`.

use app::http::{Access, ApiError};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, get},
    Json, Router,
};
use domain::{
    dto::{CollectionView, NewCollection},
    library::collections,
    policy::Permission,
    Services,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/collections", get(list).post(create))
        .route("/collections/{id}", get(show).patch(update).delete(remove_collection))
        .route("/collections/{id}/assets", axum::routing::post(add))
        .route("/collections/{id}/assets/{asset}", delete(remove_asset))
}

async fn list(access: Access, State(services): State<Services>) -> Result<Json<Vec<CollectionView>>, ApiError> {
    access.require(Permission::Browse)?;
    Ok(Json(collections::list(&services.db).await?))
}

async fn show(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<Json<CollectionView>, ApiError> {
    access.require(Permission::Browse)?;
    Ok(Json(collections::get(&services.db, id).await?))
}

async fn create(
    access: Access,
    State(services): State<Services>,
    Json(new): Json<NewCollection>,
) -> Result<(StatusCode, Json<CollectionView>), ApiError> {
    access.require(Permission::EditMetadata)?;
    Ok((StatusCode::CREATED, Json(collections::create(&services.db, &access.actor(), new).await?)))
}

async fn update(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Json(new): Json<NewCollection>,
) -> Result<Json<CollectionView>, ApiError> {
    access.require(Permission::EditMetadata)?;
    Ok(Json(collections::update(&services.db, &access.actor(), id, new).await?))
}

async fn remove_collection(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    access.require(Permission::DeleteCollection)?;
    collections::delete(&services.db, &access.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct Assets {
    assets: Vec<Uuid>,
}

#[derive(Serialize)]
struct Added {
    added: u64,
}

async fn add(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Json(body): Json<Assets>,
) -> Result<Json<Added>, ApiError> {
    access.require(Permission::EditMetadata)?;
    Ok(Json(Added { added: collections::add(&services.db, &access.actor(), id, &body.assets).await? }))
}

async fn remove_asset(
    access: Access,
    State(services): State<Services>,
    Path((id, asset)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    access.require(Permission::EditMetadata)?;
    collections::remove(&services.db, &access.actor(), id, &[asset]).await?;
    Ok(StatusCode::NO_CONTENT)
}
