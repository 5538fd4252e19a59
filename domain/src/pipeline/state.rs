//! An asset's way through processing, in Postgres: requested → dispatched → claimed by a worker →
//! processed, failed, or back to the backlog (retry later, lost job, dead worker). Every change is
//! one conditional UPDATE keyed by the asset, so concurrent workers and repeated jobs are harmless.

use chrono::{Duration, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveValue::NotSet,
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set, Statement, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::Priority;
use crate::{
    audit::{self, Actor, Target},
    dto::{AssetKind, AssetStatus, DerivativeKind, PhotoMetadata},
    entities::{asset, derivative},
    error::{Error, Result},
    library::{auto_tags, tags},
};

/// Transient failures are retried this many times, with exponential back-off, before the asset
/// is marked failed.
pub const MAX_ATTEMPTS: i32 = 5;

/// A file whose processing took its worker down this many times (killed, crashed, out of memory)
/// is failed instead of being handed to the next worker: it would take that one down too.
pub const MAX_INTERRUPTED_CLAIMS: i32 = 3;

/// A job popped by a worker stays claimed by it; when the worker's heartbeat is older than this,
/// the reconciler hands the asset back to the backlog.
pub const WORKER_DEAD_AFTER: Duration = Duration::seconds(15);

#[derive(FromQueryResult)]
struct Id {
    id: Uuid,
}

/// Marks up to `limit` waiting assets of one kind as dispatched, in priority order, and returns
/// them for the feeder to push. Concurrent feeders never take the same asset (SKIP LOCKED).
pub async fn dispatch_batch(db: &impl ConnectionTrait, kind: AssetKind, limit: u64) -> Result<Vec<Uuid>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let kind = kind.label();
    // Across workspaces: the system function `dam_dispatch_batch`.
    let rows = Id::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT id FROM dam_dispatch_batch($1, $2)",
        [kind.into(), (limit as i64).into()],
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Puts dispatched assets back in the backlog (their push to Redis failed, or Redis lost them).
pub async fn undispatch(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<u64> {
    system_count(db, "SELECT dam_undispatch($1) AS n", vec![ids.to_vec().into()]).await
}

/// Runs a system function (they work across workspaces) that returns how many rows it changed.
async fn system_count(db: &impl ConnectionTrait, sql: &str, values: Vec<sea_orm::Value>) -> Result<u64> {
    let row = db.query_one(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0) as u64)
}

/// The worker `worker_id` takes the asset: `None` when there is nothing to do (deleted, already
/// done, or another worker has it).
pub async fn claim(db: &impl ConnectionTrait, asset_id: Uuid, worker_id: &str) -> Result<Option<asset::Model>> {
    let claimed = asset::Entity::update_many()
        .col_expr(asset::Column::Status, Expr::value(AssetStatus::Processing))
        .col_expr(asset::Column::ProcessingBy, Expr::value(worker_id))
        .col_expr(asset::Column::ProcessingStartedAt, Expr::value(Utc::now()))
        .col_expr(asset::Column::FailureReason, Expr::value(Option::<String>::None))
        // Counted as interrupted until the job ends in order: a worker that dies mid-job
        // cannot record anything, so the count has to be taken before.
        .col_expr(asset::Column::InterruptedClaims, Expr::col(asset::Column::InterruptedClaims).add(1))
        .col_expr(asset::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(asset::Column::Id.eq(asset_id))
        .filter(asset::Column::Status.eq(AssetStatus::Uploaded))
        .exec_with_returning(db)
        .await?;
    Ok(claimed.into_iter().next())
}

/// What a finished job learnt about the asset.
#[derive(Debug, Default)]
pub struct Outcome {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub photo: Option<PhotoMetadata>,
    /// Videos: how long they play.
    pub duration_ms: Option<i64>,
    /// Named dominant colours, most present first (images and posters).
    pub colours: Vec<String>,
    /// Anything else, stored in `assets.metadata` beside `photo`.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Records what processing learnt and tags the asset with it (see `library::auto_tags`).
pub async fn complete(db: &(impl ConnectionTrait + TransactionTrait), asset_id: Uuid, outcome: Outcome) -> Result<()> {
    let Outcome { width, height, photo, duration_ms, colours, mut extra } = outcome;
    let photo = photo.unwrap_or_default();
    let Some(asset) = asset::Entity::find_by_id(asset_id).one(db).await? else { return Ok(()) };
    let format = asset.original_path.rsplit_once('.').map_or("", |(_, ext)| ext);
    let facts = auto_tags::Facts {
        filename: &asset.original_filename,
        format,
        kind: asset.kind,
        width,
        height,
        photo: &photo,
        duration_ms,
        colours: &colours,
    };
    let tags = auto_tags::auto_tags(&facts);
    extra.insert("photo".into(), serde_json::to_value(&photo).unwrap_or_default());
    let metadata = serde_json::Value::Object(extra);
    let now = Utc::now();
    // One transaction: whoever sees the asset processed also sees its tags.
    let txn = db.begin().await?;
    asset::Entity::update_many()
        .col_expr(asset::Column::TakenAt, Expr::value(photo.taken_at))
        .col_expr(asset::Column::CameraMake, Expr::value(photo.camera_make.clone()))
        .col_expr(asset::Column::CameraModel, Expr::value(photo.camera_model.clone()))
        .col_expr(asset::Column::Status, Expr::value(AssetStatus::Processed))
        .col_expr(asset::Column::Width, Expr::value(width.map(|w| w as i32)))
        .col_expr(asset::Column::Height, Expr::value(height.map(|h| h as i32)))
        .col_expr(asset::Column::Metadata, Expr::value(metadata))
        .col_expr(asset::Column::DurationMs, Expr::value(duration_ms))
        .col_expr(asset::Column::ProcessingBy, Expr::value(Option::<String>::None))
        .col_expr(asset::Column::InterruptedClaims, Expr::value(0))
        .col_expr(asset::Column::ProcessedAt, Expr::value(now))
        .col_expr(asset::Column::UpdatedAt, Expr::value(now))
        .filter(asset::Column::Id.eq(asset_id))
        .exec(&txn)
        .await?;
    tags::set_auto(&txn, asset_id, &tags).await?;
    txn.commit().await?;
    Ok(())
}

/// A permanent failure (the input itself is bad): no retry; the reason is kept for people.
pub async fn fail(db: &impl ConnectionTrait, asset_id: Uuid, reason: &str) -> Result<()> {
    tracing::warn!(%asset_id, reason, "processing failed");
    asset::Entity::update_many()
        .col_expr(asset::Column::Status, Expr::value(AssetStatus::Failed))
        .col_expr(asset::Column::FailureReason, Expr::value(reason))
        .col_expr(asset::Column::ProcessingBy, Expr::value(Option::<String>::None))
        .col_expr(asset::Column::InterruptedClaims, Expr::value(0))
        .col_expr(asset::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(asset::Column::Id.eq(asset_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Back-off before attempt `n` (1-based): 2 s, 8 s, 32 s, 2 min, capped at 10 min.
pub fn backoff(attempt: i32) -> Duration {
    let seconds = 2i64.saturating_mul(4i64.saturating_pow(attempt.saturating_sub(1).clamp(0, 10) as u32));
    Duration::seconds(seconds.min(600))
}

/// A transient failure (storage, database): back to the backlog after a back-off, or failed for
/// good after [`MAX_ATTEMPTS`]. Returns true when it gave up.
pub async fn retry_later(db: &impl ConnectionTrait, asset: &asset::Model, error: &str) -> Result<bool> {
    let attempt = asset.attempts + 1;
    if attempt >= MAX_ATTEMPTS {
        fail(db, asset.id, &format!("Processing kept failing ({attempt} attempts); last error: {error}")).await?;
        return Ok(true);
    }
    tracing::warn!(asset_id = %asset.id, attempt, error, "transient failure; will retry");
    asset::Entity::update_many()
        .col_expr(asset::Column::Status, Expr::value(AssetStatus::Uploaded))
        .col_expr(asset::Column::Attempts, Expr::value(attempt))
        .col_expr(asset::Column::InterruptedClaims, Expr::cust("GREATEST(interrupted_claims - 1, 0)"))
        .col_expr(asset::Column::AvailableAt, Expr::value(Utc::now() + backoff(attempt)))
        .col_expr(asset::Column::DispatchedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(asset::Column::ProcessingBy, Expr::value(Option::<String>::None))
        .col_expr(asset::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(asset::Column::Id.eq(asset.id))
        .exec(db)
        .await?;
    Ok(false)
}

/// Puts an asset (back) into the backlog: a retry of a failed one, or regenerating derivatives.
pub async fn request(db: &impl ConnectionTrait, actor: &Actor, asset_id: Uuid, priority: Priority) -> Result<()> {
    let updated = asset::Entity::update_many()
        .col_expr(asset::Column::Status, Expr::value(AssetStatus::Uploaded))
        .col_expr(asset::Column::Priority, Expr::value(priority as i16))
        .col_expr(asset::Column::Attempts, Expr::value(0))
        .col_expr(asset::Column::InterruptedClaims, Expr::value(0))
        .col_expr(asset::Column::AvailableAt, Expr::value(Utc::now()))
        .col_expr(asset::Column::DispatchedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(asset::Column::FailureReason, Expr::value(Option::<String>::None))
        .col_expr(asset::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(asset::Column::Id.eq(asset_id))
        .filter(asset::Column::Status.ne(AssetStatus::Processing))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return match asset::Entity::find_by_id(asset_id).one(db).await? {
            None => Err(Error::NotFound("asset")),
            Some(_) => Err(Error::Conflict("the asset is being processed right now".into())),
        };
    }
    audit::record(db, actor, "asset.reprocess", Some(Target::asset(asset_id)), json!({ "priority": priority as i16 }))
        .await
}

/// Which assets a bulk reprocessing covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    All,
    Failed,
}

pub async fn request_many(db: &impl ConnectionTrait, actor: &Actor, selection: Selection) -> Result<u64> {
    let mut update = asset::Entity::update_many()
        .col_expr(asset::Column::Status, Expr::value(AssetStatus::Uploaded))
        .col_expr(asset::Column::Priority, Expr::value(Priority::Reprocess as i16))
        .col_expr(asset::Column::Attempts, Expr::value(0))
        .col_expr(asset::Column::InterruptedClaims, Expr::value(0))
        .col_expr(asset::Column::AvailableAt, Expr::value(Utc::now()))
        .col_expr(asset::Column::DispatchedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(asset::Column::FailureReason, Expr::value(Option::<String>::None))
        .filter(asset::Column::Status.is_in([AssetStatus::Processed, AssetStatus::Failed]));
    if selection == Selection::Failed {
        update = update.filter(asset::Column::Status.eq(AssetStatus::Failed));
    }
    let count = update.exec(db).await?.rows_affected;
    audit::record(
        db,
        actor,
        "asset.reprocess_many",
        None,
        json!({ "selection": format!("{selection:?}"), "count": count }),
    )
    .await?;
    Ok(count)
}

/// Hands back assets claimed by workers whose heartbeat stopped (killed, crashed, partitioned),
/// after a back-off that grows with each interruption; an asset that has taken
/// [`MAX_INTERRUPTED_CLAIMS`] workers down is failed instead. Returns how many were handed back
/// or failed.
pub async fn release_from_dead_workers(db: &impl ConnectionTrait) -> Result<u64> {
    // The same back-off as a transient failure's, per number of interruptions.
    let backoffs: Vec<f64> = (1..=MAX_INTERRUPTED_CLAIMS).map(|n| backoff(n).num_seconds() as f64).collect();
    system_count(
        db,
        "SELECT dam_release_from_dead_workers($1, $2, $3, $4) AS n",
        vec![
            (WORKER_DEAD_AFTER.num_seconds() as f64).into(),
            MAX_INTERRUPTED_CLAIMS.into(),
            interrupted_reason().into(),
            backoffs.into(),
        ],
    )
    .await
}

/// What people read on an asset that kept taking its worker down.
pub fn interrupted_reason() -> String {
    format!(
        "Processing this file stopped the worker {MAX_INTERRUPTED_CLAIMS} times (it crashed, ran out of memory or \
         was killed), so it was not tried again. Other files were not affected; an admin can retry it."
    )
}

/// Hands back assets a live worker has marked as its own but is not working on: the job was lost
/// inside the worker (a queue consumer that failed drops the jobs it had started). `in_hand` is
/// what the worker is running; claims younger than `grace` are left alone, as their job may not
/// have registered yet.
pub async fn release_abandoned(
    db: &impl ConnectionTrait,
    worker_id: &str,
    in_hand: &[Uuid],
    grace: Duration,
) -> Result<u64> {
    let sql = "SELECT dam_release_worker($1, $2, make_interval(secs => $3)) AS n";
    system_count(db, sql, vec![worker_id.into(), in_hand.to_vec().into(), (grace.num_seconds() as f64).into()]).await
}

/// At a worker's orderly shutdown: whatever it still holds goes back to the backlog.
pub async fn release_worker(db: &impl ConnectionTrait, worker_id: &str) -> Result<u64> {
    let sql = "SELECT dam_release_worker($1, NULL, interval '0') AS n";
    system_count(db, sql, vec![worker_id.into()]).await
}

/// Dispatched assets of a kind that Redis no longer holds (it restarted empty, or a push was lost):
/// called only when Redis has nothing of that queue waiting or running, so any asset dispatched
/// more than `grace` ago cannot be there.
pub async fn release_lost_dispatches(db: &impl ConnectionTrait, kind: AssetKind, grace: Duration) -> Result<u64> {
    let sql = "SELECT dam_release_dispatches($1, make_interval(secs => $2)) AS n";
    system_count(db, sql, vec![kind.label().into(), (grace.num_seconds() as f64).into()]).await
}

/// Dispatched but unclaimed for a long time: whatever happened to its job in Redis, feed it
/// again (a duplicate job is harmless: only one claim can succeed).
/// Renews the dispatch of an asset whose job is waiting, in a live worker, for a free slot — so
/// `release_stale_dispatches` does not take it for lost and dispatch it twice.
pub async fn keep_dispatched(db: &impl ConnectionTrait, asset_id: Uuid) -> Result<()> {
    asset::Entity::update_many()
        .col_expr(asset::Column::DispatchedAt, Expr::value(Some(Utc::now())))
        .filter(asset::Column::Id.eq(asset_id))
        .filter(asset::Column::Status.eq(AssetStatus::Uploaded))
        .filter(asset::Column::DispatchedAt.is_not_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn release_stale_dispatches(db: &impl ConnectionTrait, older_than: Duration) -> Result<u64> {
    let sql = "SELECT dam_release_dispatches(NULL, make_interval(secs => $1)) AS n";
    system_count(db, sql, vec![(older_than.num_seconds() as f64).into()]).await
}

/// A derivative that was just stored, to be recorded against its asset.
pub struct NewDerivative<'a> {
    pub kind: DerivativeKind,
    pub label: &'a str,
    pub path: &'a str,
    pub mime: &'a str,
    pub width: u32,
    pub height: u32,
    pub size: usize,
    pub metadata: serde_json::Value,
}

/// Inserts or replaces the derivative row (unique per asset, kind and label): re-running a job
/// overwrites, never duplicates.
pub async fn record_derivative(db: &impl ConnectionTrait, asset_id: Uuid, d: NewDerivative<'_>) -> Result<()> {
    let row = derivative::ActiveModel {
        id: Set(Uuid::now_v7()),
        asset_id: Set(asset_id),
        kind: Set(d.kind),
        label: Set(d.label.to_owned()),
        path: Set(d.path.to_owned()),
        mime: Set(d.mime.to_owned()),
        width: Set(d.width as i32),
        height: Set(d.height as i32),
        size: Set(d.size as i64),
        metadata: Set(d.metadata),
        created_at: NotSet,
    };
    let upsert =
        OnConflict::columns([derivative::Column::AssetId, derivative::Column::Kind, derivative::Column::Label])
            .update_columns([
                derivative::Column::Path,
                derivative::Column::Mime,
                derivative::Column::Width,
                derivative::Column::Height,
                derivative::Column::Size,
                derivative::Column::Metadata,
            ])
            .to_owned();
    derivative::Entity::insert(row).on_conflict(upsert).exec_without_returning(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn back_off_grows_exponentially_and_is_capped() {
        let secs: Vec<i64> = (1..=7).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(secs, [2, 8, 32, 128, 512, 600, 600]);
    }
}
