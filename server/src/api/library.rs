//! The library's API: search with filters and facets, titles and descriptions, tags (with
//! autocomplete and bulk tagging), and the trash.

use app::http::{Access, ApiError};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{delete, get, patch, post},
    Json, Router,
};
use domain::{
    catalog,
    dto::{AssetQuery, AssetView, SearchResults},
    library::{editing, search, tags, trash},
    policy::Permission,
    Services,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets", get(find))
        .route("/assets/{id}", patch(describe).delete(trash_one))
        .route("/assets/{id}/tags", post(tag_one))
        .route("/assets/{id}/tags/{tag}", delete(untag))
        .route("/assets/{id}/restore", post(restore_one))
        .route("/library/tag", post(tag_many))
        .route("/library/trash", post(trash_many))
        .route("/library/restore", post(restore_many))
        .route("/tags", get(suggest))
        .route("/trash", get(list_trash).delete(empty_trash))
}

/// `GET /api/assets?q=&kind=&tags=a,b&…&after=<cursor>`: see `AssetQuery`.
async fn find(
    access: Access,
    State(services): State<Services>,
    Query(query): Query<AssetQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    access.require(Permission::Browse)?;
    Ok(Json(search::search(&services.db, &query).await?))
}

#[derive(Deserialize)]
struct Details {
    title: Option<String>,
    description: Option<String>,
}

async fn describe(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Json(details): Json<Details>,
) -> Result<Json<AssetView>, ApiError> {
    access.require(Permission::EditMetadata)?;
    editing::describe(&services.db, &access.actor(), id, details.title, details.description).await?;
    Ok(Json(catalog::get_asset(&services.db, &access.actor(), id).await?))
}

#[derive(Deserialize)]
struct TagNames {
    tags: Vec<String>,
}

async fn tag_one(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Json(body): Json<TagNames>,
) -> Result<Json<AssetView>, ApiError> {
    access.require(Permission::EditMetadata)?;
    tags::add(&services.db, &access.actor(), &[id], &body.tags).await?;
    Ok(Json(catalog::get_asset(&services.db, &access.actor(), id).await?))
}

async fn untag(
    access: Access,
    State(services): State<Services>,
    Path((id, tag)): Path<(Uuid, String)>,
) -> Result<Json<AssetView>, ApiError> {
    access.require(Permission::EditMetadata)?;
    tags::remove(&services.db, &access.actor(), id, &tag).await?;
    Ok(Json(catalog::get_asset(&services.db, &access.actor(), id).await?))
}

#[derive(Deserialize)]
struct Selection {
    assets: Vec<Uuid>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Changed {
    changed: u64,
}

async fn tag_many(
    access: Access,
    State(services): State<Services>,
    Json(body): Json<Selection>,
) -> Result<Json<Changed>, ApiError> {
    access.require(Permission::EditMetadata)?;
    tags::add(&services.db, &access.actor(), &body.assets, &body.tags).await?;
    Ok(Json(Changed { changed: body.assets.len() as u64 }))
}

#[derive(Deserialize)]
struct Typed {
    #[serde(default)]
    q: String,
    limit: Option<u64>,
}

#[derive(Serialize)]
struct Suggestion {
    name: String,
    uses: i64,
}

async fn suggest(
    access: Access,
    State(services): State<Services>,
    Query(typed): Query<Typed>,
) -> Result<Json<Vec<Suggestion>>, ApiError> {
    access.require(Permission::Browse)?;
    let found = tags::suggest(&services.db, &typed.q, typed.limit.unwrap_or(10)).await?;
    Ok(Json(found.into_iter().map(|(name, uses)| Suggestion { name, uses }).collect()))
}

async fn trash_ids(access: &Access, services: &Services, ids: &[Uuid]) -> Result<u64, ApiError> {
    access.require(Permission::Trash)?;
    Ok(trash::trash(&services.db, &access.actor(), ids).await?)
}

async fn trash_one(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    trash_ids(&access, &services, &[id]).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn trash_many(
    access: Access,
    State(services): State<Services>,
    Json(body): Json<Selection>,
) -> Result<Json<Changed>, ApiError> {
    Ok(Json(Changed { changed: trash_ids(&access, &services, &body.assets).await? }))
}

async fn restore_one(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<Json<AssetView>, ApiError> {
    access.require(Permission::Trash)?;
    trash::restore(&services.db, &access.actor(), &[id]).await?;
    Ok(Json(catalog::get_asset(&services.db, &access.actor(), id).await?))
}

async fn restore_many(
    access: Access,
    State(services): State<Services>,
    Json(body): Json<Selection>,
) -> Result<Json<Changed>, ApiError> {
    access.require(Permission::Trash)?;
    Ok(Json(Changed { changed: trash::restore(&services.db, &access.actor(), &body.assets).await? }))
}

async fn list_trash(access: Access, State(services): State<Services>) -> Result<Json<Vec<AssetView>>, ApiError> {
    access.require(Permission::Trash)?;
    Ok(Json(trash::list(&services.db, &access.actor()).await?))
}

async fn empty_trash(access: Access, State(services): State<Services>) -> Result<Json<Changed>, ApiError> {
    access.require(Permission::EmptyTrash)?;
    Ok(Json(Changed { changed: trash::empty(&services, &access.actor()).await? }))
}
