//! `dam-worker`: processes uploaded assets in the background.

use domain::{Config, Services};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    domain::telemetry::init_logging("info");
    let config = Config::from_env()?;
    let services = Services::start(config).await?;
    worker::run(services, async {
        domain::services::shutdown_signal().await;
        tracing::info!("shutting down: finishing jobs in flight");
    })
    .await
}
