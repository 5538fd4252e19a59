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
    Error, Services,
};

use super::{cookies, ApiError};

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
        let principal = if let Some(secret) = bearer(&parts.headers) {
            let (token, user) = tokens::authenticate(&services.db, secret).await?.ok_or(Error::InvalidToken)?;
            Some(Principal { user, via: Via::Token(token.id) })
        } else if let Some(secret) = cookies::read(&parts.headers, cookies::SESSION_COOKIE).filter(|s| !s.is_empty()) {
            sessions::authenticate(&services.db, &secret)
                .await?
                .map(|(session, user)| Principal { user, via: Via::Session(session.id) })
        } else {
            None
        };
        Ok(Access(Caller { principal, ip, user_agent }))
    }
}
