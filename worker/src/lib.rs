//! The background worker: one apalis worker per queue, each job kind in its own module under
//! `jobs/`. Status changes an asset goes through live in `status`.

pub mod imaging;
pub mod jobs;
pub mod status;

use std::future::Future;

use apalis::prelude::*;
use domain::{jobs::QueueName, Services};
use futures::FutureExt;

/// Assets re-queued from Postgres at start-up at most (the rest wait for the next start or for the
/// pipeline's feeder).
const REQUEUE_AT_START: u64 = 2_000;

/// Runs the image and video workers until `shutdown` completes; jobs in flight are finished first.
pub async fn run(services: Services, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    match services.jobs.requeue_unprocessed(&services.db, REQUEUE_AT_START).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "re-queued assets still waiting for processing"),
        Err(e) => tracing::warn!(error = %e, "could not re-queue waiting assets"),
    }
    let shutdown = shutdown.shared();
    let stop = || shutdown.clone().map(Ok::<(), std::io::Error>);
    let instance = uuid::Uuid::new_v4().simple().to_string();

    let image = WorkerBuilder::new(format!("image-{instance}"))
        .backend(services.jobs.backend(QueueName::Image))
        .concurrency(services.config.image_concurrency.max(1))
        .data(services.clone())
        .build(jobs::process_image::process_image);
    let video = WorkerBuilder::new(format!("video-{instance}"))
        .backend(services.jobs.backend(QueueName::Video))
        .concurrency(1)
        .data(services.clone())
        .build(jobs::process_video::process_video);

    tracing::info!(image_concurrency = services.config.image_concurrency, "worker started");
    let (image, video) = tokio::join!(image.run_until(stop()), video.run_until(stop()));
    image?;
    video?;
    tracing::info!("worker stopped");
    Ok(())
}
