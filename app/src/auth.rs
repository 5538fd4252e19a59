//! The one access check every route and server function goes through.
//!
//! For now it lets everyone in as an anonymous user; the accounts issue fills it in (sessions,
//! tokens, roles) without touching the handlers that take it.

use axum::{extract::FromRequestParts, http::request::Parts};
use domain::ingest::Uploader;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, Default)]
pub struct Access {
    pub user_id: Option<Uuid>,
}

impl Access {
    pub fn uploader(&self) -> Uploader {
        Uploader { user_id: self.user_id }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Access {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Access::default())
    }
}
