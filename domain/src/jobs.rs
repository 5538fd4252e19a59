//! Background jobs: their payloads, their queues, and the one function that decides how an asset's
//! processing is queued. Changing the queueing policy (priorities, a Postgres-fed backlog, …) means
//! changing this module only; the upload path just calls [`JobQueue::enqueue_processing`].

use apalis::prelude::TaskSink;
use apalis_redis::{ConnectionManager, RedisStorage};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

use crate::{
    dto::{AssetKind, AssetStatus},
    entities::asset,
    error::{Error, Result},
};

/// Make every derivative and the metadata of one asset. Idempotent: running it twice for the same
/// asset overwrites the same keys and rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessAsset {
    pub asset_id: Uuid,
}

/// Queues are separate per kind so a backlog of long video transcodes never delays thumbnails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueName {
    Image,
    Video,
}

impl QueueName {
    pub const ALL: [QueueName; 2] = [QueueName::Image, QueueName::Video];

    pub fn for_kind(kind: AssetKind) -> Self {
        match kind {
            AssetKind::Image => QueueName::Image,
            AssetKind::Video => QueueName::Video,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QueueName::Image => "image",
            QueueName::Video => "video",
        }
    }
}

pub type ProcessQueue = RedisStorage<ProcessAsset, ConnectionManager>;

/// apalis' default 30 s heartbeat makes an idle worker notice new work late; a short one keeps the
/// upload → thumbnail latency around a second.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The queues of one installation, all under one Redis key namespace.
#[derive(Clone)]
pub struct JobQueue {
    image: ProcessQueue,
    video: ProcessQueue,
}

impl std::fmt::Debug for JobQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobQueue").finish_non_exhaustive()
    }
}

impl JobQueue {
    pub async fn connect(redis_url: &str, namespace: &str) -> Result<Self> {
        let conn = apalis_redis::connect(redis_url.to_owned())
            .await
            .map_err(|e| Error::Queue(format!("cannot connect to Redis at {redis_url}: {e}")))?;
        let queue = |name: QueueName| {
            let config = apalis_redis::Config::default()
                .queue(format!("{namespace}:{}", name.as_str()))
                .heartbeat_interval(POLL_INTERVAL);
            RedisStorage::new(conn.clone()).with_config(config)
        };
        Ok(JobQueue { image: queue(QueueName::Image), video: queue(QueueName::Video) })
    }

    /// The apalis backend of one queue, for a worker to consume.
    pub fn backend(&self, name: QueueName) -> ProcessQueue {
        match name {
            QueueName::Image => self.image.clone(),
            QueueName::Video => self.video.clone(),
        }
    }

    /// Queues the processing of a freshly stored asset on the queue for its kind.
    pub async fn enqueue_processing(&self, asset: &asset::Model) -> Result<()> {
        let mut backend = self.backend(QueueName::for_kind(asset.kind));
        backend
            .push(ProcessAsset { asset_id: asset.id })
            .await
            .map_err(|e| Error::Queue(e.to_string()))?;
        tracing::debug!(asset_id = %asset.id, kind = ?asset.kind, "queued for processing");
        Ok(())
    }

    /// Redis keeps nothing on disk on these machines, so queued jobs vanish when it restarts.
    /// Postgres is the source of truth: re-queue every asset still waiting. Jobs are idempotent,
    /// so queueing one that is also still in Redis only costs a repeat.
    pub async fn requeue_unprocessed(&self, db: &DatabaseConnection, limit: u64) -> Result<usize> {
        let waiting = asset::Entity::find()
            .filter(asset::Column::Status.is_in([AssetStatus::Uploaded, AssetStatus::Processing]))
            .order_by_asc(asset::Column::CreatedAt)
            .limit(limit)
            .all(db)
            .await?;
        for asset in &waiting {
            self.enqueue_processing(asset).await?;
        }
        Ok(waiting.len())
    }
}
