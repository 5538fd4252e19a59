//! The Swarm autoscaler (`dam-autoscaler`): the scaling policy (`domain::pipeline::scaling`) sets
//! the replicas of worker services (SCALE_SERVICES) from their queues' backlog, through the Docker
//! Engine API of a Swarm manager. Workers that go finish or hand back their jobs (SIGTERM and
//! the stop grace period), so scaling down loses nothing.

use std::time::{Duration, Instant};

use bollard::{
    models::{ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated},
    query_parameters::UpdateServiceOptionsBuilder,
    Docker,
};
use domain::{
    pipeline::{
        backlog,
        scaling::{ScalePolicy, ScaleState, ScaledService},
    },
    Services,
};
use tokio::sync::watch;

#[derive(Debug, thiserror::Error)]
pub enum ScalerError {
    #[error("Docker Engine API: {0}")]
    Docker(#[from] bollard::errors::Error),
    #[error("service {0} is not replicated (a global service cannot be scaled)")]
    NotReplicated(String),
}

/// Replicas of a Swarm service, read and set through the Engine API.
pub struct Swarm {
    docker: Docker,
}

impl Swarm {
    /// The engine DOCKER_HOST names, or the local socket; the API version is agreed with it.
    pub async fn connect() -> Result<Self, ScalerError> {
        let docker = Docker::connect_with_defaults()?.negotiate_version().await?;
        Ok(Swarm { docker })
    }

    /// The service as it is now: its replicas, and what `scale` needs to change them.
    pub async fn inspect(&self, service: &str) -> Result<RunningService, ScalerError> {
        let found = self.docker.inspect_service(service, None).await?;
        let spec = found.spec.unwrap_or_default();
        let replicas = spec
            .mode
            .as_ref()
            .and_then(|mode| mode.replicated.as_ref())
            .and_then(|replicated| replicated.replicas)
            .ok_or_else(|| ScalerError::NotReplicated(service.to_owned()))?;
        Ok(RunningService {
            name: service.to_owned(),
            replicas: replicas.max(0) as u32,
            version: found.version.and_then(|v| v.index).unwrap_or_default(),
            spec,
        })
    }

    /// Sets the replicas, keeping the rest of the service's spec as inspected. The update names
    /// the version inspected, so a concurrent change (a deploy) makes it fail rather than undo that.
    pub async fn scale(&self, service: RunningService, replicas: u32) -> Result<(), ScalerError> {
        let mut spec = service.spec;
        spec.mode = Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated { replicas: Some(i64::from(replicas)) }),
            ..Default::default()
        });
        let options = UpdateServiceOptionsBuilder::default().version(service.version as i32).build();
        self.docker.update_service(&service.name, spec, options, None).await?;
        Ok(())
    }
}

/// A replicated Swarm service as inspected.
pub struct RunningService {
    name: String,
    pub replicas: u32,
    version: u64,
    spec: ServiceSpec,
}

/// Reads the backlog every SCALE_EVERY_SECONDS and sizes each configured service until `stop`.
/// Errors (the engine or the database unreachable, a service missing) are logged and retried.
pub async fn run(services: Services, swarm: Swarm, mut stop: watch::Receiver<bool>) {
    let scaling = services.config.scaling.clone();
    let started = Instant::now();
    let mut scaled: Vec<(ScaledService, ScalePolicy, Option<ScaleState>)> =
        scaling.services.iter().map(|s| (s.clone(), scaling.policy(s.min, s.max), None)).collect();
    tracing::info!(services = ?scaling.services.iter().map(|s| &s.service).collect::<Vec<_>>(), "autoscaler started");
    while !*stop.borrow() {
        match backlog::report(&services).await {
            Ok(reports) => {
                for (service, policy, state) in &mut scaled {
                    let waiting: u64 = reports
                        .iter()
                        .filter(|r| service.queues.iter().any(|q| q.as_str() == r.queue))
                        .map(|r| r.backlog)
                        .sum();
                    if let Err(e) = step(&swarm, service, policy, state, waiting, started.elapsed()).await {
                        tracing::warn!(service = %service.service, error = %e, "cannot scale");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the backlog to scale"),
        }
        let _ = tokio::time::timeout(scaling.every, stop.changed()).await;
    }
}

async fn step(
    swarm: &Swarm,
    service: &ScaledService,
    policy: &ScalePolicy,
    state: &mut Option<ScaleState>,
    backlog: u64,
    now: Duration,
) -> Result<(), ScalerError> {
    // What runs now, which an operator may have changed by hand (`docker service scale`).
    let running = swarm.inspect(&service.service).await?;
    let current = running.replicas;
    let state = state.get_or_insert_with(|| ScaleState::new(current));
    state.workers = current;
    if let Some(replicas) = policy.decide(state, backlog, now) {
        tracing::info!(service = %service.service, backlog, from = current, to = replicas, "replicas follow the backlog");
        swarm.scale(running, replicas).await?;
    }
    Ok(())
}
