//! Counting views and downloads without a database write per request: each one is an `HINCRBY`
//! in Redis, and a flush (every USAGE_FLUSH_SECONDS, and at shutdown) adds the counts to
//! `usage_daily` and `usage_stats` in Postgres. Losing Redis loses at most one interval.
//!
//! A flush first renames the live hash to a private key, so counting goes on into a fresh hash
//! while it works, and several server replicas never flush the same counts. A flush that dies
//! half-way leaves its key behind; a later flush picks it up once it is clearly abandoned.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use redis::aio::ConnectionManager;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use uuid::Uuid;

use crate::error::{Error, Result};

/// A flush key older than this belongs to a flush that died (a live one takes milliseconds).
const ABANDONED_AFTER_SECONDS: i64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsageEvent {
    View,
    Download,
}

impl UsageEvent {
    fn code(self) -> &'static str {
        match self {
            UsageEvent::View => "v",
            UsageEvent::Download => "d",
        }
    }
}

#[derive(Clone)]
pub struct UsageCounters {
    conn: ConnectionManager,
    namespace: String,
}

impl std::fmt::Debug for UsageCounters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsageCounters").field("namespace", &self.namespace).finish_non_exhaustive()
    }
}

/// Counts per asset and day, as one flush adds them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    views: i64,
    downloads: i64,
}

impl UsageCounters {
    pub fn new(conn: ConnectionManager, namespace: &str) -> Self {
        UsageCounters { conn, namespace: namespace.to_owned() }
    }

    fn live_key(&self) -> String {
        format!("{}:usage:live", self.namespace)
    }

    fn flushing_prefix(&self) -> String {
        format!("{}:usage:flushing:", self.namespace)
    }

    /// Counts one view or download. Counting must never fail the request it counts, so a Redis
    /// error is logged, not returned.
    pub async fn record(&self, asset_id: Uuid, event: UsageEvent) {
        self.record_many(&[asset_id], event).await;
    }

    pub async fn record_many(&self, asset_ids: &[Uuid], event: UsageEvent) {
        if asset_ids.is_empty() {
            return;
        }
        let day = Utc::now().date_naive();
        let mut pipe = redis::pipe();
        for id in asset_ids {
            pipe.cmd("HINCRBY").arg(self.live_key()).arg(format!("{id}:{day}:{}", event.code())).arg(1).ignore();
        }
        let mut conn = self.conn.clone();
        if let Err(e) = pipe.query_async::<()>(&mut conn).await {
            tracing::warn!(error = %e, ?event, "could not count usage in Redis");
        }
    }

    /// Views and downloads per day still waiting in Redis for the next flush (best effort: empty
    /// when Redis cannot be asked).
    /// Only assets `db` can see count: a workspace's figures hold none of another's.
    pub async fn pending(&self, db: &impl ConnectionTrait) -> Result<HashMap<NaiveDate, (i64, i64)>> {
        let mut conn = self.conn.clone();
        let fields: HashMap<String, i64> =
            redis::cmd("HGETALL").arg(self.live_key()).query_async(&mut conn).await.unwrap_or_default();
        let counts = aggregate(fields);
        let ids: Vec<Uuid> = counts.keys().map(|(id, _)| *id).collect();
        let visible: std::collections::HashSet<Uuid> = if ids.is_empty() {
            Default::default()
        } else {
            let sql = "SELECT id FROM assets WHERE id = ANY($1)";
            db.query_all(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [ids.into()]))
                .await?
                .iter()
                .map(|r| r.try_get::<Uuid>("", "id"))
                .collect::<std::result::Result<_, _>>()?
        };
        let mut per_day: HashMap<NaiveDate, (i64, i64)> = HashMap::new();
        for ((_, day), counts) in counts.into_iter().filter(|((id, _), _)| visible.contains(id)) {
            let entry = per_day.entry(day).or_default();
            entry.0 += counts.views;
            entry.1 += counts.downloads;
        }
        Ok(per_day)
    }

    /// Moves every count from Redis into Postgres; returns how many (asset, day) rows it added to.
    pub async fn flush(&self, db: &impl ConnectionTrait) -> Result<usize> {
        let mut conn = self.conn.clone();
        let now = Utc::now().timestamp();
        let mine = format!("{}{now}:{}", self.flushing_prefix(), Uuid::new_v4().simple());
        let _: i32 = redis::Script::new(
            "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[2]) return 1 end return 0",
        )
        .key(self.live_key())
        .key(&mine)
        .invoke_async(&mut conn)
        .await
        .map_err(redis_error)?;
        let mut keys = vec![mine];
        keys.extend(self.abandoned_flushes(&mut conn, now).await?);
        let mut rows = 0;
        for key in keys {
            let fields: HashMap<String, i64> =
                redis::cmd("HGETALL").arg(&key).query_async(&mut conn).await.map_err(redis_error)?;
            if !fields.is_empty() {
                rows += add_to_database(db, aggregate(fields)).await?;
            }
            // Only after the counts are in Postgres (a failure above keeps them for a later flush).
            let _: () = redis::cmd("DEL").arg(&key).query_async(&mut conn).await.map_err(redis_error)?;
        }
        Ok(rows)
    }

    async fn abandoned_flushes(&self, conn: &mut ConnectionManager, now: i64) -> Result<Vec<String>> {
        let prefix = self.flushing_prefix();
        let mut found = Vec::new();
        let mut cursor = 0u64;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{prefix}*"))
                .arg("COUNT")
                .arg(1000)
                .query_async(conn)
                .await
                .map_err(redis_error)?;
            found.extend(keys.into_iter().filter(|key| {
                let started = key[prefix.len()..].split(':').next().and_then(|t| t.parse::<i64>().ok());
                started.is_some_and(|t| now - t > ABANDONED_AFTER_SECONDS)
            }));
            if next == 0 {
                return Ok(found);
            }
            cursor = next;
        }
    }

    /// Flushes every `interval` until `shutdown` resolves, then once more.
    pub async fn flush_periodically(
        self,
        db: DatabaseConnection,
        interval: std::time::Duration,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = &mut shutdown => break,
            }
            if let Err(e) = self.flush(&db).await {
                tracing::warn!(error = %e, "could not flush usage counts; they stay in Redis for the next try");
            }
        }
        match self.flush(&db).await {
            Ok(rows) => tracing::info!(rows, "flushed usage counts at shutdown"),
            Err(e) => tracing::warn!(error = %e, "could not flush usage counts at shutdown"),
        }
    }
}

