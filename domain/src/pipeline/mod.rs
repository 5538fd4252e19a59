//! The processing pipeline's shared parts.
//!
//! Postgres holds the durable backlog (assets `uploaded`, not yet dispatched, in priority order);
//! the worker's feeder moves a bounded number of them into Redis as apalis jobs, so Redis never
//! holds a large backlog (apalis-redis fails on those) and a new upload is never behind thousands
//! of queued jobs. Every state change is keyed by the asset, so jobs are idempotent and anything
//! lost (Redis restart, killed worker) is found again by the reconciler.

pub mod backlog;
pub mod queue;
pub mod scaling;
pub mod state;
pub mod workers;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dto::AssetKind;

/// Make every derivative and the metadata of one asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessAsset {
    pub asset_id: Uuid,
}

/// One queue per kind, so a backlog of long video transcodes (or of PDF renders) never delays the
/// thumbnails of new photos.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueueName {
    Image,
    Video,
    Document,
}

impl QueueName {
    pub const ALL: [QueueName; 3] = [QueueName::Image, QueueName::Video, QueueName::Document];

    pub fn for_kind(kind: AssetKind) -> Self {
        match kind {
            AssetKind::Image => QueueName::Image,
            AssetKind::Video => QueueName::Video,
            AssetKind::Document => QueueName::Document,
        }
    }

    pub fn kind(self) -> AssetKind {
        match self {
            QueueName::Image => AssetKind::Image,
            QueueName::Video => AssetKind::Video,
            QueueName::Document => AssetKind::Document,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.kind().label()
    }

    pub fn parse(name: &str) -> Option<Self> {
        QueueName::ALL.into_iter().find(|q| q.as_str() == name)
    }
}

/// Backlog order: lower runs first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Someone just uploaded this and is waiting for it.
    Interactive = 0,
    /// A failed asset retried on request.
    Retry = 3,
    /// Large imports.
    Bulk = 5,
    /// Regenerating derivatives of the whole library.
    Reprocess = 10,
}

/// Uploads with more files than this in one request are treated as a bulk import.
pub const BULK_UPLOAD_THRESHOLD: usize = 20;
