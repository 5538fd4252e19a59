//! The processing queues as the admin dashboard and the autoscaler see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct QueueReport {
    /// `image` or `video`.
    pub queue: String,
    /// The work not yet done: `pending` + `redis_waiting` + `redis_active`. Scale on this.
    pub backlog: u64,
    /// In Postgres, waiting to be fed to Redis (including `delayed`).
    pub pending: u64,
    /// Of `pending`, waiting for a retry back-off to pass.
    pub delayed: u64,
    /// In Redis, waiting for a worker.
    pub redis_waiting: u64,
    /// In Redis, being worked on.
    pub redis_active: u64,
    pub failed: u64,
    /// Processed in the last 24 hours.
    pub completed: u64,
    /// Jobs finished per minute over the last 10 minutes.
    pub jobs_per_minute: f64,
    /// Median time a job took over the last hour (none finished: none).
    pub median_seconds: Option<f64>,
    pub workers: Vec<WorkerView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct WorkerView {
    pub id: String,
    pub host: String,
    pub queues: Vec<String>,
    /// Jobs it may run at once, per queue, in the order of `queues` (a worker sizing itself to
    /// the backlog changes them).
    pub slots: Vec<u32>,
    pub started_at: DateTime<Utc>,
    pub heartbeat_at: DateTime<Utc>,
    /// Assets this worker is processing now.
    pub processing: Vec<Uuid>,
}
