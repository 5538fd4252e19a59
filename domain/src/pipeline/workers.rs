//! Live workers: each process refreshes its row every few seconds; one whose heartbeat stopped is
//! dead, and the reconciler hands its assets back.

use chrono::Utc;
use sea_orm::{sea_query::OnConflict, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::state::WORKER_DEAD_AFTER;
use crate::{entities::worker, error::Result};

/// Registers or refreshes a worker: the queues it consumes and, for each, how many jobs it may run
/// at once now.
pub async fn heartbeat(db: &impl ConnectionTrait, id: &str, host: &str, queues: &[(&str, usize)]) -> Result<()> {
    let now = Utc::now();
    let row = worker::ActiveModel {
        id: Set(id.to_owned()),
        host: Set(host.to_owned()),
        queues: Set(queues.iter().map(|(q, _)| q.to_string()).collect()),
        started_at: Set(now),
        heartbeat_at: Set(now),
        slots: Set(queues.iter().map(|(_, slots)| (*slots).min(i32::MAX as usize) as i32).collect()),
    };
    worker::Entity::insert(row)
        .on_conflict(
            OnConflict::column(worker::Column::Id)
                .update_columns([worker::Column::HeartbeatAt, worker::Column::Slots])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn deregister(db: &impl ConnectionTrait, id: &str) -> Result<()> {
    worker::Entity::delete_by_id(id.to_owned()).exec(db).await?;
    Ok(())
}

pub async fn alive(db: &impl ConnectionTrait) -> Result<Vec<worker::Model>> {
    Ok(worker::Entity::find()
        .filter(worker::Column::HeartbeatAt.gt(Utc::now() - WORKER_DEAD_AFTER))
        .order_by_asc(worker::Column::StartedAt)
        .all(db)
        .await?)
}

/// Forgets workers dead for an hour (their assets were handed back long ago).
pub async fn prune(db: &impl ConnectionTrait) -> Result<u64> {
    let cutoff = Utc::now() - chrono::Duration::hours(1);
    Ok(worker::Entity::delete_many().filter(worker::Column::HeartbeatAt.lt(cutoff)).exec(db).await?.rows_affected)
}
