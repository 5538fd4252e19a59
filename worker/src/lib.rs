//! The background worker. Per queue: an apalis worker consuming jobs (one module per job kind in
//! `jobs/`), a feeder topping Redis up from the Postgres backlog, and, once per process, the
//! reconciler and the heartbeat that tells others this worker is alive.

pub mod autoscale;
pub mod feeder;
pub mod heif;
pub mod imaging;
pub mod jobs;
pub mod metadata;
pub mod metrics;
pub mod pdf;
pub mod reconciler;
pub mod runner;
pub mod swarm_scaler;
pub mod tools;
pub mod video;
pub mod wake;

use std::{
    future::Future,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use apalis::prelude::*;
use domain::{
    pipeline::{state, workers, QueueName},
    Services,
};
use futures::FutureExt;
use tokio::sync::watch;

/// What every job handler gets: the services, who it is running in, and how busy each queue's
/// consumer in this process is.
#[derive(Clone)]
pub struct JobContext {
    pub services: Services,
    pub worker_id: Arc<str>,
    pub consumers: Arc<Consumers>,
    pub metrics: metrics::JobMetrics,
}

/// Per queue: jobs running in this process, the slots they run in, and a way to restart a
/// stalled consumer.
pub struct Consumers {
    running: [AtomicUsize; 3],
    /// The assets whose jobs run in this process now.
    in_hand: std::sync::Mutex<std::collections::HashSet<uuid::Uuid>>,
    slots: [autoscale::Slots; 3],
    restart: [tokio::sync::Notify; 3],
    /// Rung when a job ends, so the feeder tops the queue up at once (fast jobs would otherwise
    /// empty Redis and wait for its next round).
    finished: [tokio::sync::Notify; 3],
}

impl Consumers {
    /// `slots`: jobs each queue may run at once, in the order of `QueueName::ALL`.
    pub fn new(slots: [usize; 3]) -> Self {
        Consumers {
            running: Default::default(),
            in_hand: Default::default(),
            slots: slots.map(autoscale::Slots::new),
            restart: Default::default(),
            finished: Default::default(),
        }
    }

    pub fn slots(&self, queue: QueueName) -> &autoscale::Slots {
        &self.slots[Self::slot(queue)]
    }

    /// Where `queue`'s entry is in the per-queue arrays of this process.
    pub(crate) fn slot(queue: QueueName) -> usize {
        match queue {
            QueueName::Image => 0,
            QueueName::Video => 1,
            QueueName::Document => 2,
        }
    }

    pub fn running(&self, queue: QueueName) -> usize {
        self.running[Self::slot(queue)].load(Ordering::SeqCst)
    }

    /// Counts a job on `asset` as running until the guard is dropped (its job ended, or its future
    /// was dropped with a failed consumer).
    pub fn start_job(self: &Arc<Self>, queue: QueueName, asset: uuid::Uuid) -> RunningJob {
        self.running[Self::slot(queue)].fetch_add(1, Ordering::SeqCst);
        self.in_hand.lock().expect("never poisoned: no panics while held").insert(asset);
        RunningJob { consumers: self.clone(), slot: Self::slot(queue), asset }
    }

    /// The assets whose jobs run in this process now.
    pub fn in_hand(&self) -> Vec<uuid::Uuid> {
        self.in_hand.lock().expect("never poisoned: no panics while held").iter().copied().collect()
    }

    pub fn request_restart(&self, queue: QueueName) {
        self.restart[Self::slot(queue)].notify_one();
    }

    async fn restart_requested(&self, queue: QueueName) {
        self.restart[Self::slot(queue)].notified().await
    }

    /// Completes when a job of `queue` ended (or at once, if one ended since the last wait).
    pub async fn job_finished(&self, queue: QueueName) {
        self.finished[Self::slot(queue)].notified().await
    }
}

pub struct RunningJob {
    consumers: Arc<Consumers>,
    slot: usize,
    asset: uuid::Uuid,
}

impl Drop for RunningJob {
    fn drop(&mut self) {
        self.consumers.running[self.slot].fetch_sub(1, Ordering::SeqCst);
        self.consumers.finished[self.slot].notify_one();
        self.consumers.in_hand.lock().expect("never poisoned: no panics while held").remove(&self.asset);
    }
}

const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);
/// A claim this old with no job running for it in this process was lost here.
const ABANDONED_AFTER: chrono::Duration = chrono::Duration::seconds(30);
const RESTART_AFTER: Duration = Duration::from_secs(1);

