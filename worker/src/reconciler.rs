//! Finds work that fell through the cracks and puts it back in the backlog: assets held by
//! workers that died (SIGKILL, crash), and dispatched jobs Redis no longer has (it restarted
//! empty: Redis keeps nothing on disk here). Also keeps Redis from growing with finished jobs, and
//! deletes resumable uploads left unfinished past their expiry.

use std::time::Duration;

use domain::{
    pipeline::{state, workers, QueueName},
    Services,
};
use tokio::sync::watch;

const RECONCILE_EVERY: Duration = Duration::from_secs(3);
const UPLOAD_SWEEP_EVERY: Duration = Duration::from_secs(60);
/// A job is pushed right after it is marked dispatched; this covers that gap.
const DISPATCH_GRACE: chrono::Duration = chrono::Duration::seconds(10);
/// The feeder keeps Redis queues a few jobs deep, so a job still unclaimed after this long is
/// lost in Redis in some way we cannot see (orphaned in a dead consumer's in-flight set, …).
const STALE_DISPATCH: chrono::Duration = chrono::Duration::minutes(2);

pub async fn reconcile_once(services: &Services) -> domain::error::Result<u64> {
    let mut released = state::release_from_dead_workers(&services.db).await?;
    released += state::release_stale_dispatches(&services.db, STALE_DISPATCH).await?;
    for queue in QueueName::ALL {
        let depth = services.jobs.depth(queue).await?;
        if depth.waiting == 0 && depth.active == 0 {
            released += state::release_lost_dispatches(&services.db, queue.kind(), DISPATCH_GRACE).await?;
        }
        services.jobs.forget_finished(queue).await?;
    }
    workers::prune(&services.db).await?;
    Ok(released)
}

pub async fn run(services: Services, mut stop: watch::Receiver<bool>) {
    let mut last_upload_sweep: Option<tokio::time::Instant> = None;
    while !*stop.borrow() {
        if last_upload_sweep.is_none_or(|at| at.elapsed() >= UPLOAD_SWEEP_EVERY) {
            last_upload_sweep = Some(tokio::time::Instant::now());
            match domain::uploads::remove_expired(&services).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "deleted expired unfinished uploads"),
                Err(e) => tracing::warn!(error = %e, "sweeping expired uploads failed; retrying"),
            }
        }
        match reconcile_once(&services).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(released = n, "handed lost or orphaned assets back to the backlog"),
            Err(e) => tracing::warn!(error = %e, "reconciling failed; retrying"),
        }
        let _ = tokio::time::timeout(RECONCILE_EVERY, stop.changed()).await;
    }
}
