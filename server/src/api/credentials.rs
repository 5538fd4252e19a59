//! `/api/tokens` and `/api/sessions`: one's own API tokens and sign-in sessions. Admins may revoke
//! anyone's.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get},
    Json, Router,
};
use domain::{
    accounts::{sessions, tokens},
    dto::{NewToken, SessionView, TokenView},
    policy::Permission,
    Services,
};
use edge::{Access, ApiError};
use uuid::Uuid;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
        .route("/sessions", get(list_sessions))
        .route("/sessions/{id}", delete(revoke_session))
}

async fn list_tokens(access: Access, State(services): State<Services>) -> Result<Json<Vec<TokenView>>, ApiError> {
    let me = access.require(Permission::ManageOwnCredentials)?.user.id;
    Ok(Json(tokens::list_active(&services.db, me).await?))
}

async fn create_token(
    access: Access,
    State(services): State<Services>,
    Json(new): Json<NewToken>,
) -> Result<Response, ApiError> {
    let me = access.require(Permission::ManageOwnCredentials)?.user.id;
    let created = tokens::create(&services.db, &access.actor(), me, new).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn revoke_token(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    access.require(Permission::ManageOwnCredentials)?;
    tokens::revoke(&services.db, &access.actor(), id, access.can(Permission::ManageUsers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_sessions(access: Access, State(services): State<Services>) -> Result<Json<Vec<SessionView>>, ApiError> {
    let me = access.require(Permission::ManageOwnCredentials)?.user.id;
    Ok(Json(sessions::list_active(&services.db, me, access.session_id()).await?))
}

async fn revoke_session(
    access: Access,
    State(services): State<Services>,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    access.require(Permission::ManageOwnCredentials)?;
    sessions::revoke(&services.db, &access.actor(), id, access.can(Permission::ManageUsers)).await?;
    Ok(StatusCode::NO_CONTENT)
}
