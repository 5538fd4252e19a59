//! Tops each queue in Redis up from the Postgres backlog, in priority order, so Redis only ever
//! holds a handful of jobs: a new upload waits behind at most that handful, never behind a bulk
//! import, and apalis never faces the large backlogs it fails on.

use std::time::Duration;

use std::{sync::Arc, time::Instant};

use domain::{
    pipeline::{state, ProcessAsset, QueueName},
    Services,
};
use tokio::sync::watch;

use crate::{wake::Wakeups, Consumers};

/// Jobs waiting in Redis this long while this process's consumer runs nothing mean the consumer
/// is parked (an apalis-redis defect): restart it.
const STALL_AFTER: Duration = Duration::from_secs(2);

/// Idle: look for new work this often (a stored upload and a finished job wake the feeder at
/// once; this finds retries whose back-off ended). Busy (the last round pushed jobs): come back
/// sooner, so a fast queue is never starved by the feeder's own pace.
const FEED_IDLE: Duration = Duration::from_secs(1);
const FEED_BUSY: Duration = Duration::from_millis(20);

/// Jobs kept waiting in Redis for a worker running `concurrency` jobs at once: enough that it never
/// idles between feeds, few enough that new work is not stuck behind old.
pub fn target_depth(concurrency: usize) -> u64 {
    (2 * concurrency as u64).max(2)
}

/// One top-up; returns how many jobs were pushed.
pub async fn feed_once(services: &Services, queue: QueueName, target: u64) -> domain::error::Result<usize> {
    Ok(feed(services, queue, target).await?.0)
}

/// One top-up; returns how many jobs were pushed and how many were already waiting.
async fn feed(services: &Services, queue: QueueName, target: u64) -> domain::error::Result<(usize, u64)> {
    let depth = services.jobs.depth(queue).await?;
    let room = target.saturating_sub(depth.waiting);
    let ids = state::dispatch_batch(&services.db, queue.kind(), room).await?;
    for (i, id) in ids.iter().enumerate() {
        if let Err(e) = services.jobs.push(queue, ProcessAsset { asset_id: *id }).await {
            // Not in Redis after all: back to the backlog for the next round.
            state::undispatch(&services.db, &ids[i..]).await?;
            return Err(e);
        }
    }
    Ok((ids.len(), depth.waiting))
}

/// Feeds `queue` until `stop`, keeping as many jobs waiting as this process's slots for the queue
/// call for (they follow the backlog under WORKER_AUTOSCALE).
pub async fn run(
    services: Services,
    queue: QueueName,
    consumers: Arc<Consumers>,
    wakeups: Arc<Wakeups>,
    mut stop: watch::Receiver<bool>,
) {
    let mut idle_with_work_since: Option<Instant> = None;
    while !*stop.borrow() {
        let target = target_depth(consumers.slots(queue).size());
        let mut failed = false;
        let pause = match feed(&services, queue, target).await {
            Ok((pushed, waiting)) => {
                if pushed > 0 || waiting > 0 {
                    // Fetch now rather than at the consumer's next heartbeat.
                    wakeups.jobs_waiting(queue);
                }
                if waiting == 0 || consumers.running(queue) > 0 {
                    idle_with_work_since = None;
                } else if idle_with_work_since.get_or_insert_with(Instant::now).elapsed() > STALL_AFTER {
                    consumers.request_restart(queue);
                    idle_with_work_since = None;
                }
                if pushed == 0 {
                    FEED_IDLE
                } else {
                    FEED_BUSY
                }
            }
            Err(e) => {
                tracing::warn!(queue = queue.as_str(), error = %e, "feeding the queue failed; retrying");
                failed = true;
                FEED_IDLE
            }
        };
        if failed {
            // Retry at the idle pace, not at every upload or finished job while Redis or Postgres is down.
            let _ = tokio::time::timeout(pause, stop.changed()).await;
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = wakeups.work_arrived(queue) => {}
            _ = consumers.job_finished(queue) => {}
            _ = stop.changed() => {}
        }
    }
}
