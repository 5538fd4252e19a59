//! Structured logging, set up the same way by every binary: JSON lines, filtered by `RUST_LOG`;
//! and the id of the request being served, which assets keep so their jobs log it too.

use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs `work` as part of the request `id` (`request_id()` answers it inside).
pub async fn with_request_id<F: Future>(id: String, work: F) -> F::Output {
    REQUEST_ID.scope(id, work).await
}

/// The id of the request this code serves, if it serves one.
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

pub fn init_logging(default_filter: &str) {
    // Every SQL statement at info would drown the application's own lines.
    let default_filter = format!("{default_filter},sqlx=warn");
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default_filter.into()),
        )
        .init();
}
