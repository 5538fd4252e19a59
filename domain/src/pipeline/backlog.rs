//! The one report of each queue's backlog and of the live workers; the admin dashboard and the
//! autoscaler both use exactly this.

use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use uuid::Uuid;

use super::{workers, QueueName};
use crate::{
    dto::{QueueReport, WorkerView},
    error::Result,
    services::Services,
};

#[derive(FromQueryResult)]
struct Counts {
    pending: i64,
    delayed: i64,
    failed: i64,
    completed: i64,
    recent: i64,
    median_seconds: Option<f64>,
}

/// The window over which jobs per minute are measured.
const RATE_WINDOW_MINUTES: i64 = 10;

#[derive(FromQueryResult)]
struct Busy {
    id: Uuid,
    processing_by: String,
}

pub async fn report(services: &Services) -> Result<Vec<QueueReport>> {
    let db = &services.db;
    let alive = workers::alive(db).await?;
    let busy = Busy::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT id, processing_by FROM dam_busy_assets()",
    ))
    .all(db)
    .await?;
    let mut reports = Vec::new();
    for queue in QueueName::ALL {
        let counts = Counts::find_by_statement(Statement::from_sql_and_values(
            db.get_database_backend(),
            // Every workspace's, through a system function; one indexed lookup each (partial indexes
            // on unsettled, failed and processed assets), so the report costs the same with a
            // million assets as with a hundred.
            "SELECT * FROM dam_queue_counts($1, $2)",
            [queue.as_str().into(), RATE_WINDOW_MINUTES.into()],
        ))
        .one(db)
        .await?
        .expect("an aggregate returns one row");
        let depth = services.jobs.depth(queue).await?;
        let workers = alive
            .iter()
            .filter(|w| w.queues.iter().any(|q| q == queue.as_str()))
            .map(|w| WorkerView {
                id: w.id.clone(),
                host: w.host.clone(),
                queues: w.queues.clone(),
                slots: w.slots.iter().map(|&n| n.max(0) as u32).collect(),
                started_at: w.started_at,
                heartbeat_at: w.heartbeat_at,
                processing: busy.iter().filter(|b| b.processing_by == w.id).map(|b| b.id).collect(),
            })
            .collect();
        let pending = counts.pending as u64;
        reports.push(QueueReport {
            queue: queue.as_str().to_owned(),
            backlog: pending + depth.waiting + depth.active,
            pending,
            delayed: counts.delayed as u64,
            redis_waiting: depth.waiting,
            redis_active: depth.active,
            failed: counts.failed as u64,
            completed: counts.completed as u64,
            jobs_per_minute: counts.recent as f64 / RATE_WINDOW_MINUTES as f64,
            median_seconds: counts.median_seconds,
            workers,
        });
    }
    Ok(reports)
}
