//! Structured logging, set up the same way by every binary: JSON lines, filtered by `RUST_LOG`.

pub fn init_logging(default_filter: &str) {
    // Every SQL statement at info would drown the application's own lines.
    let default_filter = format!("{default_filter},sqlx=warn");
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default_filter.into()))
        .init();
}
