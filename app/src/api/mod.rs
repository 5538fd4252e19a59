//! Server functions: the web UI's calls into the server, also reachable under `/api/fn/`. Most
//! are one line, `server_op!`, over a domain operation (`domain::operations`), the same one the
//! JSON API runs: same input, output, permission check and transaction.

/// A server function over an operation: `server_op!(fn_name, "endpoint", Operation(Input))`,
/// where the endpoint is the operation's id (tests/operations.rs checks that they match) and
/// `Input` its input type (spelt out: the server macro needs the concrete type; the compiler checks
/// that it is the operation's).
macro_rules! server_op {
    ($(#[$meta:meta])* $name:ident, $endpoint:tt, $op:ty, $input:ty) => {
        $(#[$meta])*
        #[leptos::server(prefix = "/api/fn", endpoint = $endpoint)]
        pub async fn $name(
            input: $input,
        ) -> Result<<$op as domain::operations::Operation>::Output, leptos::prelude::ServerFnError> {
            crate::api::run::<$op>(input).await
        }
    };
    // For inputs with nothing required (`Nothing`, a search): a call may leave the input out.
    ($(#[$meta:meta])* $name:ident, $endpoint:tt, $op:ty, $input:ty, default) => {
        $(#[$meta])*
        #[leptos::server(prefix = "/api/fn", endpoint = $endpoint)]
        pub async fn $name(
            #[server(default)] input: $input,
        ) -> Result<<$op as domain::operations::Operation>::Output, leptos::prelude::ServerFnError> {
            crate::api::run::<$op>(input).await
        }
    };
}

pub mod account;
pub mod admin;
pub mod assets;
pub mod library;
pub mod sharing;

#[cfg(feature = "ssr")]
mod guard {
    use domain::{policy::Permission, Services};
    use leptos::prelude::*;

    use edge::Access;

    /// Turns a domain error into the server function's error, with the same HTTP status the JSON
    /// API would answer.
    pub fn fail(e: domain::Error) -> ServerFnError {
        // Only for a call over HTTP: during a page render (which has a meta context) the same
        // function runs in-process, and the page's own status must not change.
        let rendering_page = use_context::<leptos_meta::ServerMetaContext>().is_some();
        if let (false, Some(response)) = (rendering_page, use_context::<leptos_axum::ResponseOptions>()) {
            response.set_status(edge::status_of(&e));
        }
        ServerFnError::new(edge::problem::public_message(&e))
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

    /// Runs operation `O` for the caller of this server function.
    pub async fn run<O: domain::operations::Operation>(input: O::Input) -> Result<O::Output, ServerFnError> {
        let (services, access) = access().await?;
        domain::operations::execute::<O>(&services, &access, &edge::links::API, input).await.map_err(fail)
    }
}
#[cfg(feature = "ssr")]
pub(crate) use guard::{access, authorize, fail, run};