/// `<asset>:<day>:<v|d>` → count, summed per (asset, day); malformed fields are skipped.
fn aggregate(fields: HashMap<String, i64>) -> HashMap<(Uuid, NaiveDate), Counts> {
    let mut out: HashMap<(Uuid, NaiveDate), Counts> = HashMap::new();
    for (field, count) in fields {
        let mut parts = field.splitn(3, ':');
        let (Some(id), Some(day), Some(code)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let (Ok(id), Ok(day)) = (id.parse::<Uuid>(), day.parse::<NaiveDate>()) else { continue };
        let counts = out.entry((id, day)).or_default();
        match code {
            "v" => counts.views += count,
            "d" => counts.downloads += count,
            _ => {}
        }
    }
    out
}

/// One statement (so all or nothing): per-day rows and all-time totals, each in its asset's
/// workspace (`dam_add_usage`, a system function: the counts of every workspace are flushed
/// together). Counts for assets deleted meanwhile are dropped.
async fn add_to_database(db: &impl ConnectionTrait, counts: HashMap<(Uuid, NaiveDate), Counts>) -> Result<usize> {
    const SQL: &str = "SELECT dam_add_usage($1::uuid[], $2::date[], $3::bigint[], $4::bigint[]) AS rows";
    let (mut ids, mut days, mut views, mut downloads) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((id, day), c) in counts {
        ids.push(id);
        days.push(day);
        views.push(c.views);
        downloads.push(c.downloads);
    }
    let statement = Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        SQL,
        [ids.into(), days.into(), views.into(), downloads.into()],
    );
    let row = db.query_one(statement).await?;
    let rows: i64 = match row {
        Some(row) => row.try_get("", "rows")?,
        None => 0,
    };
    Ok(rows as usize)
}

fn redis_error(e: redis::RedisError) -> Error {
    Error::Queue(format!("usage counters: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_summed_per_asset_and_day() {
        let id = Uuid::now_v7();
        let fields = HashMap::from([
            (format!("{id}:2026-11-28:v"), 3),
            (format!("{id}:2026-11-28:d"), 2),
            (format!("{id}:2026-11-27:v"), 1),
            ("garbage".to_owned(), 9),
            (format!("{id}:not-a-day:v"), 9),
        ]);
        let out = aggregate(fields);
        assert_eq!(out.len(), 2);
        assert_eq!(out[&(id, "2026-11-28".parse().unwrap())], Counts { views: 3, downloads: 2 });
        assert_eq!(out[&(id, "2026-11-27".parse().unwrap())], Counts { views: 1, downloads: 0 });
    }
}
