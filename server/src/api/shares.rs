//! `/api/shares`: share links, for editors (Permission::Share). The pages they open are public
//! (`/s/<token>`, see `crate::shared`).

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{delete, get},
    Json, Router,
};
use domain::{
    dto::{NewShareLink, ShareLinkView},
    policy::Permission,
    sharing::links,
    Services,
};
use edge::{Access, ApiError};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/shares", get(list).post(create)).route("/shares/{id}", delete(revoke))
}

#[derive(Deserialize)]
struct Filter {
    asset_id: Option<Uuid>,
    collection_id: Option<Uuid>,
}

async fn list(
    access: Access,
    State(services): State<Services>,
    Query(filter): Query<Filter>,
) -> Result<Json<Vec<ShareLinkView>>, ApiError> {
    access.require(Permission::ManageShareLinks)?;
    Ok(Json(links::list(&services.db, &access.actor(), filter.asset_id, filter.collection_id).await?))
}

async fn create(
    access: Access,
    State(services): State<Services>,
    Json(new): Json<NewShareLink>,
) -> Result<(StatusCode, Json<ShareLinkView>), ApiError> {
    access.require(Permission::Share)?;
    Ok((StatusCode::CREATED, Json(links::create(&services.db, &access.actor(), new).await?)))
}

/// Its maker, or an admin, closes the link; visitors get 410 from then on.
async fn revoke(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<Json<ShareLinkView>, ApiError> {
    access.require(Permission::ManageShareLinks)?;
    Ok(Json(links::revoke(&services.db, &access.actor(), id).await?))
}
