//! `dam-autoscaler`: sizes the worker services of a Swarm stack to their queues (SCALE_SERVICES),
//! through the Docker Engine API of a manager node (DOCKER_HOST, or the mounted local socket).

use domain::{Config, Services};
use worker::swarm_scaler::{self, Swarm};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    domain::telemetry::init_logging("info");
    let config = Config::from_env()?;
    anyhow::ensure!(
        !config.scaling.services.is_empty(),
        "SCALE_SERVICES names no service to scale (e.g. dam_worker-video=video:1-4)"
    );
    let swarm = Swarm::connect().await?;
    let services = Services::start(config).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        domain::services::shutdown_signal().await;
        let _ = stop.send(true);
    });
    swarm_scaler::run(services, swarm, stopped).await;
    Ok(())
}
