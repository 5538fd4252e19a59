//! Server functions of share links: making and revoking them (editors; the operations of the same
//! names), and opening one (anyone holding the link, signed in or not: these set the visitor's
//! grant cookie, so they stay server functions of their own).

use domain::{
    dto::{NewShareLink, ShareOpening},
    operations::{
        sharing::{self, ShareFilter},
        ById,
    },
};
use leptos::prelude::*;

server_op!(list_shares, "list_shares", sharing::ListShares, ShareFilter, default);
server_op!(create_share, "create_share", sharing::CreateShare, NewShareLink);
server_op!(revoke_share, "revoke_share", sharing::RevokeShare, ById);

/// What the link at `/s/<token>` shows this visitor. Needs no account.
#[server(prefix = "/api/fn", endpoint = "open_share")]
pub async fn open_share(token: String) -> Result<ShareOpening, ServerFnError> {
    use super::{access, fail};
    let (services, _) = access().await?;
    let parts = use_context::<axum::http::request::Parts>().ok_or_else(|| ServerFnError::new("no request context"))?;
    let cookie = |name: &str| edge::cookies::read(&parts.headers, name);
    domain::sharing::visitors::open(&services, &token, edge::links::SharedLinks::under, cookie).await.map_err(fail)
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
