//! Server functions: the web UI's calls into the server, also reachable under `/api/fn/`. Each
//! one goes through the same access check as the JSON API.

pub mod account;
pub mod admin;
pub mod assets;
pub mod library;
pub mod sharing;

#[cfg(feature = "ssr")]
mod guard {
    use domain::{policy::Permission, Services};
    use leptos::prelude::*;

    use crate::http::{error, Access};

    /// Turns a domain error into the server function's error, with the same HTTP status the JSON
    /// API would answer.
    pub fn fail(e: domain::Error) -> ServerFnError {
        // Only for a call over HTTP: during a page render (which has a meta context) the same
        // function runs in-process, and the page's own status must not change.
        let rendering_page = use_context::<leptos_meta::ServerMetaContext>().is_some();
        if let (false, Some(response)) = (rendering_page, use_context::<leptos_axum::ResponseOptions>()) {
            response.set_status(error::status_of(&e));
        }
        ServerFnError::new(error::public_message(&e))
    }

    /// Who is calling, without requiring anything.
    pub async fn access() -> Result<(Services, Access), ServerFnError> {
        use axum::extract::FromRequestParts;
        let services = expect_context::<Services>();
        let mut parts =
            use_context::<axum::http::request::Parts>().ok_or_else(|| ServerFnError::new("no request context"))?;
        let access = Access::from_request_parts(&mut parts, &services).await.map_err(|e| fail(e.0))?;
        Ok((services, access))
    }

    /// The caller, if they may do `permission`.
    pub async fn authorize(permission: Permission) -> Result<(Services, Access), ServerFnError> {
        let (services, access) = access().await?;
        access.require(permission).map_err(fail)?;
        Ok((services, access))
    }
}
#[cfg(feature = "ssr")]
pub(crate) use guard::{access, authorize, fail};
