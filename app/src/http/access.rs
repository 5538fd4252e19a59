//! The one access check. Every route and server function takes an [`Access`]: who is asking
//! (from a bearer token or the session cookie) and from where; `require` answers whether they may.
//! Per-collection rights or tenants would be added here, not in the handlers.

use std::net::IpAddr;

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header, request::Parts},
};
use domain::{
    accounts::{sessions, tokens},
    audit::Actor,
    entities::user,
    policy::{self, Permission},
    Error, Services,
};
use uuid::Uuid;

use super::{cookies, ApiError};

/// The client's address, put into the request by the server's middleware (the socket address, or
/// the forwarded one when the connection comes from a trusted proxy).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Session(Uuid),
    Token(Uuid),
}

#[derive(Clone, Debug)]
pub struct Principal {
    pub user: user::Model,
    pub via: Via,
}

#[derive(Clone, Debug)]
pub struct Access {
    pub principal: Option<Principal>,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Access {
    /// Whether the session or token this request came with still signs its person in (for
    /// requests that outlive a revocation, like the event stream). Anonymous access stays valid.
    pub async fn still_valid(&self, db: &sea_orm::DatabaseConnection) -> Result<bool, Error> {
        match self.principal.as_ref().map(|p| p.via) {
            None => Ok(true),
            Some(Via::Session(id)) => sessions::is_active(db, id).await,
            Some(Via::Token(id)) => tokens::is_active(db, id).await,
        }
    }

    pub fn actor(&self) -> Actor {
        let ip = self.ip.map(|ip| ip.to_string());
        match &self.principal {
            Some(p) => Actor::user(&p.user, ip),
            None => Actor::anonymous(ip),
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.principal.as_ref().is_some_and(|p| policy::allows(p.user.role, permission))
    }

    /// The signed-in person, if they may do `permission`: 401 for nobody, 403 for too little.
    pub fn require(&self, permission: Permission) -> Result<&Principal, Error> {
        let principal = self.principal.as_ref().ok_or(Error::Unauthenticated)?;
        if policy::allows(principal.user.role, permission) {
            Ok(principal)
        } else {
            Err(Error::Forbidden(describe(permission).into()))
        }
    }

    pub fn session_id(&self) -> Option<Uuid> {
        match self.principal.as_ref()?.via {
            Via::Session(id) => Some(id),
            Via::Token(_) => None,
        }
    }

    pub fn session_origin(&self) -> sessions::Origin {
        sessions::Origin { ip: self.ip.map(|ip| ip.to_string()), user_agent: self.user_agent.clone() }
    }
}

fn describe(permission: Permission) -> &'static str {
    match permission {
        Permission::Browse => "browse the library",
        Permission::Upload => "upload (editors and admins can)",
        Permission::EditMetadata => "edit metadata (editors and admins can)",
        Permission::Share => "share assets (editors and admins can)",
        Permission::ReplaceFile => "upload new versions of files (editors and admins can)",
        Permission::Trash => "use the trash (editors and admins can)",
        Permission::DeleteCollection => "delete collections (editors and admins can)",
        Permission::ManageShareLinks => "see or turn off share links (editors and admins can)",
        Permission::EmptyTrash => "delete assets for good (admins only)",
        Permission::ManageUsers => "manage users (admins only)",
        Permission::ManageSettings => "change settings (admins only)",
        Permission::ViewDashboard => "see the dashboard (admins only)",
        Permission::ManageQueues => "manage the queues (admins only)",
        Permission::ViewAuditLog => "read the audit log (admins only)",
        Permission::ManageOwnCredentials => "manage credentials",
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
        Ok(Access { principal, ip, user_agent })
    }
}
