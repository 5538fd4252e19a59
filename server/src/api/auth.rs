//! `/api/auth`: password sign-in for scripts and the API, sign-out, who am I, change my password.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use domain::{
    accounts::{login, sessions, user_view, users},
    dto::{LoginRequest, PasswordChanged},
    policy::Permission,
    Services,
};
use edge::{cookies, Access, ApiError};
use serde::Deserialize;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(sign_in))
        .route("/auth/logout", post(sign_out))
        .route("/auth/me", get(me))
        .route("/auth/password", post(change_password))
}

async fn sign_in(
    access: Access,
    State(services): State<Services>,
    Json(request): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let (user, secret) =
        login::with_password(&services, &request.email, &request.password, &access.session_origin()).await?;
    Ok(([(header::SET_COOKIE, cookies::session(secret, &services.config))], Json(user_view(&user))).into_response())
}

async fn sign_out(access: Access, State(services): State<Services>) -> Result<Response, ApiError> {
    if let Some(id) = access.session_id() {
        sessions::revoke(&services.db, &access.actor(), id, false).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookies::clear_session(&services.config))]).into_response())
}

async fn me(access: Access) -> Result<Response, ApiError> {
    let principal = access.require(Permission::Browse)?;
    Ok(Json(user_view(&principal.user)).into_response())
}

#[derive(Deserialize)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changing one's own password needs the current one, ends every other session and revokes
/// every API token; the answer says how many.
async fn change_password(
    access: Access,
    State(services): State<Services>,
    Json(change): Json<PasswordChange>,
) -> Result<Json<PasswordChanged>, ApiError> {
    let principal = access.require(Permission::ManageOwnCredentials)?;
    let changed = users::change_own_password(
        &services,
        &access.actor(),
        &principal.user,
        &change.current_password,
        &change.new_password,
        access.session_id(),
    )
    .await?;
    Ok(Json(changed))
}
