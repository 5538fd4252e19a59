//! The admin dashboard's overview: what the library holds and how it is used, each figure one
//! query over indexed columns or the daily usage table.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::UsageCounters;
use crate::{
    catalog,
    dto::{AssetCount, AssetStatus, DayUsage, FailedAsset, KindUsage, Overview, OverviewRange},
    entities::asset,
    error::{Error, Result},
    links::Links,
};

/// How many days the charts cover unless asked otherwise, and at most.
pub const DAYS: i64 = 30;
pub const MAX_DAYS: i64 = 365;

fn statement(sql: &str) -> Statement {
    Statement::from_string(DatabaseBackend::Postgres, sql)
}

async fn scalar(db: &impl ConnectionTrait, sql: &str) -> Result<i64> {
    Ok(db
        .query_one(statement(sql))
        .await?
        .map_or(Ok(0), |r| r.try_get::<Option<i64>>("", "n").map(Option::unwrap_or_default))?)
}

/// What the library holds: assets and bytes per kind, bytes of originals and of derivatives.
pub struct Holdings {
    pub kinds: Vec<KindUsage>,
    pub original_bytes: i64,
    pub derivative_bytes: i64,
}

pub async fn holdings(db: &impl ConnectionTrait) -> Result<Holdings> {
    let kinds = db
        .query_all(statement("SELECT kind, count(*) AS assets, COALESCE(sum(size), 0)::bigint AS bytes FROM assets WHERE deleted_at IS NULL GROUP BY kind ORDER BY kind"))
        .await?
        .iter()
        .map(|r| Ok(KindUsage { kind: r.try_get("", "kind")?, assets: r.try_get("", "assets")?, bytes: r.try_get("", "bytes")? }))
        .collect::<Result<Vec<_>>>()?;
    let original_bytes = scalar(db, "SELECT ((SELECT COALESCE(sum(size), 0) FROM assets) + (SELECT COALESCE(sum(size), 0) FROM asset_files))::bigint AS n").await?;
    let derivative_bytes = scalar(db, "SELECT COALESCE(sum(size), 0)::bigint AS n FROM derivatives").await?;
    Ok(Holdings { kinds, original_bytes, derivative_bytes })
}

/// What the whole installation holds, every workspace together (operators' `/metrics`), through
/// the `dam_holdings()` system function.
pub async fn installation_holdings(db: &impl ConnectionTrait) -> Result<Holdings> {
    let rows = db.query_all(statement("SELECT * FROM dam_holdings()")).await?;
    let mut held = Holdings { kinds: Vec::new(), original_bytes: 0, derivative_bytes: 0 };
    for r in rows {
        held.kinds.push(KindUsage {
            kind: r.try_get("", "kind")?,
            assets: r.try_get("", "assets")?,
            bytes: r.try_get("", "bytes")?,
        });
        held.original_bytes = r.try_get("", "original_bytes")?;
        held.derivative_bytes = r.try_get("", "derivative_bytes")?;
    }
    Ok(held)
}

/// Everything the dashboard shows.
pub async fn overview(
    db: &impl ConnectionTrait,
    links: &dyn Links,
    usage: &UsageCounters,
    range: OverviewRange,
) -> Result<Overview> {
    let span = range.days.unwrap_or(DAYS);
    if !(1..=MAX_DAYS).contains(&span) {
        return Err(Error::BadRequest(format!("the charts cover from 1 to {MAX_DAYS} days")));
    }
    let Holdings { kinds, original_bytes, derivative_bytes } = holdings(db).await?;
    let days = days(db, usage, span).await?;
    let latest_rows = asset::Entity::find()
        .filter(asset::Column::DeletedAt.is_null())
        .order_by_desc(asset::Column::CreatedAt)
        .limit(8)
        .all(db)
        .await?;
    let latest = catalog::with_derivatives(db, links, latest_rows).await?;
    let most_downloaded = db
        .query_all(statement(
            "SELECT a.id, COALESCE(NULLIF(a.title, ''), a.original_filename) AS name, s.downloads AS count
             FROM usage_stats s JOIN assets a ON a.id = s.asset_id
             WHERE a.deleted_at IS NULL AND s.downloads > 0 ORDER BY s.downloads DESC, a.id LIMIT 10",
        ))
        .await?
        .iter()
        .map(|r| {
            Ok(AssetCount { id: r.try_get("", "id")?, name: r.try_get("", "name")?, count: r.try_get("", "count")? })
        })
        .collect::<Result<Vec<_>>>()?;
    let failed_filter = asset::Entity::find()
        .filter(asset::Column::Status.eq(AssetStatus::Failed))
        .filter(asset::Column::DeletedAt.is_null());
    let failed = failed_filter
        .clone()
        .order_by_desc(asset::Column::UpdatedAt)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|a| FailedAsset {
            id: a.id,
            name: a.original_filename,
            reason: a.failure_reason.unwrap_or_default(),
            at: a.updated_at,
        })
        .collect();
    let failed_total =
        scalar(db, "SELECT count(*) AS n FROM assets WHERE status = 'failed' AND deleted_at IS NULL").await?;
    Ok(Overview { kinds, original_bytes, derivative_bytes, days, latest, most_downloaded, failed, failed_total })
}

/// Uploads, downloads and views per day for the last `span` days (every day present, zeros
/// included); today's downloads and views include what Redis has not flushed yet.
pub async fn days(db: &impl ConnectionTrait, usage: &UsageCounters, span: i64) -> Result<Vec<DayUsage>> {
    let today = Utc::now().date_naive();
    let first = today - Duration::days(span - 1);
    let sql = format!(
        "SELECT d::date AS day,
                (SELECT count(*) FROM assets a WHERE a.created_at >= d AND a.created_at < d + interval '1 day') AS uploads,
                COALESCE((SELECT sum(downloads) FROM usage_daily u WHERE u.day = d::date), 0)::bigint AS downloads,
                COALESCE((SELECT sum(views) FROM usage_daily u WHERE u.day = d::date), 0)::bigint AS views
         FROM generate_series('{first}'::date, '{today}'::date, interval '1 day') d ORDER BY d"
    );
    let mut days: Vec<DayUsage> = db
        .query_all(statement(&sql))
        .await?
        .iter()
        .map(|r| {
            Ok(DayUsage {
                day: r.try_get("", "day")?,
                uploads: r.try_get("", "uploads")?,
                downloads: r.try_get("", "downloads")?,
                views: r.try_get("", "views")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let pending: HashMap<NaiveDate, (i64, i64)> = usage.pending(db).await?;
    for day in &mut days {
        if let Some((views, downloads)) = pending.get(&day.day) {
            day.views += views;
            day.downloads += downloads;
        }
    }
    Ok(days)
}
