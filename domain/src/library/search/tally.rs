//! How many assets match a search, per kind, and their most frequent tags: exact up to
//! EXACT_COUNT_LIMIT matches, estimated above.
//!
//! Counting exactly means reading every match, so a search first finds out whether it is
//! broad: the planner's estimate (free, but it assumes words and filters are independent — a
//! word used mostly on images looks common among videos too), then, when that says broad, a
//! block sample of the table (SAMPLE_ROWS rows, ~8 ms on a million assets), whose matches also
//! give the estimated facets. Only searches the sample shows could be narrow are counted.

use sea_orm::ConnectionTrait;

use super::{statement, Conditions};
use crate::{dto::FacetCount, error::Result};

/// Above this many matches counts are estimated.
const EXACT_COUNT_LIMIT: i64 = 10_000;
/// Rows in the block sample; the whole table when it has no more.
const SAMPLE_ROWS: i64 = 10_000;
/// Searches the sample puts above this are not counted. Well above EXACT_COUNT_LIMIT: with
/// 10 000 matches in a million assets the sample expects 100 of them, ±10; 140 is four
/// deviations away.
const SAMPLED_BROAD: f64 = 14_000.0;
const TOP_TAGS: i64 = 12;

pub(super) struct Tally {
    pub total: u64,
    pub estimated: bool,
    pub kinds: Vec<FacetCount>,
    pub tags: Vec<FacetCount>,
}

/// The planner's estimate of how many assets match (no rows are read).
async fn planned(db: &impl ConnectionTrait, c: &Conditions) -> Result<u64> {
    let sql = format!("EXPLAIN (FORMAT JSON) SELECT 1 FROM assets WHERE {}", c.clause());
    let plan: serde_json::Value = db
        .query_one(statement(sql, c.values.clone()))
        .await?
        .map_or(Ok(serde_json::Value::Null), |r| r.try_get("", "QUERY PLAN"))?;
    Ok(plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as u64)
}

/// What one pass over some rows found: how many it read and how many of them match, the matches
/// per kind and their top tags, and the table's row count (`reltuples`: an estimate, negative
/// before the first ANALYZE).
struct Pass {
    read: u64,
    matched: u64,
    table: f64,
    kinds: Vec<FacetCount>,
    tags: Vec<FacetCount>,
}

/// One pass over `source`, which selects `kind, tags, hit` (whether the row matches).
async fn pass(db: &impl ConnectionTrait, c: &Conditions, source: &str, with_tags: bool) -> Result<Pass> {
    let tags = if with_tags {
        // unnest in the select list: a set-returning projection, twice as fast as a join to unnest().
        format!("UNION ALL (SELECT 'tag', tag, count(*) FROM (SELECT unnest(tags) AS tag FROM m WHERE hit) t GROUP BY tag ORDER BY 3 DESC, 2 LIMIT {TOP_TAGS})")
    } else {
        String::new()
    };
    let sql = format!(
        "WITH m AS MATERIALIZED ({source})
         SELECT 'read' AS facet, '' AS value, count(*) AS n FROM m
         UNION ALL SELECT 'matched', '', count(*) FROM m WHERE hit
         UNION ALL SELECT 'table', '', (SELECT reltuples FROM pg_class WHERE oid = 'assets'::regclass)::bigint
         UNION ALL (SELECT 'kind', kind, count(*) FROM m WHERE hit GROUP BY kind ORDER BY 3 DESC)
         {tags}"
    );
    let rows = db.query_all(statement(sql, c.values.clone())).await?;
    let mut found = Pass { read: 0, matched: 0, table: -1.0, kinds: Vec::new(), tags: Vec::new() };
    for row in &rows {
        let facet: String = row.try_get("", "facet")?;
        let n: i64 = row.try_get("", "n")?;
        let count = FacetCount { value: row.try_get("", "value")?, count: n.max(0) as u64 };
        match facet.as_str() {
            "read" => found.read = count.count,
            "matched" => found.matched = count.count,
            "table" => found.table = n as f64,
            "kind" => found.kinds.push(count),
            _ => found.tags.push(count),
        }
    }
    Ok(found)
}

fn scaled(total: u64, seen: u64, mut kinds: Vec<FacetCount>, mut tags: Vec<FacetCount>) -> Tally {
    let factor = total as f64 / seen.max(1) as f64;
    for f in kinds.iter_mut().chain(tags.iter_mut()) {
        f.count = (f.count as f64 * factor).round() as u64;
    }
    Tally { total, estimated: true, kinds, tags }
}

/// Tags are tallied only when `with_tags`.
pub(super) async fn tally(db: &impl ConnectionTrait, c: &Conditions, with_tags: bool) -> Result<Tally> {
    let planned = planned(db, c).await?;
    let mut sampled = 0;
    if planned > EXACT_COUNT_LIMIT as u64 {
        let sample =
            format!("SELECT kind, tags, ({}) AS hit FROM assets TABLESAMPLE SYSTEM_ROWS({SAMPLE_ROWS})", c.clause());
        let sample = pass(db, c, &sample, with_tags).await?;
        if sample.read < SAMPLE_ROWS as u64 {
            // The sample was the whole table.
            return Ok(Tally { total: sample.matched, estimated: false, kinds: sample.kinds, tags: sample.tags });
        }
        let matches = sample.matched as f64 * sample.table.max(sample.read as f64) / sample.read as f64;
        if matches > SAMPLED_BROAD {
            return Ok(scaled(matches.round() as u64, sample.matched, sample.kinds, sample.tags));
        }
        sampled = matches as u64;
    }
    let cap = EXACT_COUNT_LIMIT + 1;
    let all =
        pass(db, c, &format!("SELECT kind, tags, TRUE AS hit FROM assets WHERE {} LIMIT {cap}", c.clause()), with_tags)
            .await?;
    if all.matched < cap as u64 {
        return Ok(Tally { total: all.matched, estimated: false, kinds: all.kinds, tags: all.tags });
    }
    // More than the limit after all: the facets of the first matches, scaled to the larger guess
    // (a block sample of a library uploaded in batches can fall short).
    Ok(scaled(planned.max(sampled).max(all.matched), all.matched, all.kinds, all.tags))
}

/// `facet` with `value` counted `count` times (the chosen kind's own, exact count replacing the
/// one from a pass that may have been estimated), most first.
pub(super) fn with_count(mut facet: Vec<FacetCount>, value: &str, count: u64) -> Vec<FacetCount> {
    facet.retain(|f| f.value != value);
    if count > 0 {
        facet.push(FacetCount { value: value.to_owned(), count });
    }
    facet.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    facet
}