/// Runs the workers until `shutdown` completes. Jobs in flight finish; anything this process still
/// holds afterwards is handed back to the backlog.
pub async fn run(services: Services, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    let host = hostname();
    let worker_id: Arc<str> =
        format!("{host}-{}-{}", std::process::id(), &uuid::Uuid::new_v4().simple().to_string()[..8]).into();
    let consumed = services.config.worker_queues.clone();
    let queues: Vec<&str> = consumed.iter().map(|q| q.as_str()).collect();
    let image_concurrency = services.config.image_concurrency.max(1);
    let video_concurrency = services.config.video_concurrency.max(1);
    let document_concurrency = services.config.document_concurrency.max(1);
    let most = [image_concurrency, video_concurrency, document_concurrency];
    // Sized to the backlog, a worker starts with one slot per queue and grows.
    let autoscale = services.config.worker_autoscale;
    let consumers = Arc::new(Consumers::new(if autoscale { [1; 3] } else { most }));
    let slots_now = {
        let (consumers, consumed) = (consumers.clone(), consumed.clone());
        move || consumed.iter().map(|q| (q.as_str(), consumers.slots(*q).size())).collect::<Vec<_>>()
    };
    workers::heartbeat(&services.db, &worker_id, &host, &slots_now()).await?;
    let job_metrics = metrics::JobMetrics::default();
    let ctx = JobContext {
        services: services.clone(),
        worker_id: worker_id.clone(),
        consumers: consumers.clone(),
        metrics: job_metrics.clone(),
    };

    let (stop_tx, stop_rx) = watch::channel(false);
    let mut loops = tokio::task::JoinSet::new();
    {
        let (db, id, host, slots_now, mut stop) =
            (services.db.clone(), worker_id.clone(), host.clone(), slots_now.clone(), stop_rx.clone());
        let consumers = consumers.clone();
        loops.spawn(async move {
            while !*stop.borrow() {
                if let Err(e) = workers::heartbeat(&db, &id, &host, &slots_now()).await {
                    tracing::warn!(error = %e, "heartbeat failed");
                }
                // Others trust a live worker with what it claimed; this one checks it still has it.
                match state::release_abandoned(&db, &id, &consumers.in_hand(), ABANDONED_AFTER).await {
                    Ok(0) => {}
                    Ok(n) => tracing::warn!(released = n, "jobs lost inside this worker went back to the backlog"),
                    Err(e) => tracing::warn!(error = %e, "checking this worker's claims failed"),
                }
                let _ = tokio::time::timeout(HEARTBEAT_EVERY, stop.changed()).await;
            }
        });
    }
    let wakeups = Arc::new(wake::Wakeups::default());
    loops.spawn(wake::listen(services.clone(), wakeups.clone(), stop_rx.clone()));
    for &queue in &consumed {
        loops.spawn(feeder::run(services.clone(), queue, consumers.clone(), wakeups.clone(), stop_rx.clone()));
    }
    loops.spawn(reconciler::run(services.clone(), stop_rx.clone()));
    if let Some(addr) = services.config.worker_metrics_addr {
        loops.spawn(metrics::serve(addr, job_metrics, services.clone(), stop_rx.clone()));
    }
    if autoscale {
        let sized: Vec<(QueueName, usize)> =
            QueueName::ALL.iter().zip(most).filter(|(q, _)| consumed.contains(q)).map(|(q, most)| (*q, most)).collect();
        loops.spawn(autoscale::run(services.clone(), consumers.clone(), sized, stop_rx.clone()));
    }

    let shutdown = shutdown.shared();
    tracing::info!(worker = %worker_id, queues = ?queues, autoscale, image_concurrency, video_concurrency, document_concurrency, "worker started");
    // One supervised apalis consumer per queue this worker takes; only the job function differs.
    macro_rules! consume {
        ($queue:expr, $concurrency:expr, $job:path) => {
            async {
                if consumed.contains(&$queue) {
                    supervise(&worker_id, $queue, &consumers, shutdown.clone(), |name| {
                        WorkerBuilder::new(name)
                            .backend(PollWith::new(
                                services.jobs.backend($queue),
                                StreamStrategy::new(wakeups.consumer_bell($queue)),
                            ))
                            .concurrency($concurrency)
                            .data(ctx.clone())
                            .build($job)
                            .run_until(shutdown.clone().map(Ok::<(), std::io::Error>))
                    })
                    .await
                }
            }
        };
    }
    let image = consume!(QueueName::Image, image_concurrency, jobs::process_image::process_image);
    let video = consume!(QueueName::Video, video_concurrency, jobs::process_video::process_video);
    let document = consume!(QueueName::Document, document_concurrency, jobs::process_document::process_document);
    tokio::join!(image, video, document);
    let _ = stop_tx.send(true);
    while loops.join_next().await.is_some() {}

    let handed_back = state::release_worker(&services.db, &worker_id).await?;
    workers::deregister(&services.db, &worker_id).await?;
    tracing::info!(worker = %worker_id, handed_back, "worker stopped");
    Ok(())
}

/// Keeps one queue's apalis worker running: apalis ends a worker for good on a backend error (a
/// Redis restart, a failed heartbeat), which would leave the queue without a consumer while the
/// process looks alive; and an idle apalis-redis consumer can stay parked while due jobs wait (it
/// only promotes scheduled jobs when it fetches), so the feeder may ask for a restart too. Each
/// restart registers under a new name.
async fn supervise<F, Fut>(
    prefix: &str,
    queue: QueueName,
    consumers: &Consumers,
    shutdown: impl Future<Output = ()> + Clone,
    start: F,
) where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<(), WorkerError>>,
{
    let base = format!("{prefix}-{}", queue.as_str());
    for generation in 0u64.. {
        let result = tokio::select! {
            result = start(format!("{base}-{generation}")) => result,
            _ = consumers.restart_requested(queue) => {
                tracing::warn!(queue = queue.as_str(), "queue consumer stalled with jobs waiting; restarting it");
                continue;
            }
        };
        if shutdown.clone().now_or_never().is_some() {
            return;
        }
        match result {
            Ok(()) => tracing::warn!(queue = queue.as_str(), "queue consumer stopped; restarting"),
            Err(e) => tracing::warn!(queue = queue.as_str(), error = %e, "queue consumer failed; restarting"),
        }
        tokio::time::sleep(RESTART_AFTER).await;
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}
