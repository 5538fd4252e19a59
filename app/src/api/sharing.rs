//! Server functions of share links: making and revoking them (editors), and opening one (anyone
//! holding the link, signed in or not).

#[cfg(feature = "ssr")]
use domain::dto::NewShareLink;
use domain::dto::{ShareLinkView, ShareOpening};
use leptos::prelude::*;
use uuid::Uuid;

/// A new link open for `days` from now (the JSON API takes an exact expiry instead).
#[server(prefix = "/api/fn", endpoint = "create_share")]
pub async fn create_share(
    asset_id: Option<Uuid>,
    collection_id: Option<Uuid>,
    days: u32,
    password: Option<String>,
    allow_download: bool,
) -> Result<ShareLinkView, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::Share).await?;
    let expires_at = domain::sharing::links::expiry_in_days(days).map_err(fail)?;
    let new = NewShareLink { asset_id, collection_id, expires_at, password, allow_download };
    domain::sharing::links::create(&services.db, &access.actor(), new).await.map_err(fail)
}

/// The links of an asset or a collection, newest first.
#[server(prefix = "/api/fn", endpoint = "list_shares")]
pub async fn list_shares(
    asset_id: Option<Uuid>,
    collection_id: Option<Uuid>,
) -> Result<Vec<ShareLinkView>, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::ManageShareLinks).await?;
    domain::sharing::links::list(&services.db, &access.actor(), asset_id, collection_id).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "revoke_share")]
pub async fn revoke_share(id: Uuid) -> Result<ShareLinkView, ServerFnError> {
    use super::{authorize, fail};
    use domain::policy::Permission;
    let (services, access) = authorize(Permission::ManageShareLinks).await?;
    domain::sharing::links::revoke(&services.db, &access.actor(), id).await.map_err(fail)
}

/// What the link at `/s/<token>` shows this visitor. Needs no account.
#[server(prefix = "/api/fn", endpoint = "open_share")]
pub async fn open_share(token: String) -> Result<ShareOpening, ServerFnError> {
    use super::{access, fail};
    let (services, _) = access().await?;
    let parts = use_context::<axum::http::request::Parts>().ok_or_else(|| ServerFnError::new("no request context"))?;
    let cookie = |name: &str| edge::cookies::read(&parts.headers, name);
    domain::sharing::visitors::open(&services, &token, cookie).await.map_err(fail)
}

/// Checks the link's password; the browser keeps a grant for this link for some hours.
#[server(prefix = "/api/fn", endpoint = "unlock_share")]
pub async fn unlock_share(token: String, password: String) -> Result<(), ServerFnError> {
    use super::{access, fail};
    use domain::sharing::visitors;
    let (services, access) = access().await?;
    let (link, grant) = visitors::unlock(&services, &token, &password, access.ip).await.map_err(fail)?;
    if !grant.is_empty() {
        let cookie = edge::cookies::share_grant(
            visitors::grant_cookie_name(&link),
            grant,
            visitors::GRANT_SECONDS,
            &services.config,
        );
        expect_context::<leptos_axum::ResponseOptions>().append_header(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(())
}
