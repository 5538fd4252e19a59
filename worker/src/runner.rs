//! What every job does around its own work: claim the asset, run, and record the outcome —
//! processed, failed for good (bad input), or back to the backlog with a back-off (transient).

use std::future::Future;

use apalis::prelude::BoxDynError;
use tracing::Instrument;

use domain::{
    entities::asset,
    pipeline::{state, ProcessAsset, QueueName},
    storage::StorageError,
};

use crate::JobContext;

/// How a job ended, when it did not succeed.
#[derive(Debug)]
pub enum JobError {
    /// The input itself is bad; retrying cannot help. The text is for the person who uploaded it.
    Permanent(String),
    /// Something around the input failed (storage, database); worth another try.
    Transient(String),
}

impl From<domain::Error> for JobError {
    fn from(e: domain::Error) -> Self {
        match e {
            domain::Error::Storage(StorageError::NotFound(_)) => {
                JobError::Permanent("The original file is missing from storage".into())
            }
            other => JobError::Transient(other.to_string()),
        }
    }
}

impl From<StorageError> for JobError {
    fn from(e: StorageError) -> Self {
        domain::Error::from(e).into()
    }
}

/// Well within the reconciler's two minutes before an unclaimed dispatch counts as lost.
const KEEP_DISPATCHED_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// How long a job may run in all, the last line of defence against a file that makes a decoder
/// spin: image and document decoders are bounded by pixel limits and their tools' own time limits,
/// a transcode by its deadline (`video::time_limit`, at most about ten hours for the longest clip).
fn time_limit(queue: QueueName) -> std::time::Duration {
    let minutes = match queue {
        QueueName::Image | QueueName::Document => 10,
        QueueName::Video => 11 * 60,
    };
    std::time::Duration::from_secs(minutes * 60)
}

/// The result of a successful job.
pub use state::Outcome as Done;

pub async fn run<F, Fut>(ctx: &JobContext, queue: QueueName, job: ProcessAsset, work: F) -> Result<(), BoxDynError>
where
    F: FnOnce(asset::Model) -> Fut,
    Fut: Future<Output = Result<Done, JobError>>,
{
    // The job names an asset; its rows are read and written in the asset's workspace.
    let Some(workspace) = domain::workspaces::of_asset(&ctx.services.db, job.asset_id).await? else {
        return Ok(()); // deleted for good meanwhile
    };
    let db = &ctx.services.in_workspace(workspace);
    // A slot first (fewer than the consumer's concurrency while the backlog is small), then the
    // asset. A long wait keeps the dispatch fresh, or the reconciler would think the job lost.
    let _slot = loop {
        tokio::select! {
            slot = ctx.consumers.slots(queue).take() => break slot,
            _ = tokio::time::sleep(KEEP_DISPATCHED_EVERY) => state::keep_dispatched(db, job.asset_id).await?,
        }
    };
    let Some(asset) = state::claim(db, job.asset_id, &ctx.worker_id).await? else {
        return Ok(()); // done already, deleted, or another worker has it
    };
    // Counted as running until the outcome is recorded (the feeder's stall check reads this).
    let _running = ctx.consumers.start_job(queue, asset.id);
    // Every line of the job carries the asset and the id of the request that uploaded it.
    let span =
        tracing::info_span!("job", asset_id = %asset.id, request_id = asset.request_id.as_deref().unwrap_or("-"));
    record_outcome(ctx, queue, asset, work).instrument(span).await
}

/// Runs the work on a claimed asset and records how it ended.
async fn record_outcome<F, Fut>(
    ctx: &JobContext,
    queue: QueueName,
    asset: asset::Model,
    work: F,
) -> Result<(), BoxDynError>
where
    F: FnOnce(asset::Model) -> Fut,
    Fut: Future<Output = Result<Done, JobError>>,
{
    let db = &ctx.services.in_workspace(asset.workspace_id);
    let started = std::time::Instant::now();
    let limit = time_limit(queue);
    let finished = tokio::time::timeout(limit, work(asset.clone())).await.unwrap_or_else(|_| {
        Err(JobError::Permanent(format!(
            "Processing took longer than the limit of {} minutes and was stopped",
            limit.as_secs() / 60
        )))
    });
    let outcome = match finished {
        Ok(done) => {
            state::complete(db, asset.id, done).await?;
            tracing::info!(asset_id = %asset.id, kind = ?asset.kind, ms = started.elapsed().as_millis() as u64, "processed");
            "processed"
        }
        Err(JobError::Permanent(reason)) => {
            state::fail(db, asset.id, &reason).await?;
            "failed"
        }
        Err(JobError::Transient(error)) => {
            state::retry_later(db, &asset, &error).await?;
            "retried"
        }
    };
    ctx.metrics.record(queue, outcome, started.elapsed().as_secs_f64());
    // Retries are the backlog's business (durable, with back-off), not apalis'.
    Ok(())
}

/// An error message as a sentence for people: first letter capitalised.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
