//! `dam-worker`: processes uploaded assets in the background.

use domain::{Config, Services};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let config = Config::from_env()?;
    let services = Services::start(config).await?;
    worker::run(services, async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing jobs in flight");
    })
    .await
}
