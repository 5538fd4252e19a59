//! Signing in and out, and one's own sessions and API tokens.

use domain::{
    dto::{NewToken, PageRequest, UserView},
    operations::{credentials, ById},
};
use leptos::prelude::*;

/// The signed-in person, or `None`.
#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserView>, ServerFnError> {
    let (_, access) = super::access().await?;
    Ok(access.0.principal.map(|p| domain::accounts::user_view(&p.user)))
}

#[server(prefix = "/api/fn", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<UserView, ServerFnError> {
    use axum::http::header::SET_COOKIE;
    use edge::cookies;
    let (services, access) = super::access().await?;
    let (user, secret) = domain::accounts::login::with_password(&services, &email, &password, &access.session_origin())
        .await
        .map_err(super::fail)?;
    expect_context::<leptos_axum::ResponseOptions>()
        .append_header(SET_COOKIE, cookies::session(secret, &services.config));
    Ok(domain::accounts::user_view(&user))
}

#[server(prefix = "/api/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    use axum::http::header::SET_COOKIE;
    use edge::cookies;
    let (services, access) = super::access().await?;
    if let Some(id) = access.session_id() {
        domain::accounts::sessions::revoke(&services.db, &access.actor(), id, false).await.map_err(super::fail)?;
    }
    expect_context::<leptos_axum::ResponseOptions>()
        .append_header(SET_COOKIE, cookies::clear_session(&services.config));
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<domain::dto::PasswordChanged, ServerFnError> {
    let (services, access) = super::authorize(domain::policy::Permission::ManageOwnCredentials).await?;
    let user = access.principal.as_ref().expect("authorized").user.clone();
    domain::accounts::users::change_own_password(
        &services,
        &access.actor(),
        &user,
        &current_password,
        &new_password,
        access.session_id(),
    )
    .await
    .map_err(super::fail)
}

server_op!(list_sessions, "list_sessions", credentials::ListSessions, PageRequest, default);
server_op!(revoke_session, "revoke_session", credentials::RevokeSession, ById);
server_op!(list_tokens, "list_tokens", credentials::ListTokens, PageRequest, default);
server_op!(create_token, "create_token", credentials::CreateToken, NewToken);
server_op!(revoke_token, "revoke_token", credentials::RevokeToken, ById);

/// The single sign-on button's label when SSO is configured.
#[server(prefix = "/api/fn", endpoint = "sso_options")]
pub async fn sso_options() -> Result<Option<String>, ServerFnError> {
    let services = expect_context::<domain::Services>();
    Ok(services.config.oidc.as_ref().map(|o| o.button_label.clone()))
}
