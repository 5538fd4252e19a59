//! `/api/users`: administration of people (admins only).

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, patch},
    Json, Router,
};
use domain::{
    accounts::{user_view, users},
    dto::{NewUser, UserUpdate, UserView},
    policy::Permission,
    Services,
};
use edge::{Access, ApiError};
use uuid::Uuid;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/users", get(list).post(create)).route("/users/{id}", patch(update))
}

async fn list(access: Access, State(services): State<Services>) -> Result<Json<Vec<UserView>>, ApiError> {
    access.require(Permission::ManageUsers)?;
    Ok(Json(users::list(&services.db).await?.iter().map(user_view).collect()))
}

async fn create(
    access: Access,
    State(services): State<Services>,
    Json(new): Json<NewUser>,
) -> Result<Response, ApiError> {
    access.require(Permission::ManageUsers)?;
    let created = users::create(&services.db, &access.actor(), new).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn update(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
    Json(change): Json<UserUpdate>,
) -> Result<Json<UserView>, ApiError> {
    access.require(Permission::ManageUsers)?;
    Ok(Json(user_view(&users::update(&services.db, &access.actor(), id, change).await?)))
}
