//! `dam-server`: serves the web UI and the JSON API.

use domain::{Config, Services};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    domain::telemetry::init_logging("info,tower_http=info");
    let config = Config::from_env()?;
    server::check_site_root(&config.site_root);
    let listen_addr = config.listen_addr;
    let services = Services::start(config).await?;
    server::ensure_first_admin(&services).await?;
    let listener = tokio::net::TcpListener::bind(listen_addr).await?;
    tracing::info!(url = %format!("http://{listen_addr}/"), "DAM server listening");
    // Views and downloads counted in Redis reach Postgres every interval, and once more at exit.
    let interval = std::time::Duration::from_secs(services.config.usage_flush_seconds.max(1));
    let flushing = tokio::spawn(services.usage.clone().flush_periodically(
        services.db.clone(),
        interval,
        domain::services::shutdown_signal(),
    ));
    server::serve(listener, server::router(services)).await?;
    flushing.await?;
    Ok(())
}
