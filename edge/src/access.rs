//! Who is asking, read once from the request: a bearer token or the session cookie, and the
//! client's address. The permission check itself is the domain's (`Caller::require`).

use std::{net::IpAddr, ops::Deref};

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header, request::Parts},
};
use domain::{
    accounts::{sessions, tokens},
    operations::{Caller, Principal, Via},
    workspaces::{self, Membership},
    Error, Services,
};

use super::{cookies, workspace_path::WorkspaceSlug, ApiError};

/// The workspace a session works in: the one its path names (a person who is not a member gets
/// 404, as if it did not exist), else the one they last worked in, else their first.
async fn session_workspace(
    db: &sea_orm::DatabaseConnection,
    user: &domain::entities::user::Model,
    named: Option<&str>,
    last: Option<&str>,
) -> Result<Option<Membership>, Error> {
    if let Some(slug) = named {
        let workspace = workspaces::by_slug(db, slug).await?.ok_or(Error::NotFound("workspace"))?;
        return workspaces::membership(db, user, workspace).await?.map(Some).ok_or(Error::NotFound("workspace"));
    }
    let mut memberships = workspaces::memberships_of(db, user.id).await?;
    if let Some(slug) = last {
        if let Some(at) = memberships.iter().position(|m| m.workspace.slug == slug) {
            return Ok(Some(memberships.swap_remove(at)));
        }
        if user.operator {
            if let Some(workspace) = workspaces::by_slug(db, slug).await? {
                return workspaces::membership(db, user, workspace).await;
            }
        }
    }
    if memberships.is_empty() && user.operator {
        return workspaces::membership(db, user, workspaces::default_workspace(db).await?).await;
    }
    Ok(memberships.into_iter().next())
}

/// The client's address, put into the request by the server's middleware (the socket address, or
/// the forwarded one when the connection comes from a trusted proxy).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// The caller of a request, as an axum extractor.
#[derive(Clone, Debug)]
pub struct Access(pub Caller);

impl Deref for Access {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.0
    }
}

/// The secret of an `Authorization: Bearer …` header. Other schemes (a proxy's Basic credentials,
/// say) are not ours: such a request is judged by its cookie alone, with every cookie check.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl<S> FromRequestParts<S> for Access
where
    Services: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        let ip = parts.extensions.get::<ClientIp>().map(|c| c.0);
        let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
        // A script that presents a token gets a clear 401 for a bad one, never silent anonymity.
        let named = parts.extensions.get::<WorkspaceSlug>().map(|s| s.0.clone());
        let db = &services.db;
        let principal = if let Some(secret) = bearer(&parts.headers) {
            let (token, user) = tokens::authenticate(db, secret).await?.ok_or(Error::InvalidToken)?;
            // A token works in its own workspace; naming another finds nothing.
            let workspace = workspaces::get(db, token.workspace_id).await?;
            if named.as_ref().is_some_and(|slug| *slug != workspace.slug) {
                return Err(Error::NotFound("workspace").into());
            }
            let workspace = workspaces::membership(db, &user, workspace).await?;
            Some(Principal { user, via: Via::Token(token.id), workspace })
        } else if let Some(secret) = cookies::read(&parts.headers, cookies::SESSION_COOKIE).filter(|s| !s.is_empty()) {
            match sessions::authenticate(db, &secret).await? {
                Some((session, user)) => {
                    let last = cookies::read(&parts.headers, cookies::WORKSPACE_COOKIE);
                    let workspace = session_workspace(db, &user, named.as_deref(), last.as_deref()).await?;
                    Some(Principal { user, via: Via::Session(session.id), workspace })
                }
                None => None,
            }
        } else {
            None
        };
        Ok(Access(Caller { principal, ip, user_agent }))
    }
}
