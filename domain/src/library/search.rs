//! Finding assets: full text (Postgres `tsvector`, the last word as a prefix for search as you
//! type) or'd with typo-tolerant name matching (`pg_trgm` word similarity), filters, a stable
//! sort with keyset pagination (a cursor, not an offset, so deep pages cost what the first does),
//! and facet counts for kinds and top tags — exact up to 10 000 matches, estimated above.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, Statement, Value};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    catalog,
    dto::{AssetQuery, FacetCount, Facets, Orientation, SearchResults, Sort, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE},
    entities::asset,
    error::{Error, Result},
};

/// Above this many matches counts are estimated from the query plan.
const EXACT_COUNT_LIMIT: i64 = 10_000;
/// Searches the planner expects to match more than this are tallied from a smaller sample.
const BROAD_SEARCH: u64 = 30_000;
const BROAD_SAMPLE: i64 = 2_000;
const TOP_TAGS: i64 = 12;
/// Shorter words are matched exactly (or as a prefix): their trigrams match too much.
const MIN_FUZZY_CHARS: usize = 4;

/// A WHERE clause under construction, with its numbered parameters.
#[derive(Clone, Default)]
struct Conditions {
    sql: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    fn param(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    fn push(&mut self, condition: String) {
        self.sql.push(condition);
    }

    fn clause(&self) -> String {
        if self.sql.is_empty() { "TRUE".into() } else { self.sql.join(" AND ") }
    }
}

/// Where the previous page ended: the sort key and id of its last asset.
#[derive(Serialize, Deserialize)]
struct Cursor {
    key: String,
    id: Uuid,
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// Each word of a text query as a `tsquery` term (the last as a prefix: search as you type),
/// with the word itself for typo-tolerant name matching when it is long enough to be reliable.
fn word_terms(text: &str) -> Vec<(String, Option<String>)> {
    let words: Vec<String> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let term = if i == last { format!("'{w}':*") } else { format!("'{w}'") };
            (term, (w.chars().count() >= MIN_FUZZY_CHARS).then(|| w.clone()))
        })
        .collect()
}

/// Every condition of `query` except the kind (the kind facet is counted without it). With
/// `fuzzy`, long words may also match names despite typos (the fallback when nothing matches
/// exactly: or'ing trigram matches into every search would cost selectivity).
fn conditions_without_kind(query: &AssetQuery, fuzzy: bool) -> Conditions {
    let mut c = Conditions::default();
    c.push("deleted_at IS NULL".into());
    // Every word must match: in the full text, or (despite a typo) in the name — word
    // similarity finds "sunst" in "sunset_beach.jpg".
    for (term, word) in word_terms(&query.q) {
        let ts = c.param(term);
        match word.filter(|_| fuzzy) {
            Some(word) => {
                let word = c.param(word);
                c.push(format!("(search @@ to_tsquery('simple', {ts}) OR {word} <% lower(original_filename))"));
            }
            None => c.push(format!("search @@ to_tsquery('simple', {ts})")),
        }
    }
    if let Some(collection) = query.collection {
        let p = c.param(collection);
        c.push(format!("EXISTS (SELECT 1 FROM collection_assets ca WHERE ca.collection_id = {p} AND ca.asset_id = assets.id)"));
    }
    let tags: Vec<String> = query.tag_list().iter().filter_map(|t| super::tags::normalize(t)).collect();
    if !tags.is_empty() {
        let p = c.param(tags);
        c.push(format!("tags @> {p}::text[]"));
    }
    for (column, from, to) in [("created_at", query.uploaded_from, query.uploaded_to), ("taken_at", query.taken_from, query.taken_to)] {
        if let Some(from) = from {
            let p = c.param(start_of(from));
            c.push(format!("{column} >= {p}"));
        }
        if let Some(to) = to.and_then(|d| d.succ_opt()) {
            let p = c.param(start_of(to));
            c.push(format!("{column} < {p}"));
        }
    }
    if let Some(orientation) = query.orientation {
        c.push(
            match orientation {
                Orientation::Landscape => "width > height",
                Orientation::Portrait => "height > width",
                Orientation::Square => "width = height",
            }
            .into(),
        );
    }
    if let Some(resolution) = query.resolution {
        let p = c.param(resolution.min_short_side());
        c.push(format!("least(width, height) >= {p}"));
    }
    if let Some(duration) = query.duration {
        let (from, to) = duration.range_ms();
        let p = c.param(from);
        c.push(format!("duration_ms >= {p}"));
        if let Some(to) = to {
            let p = c.param(to);
            c.push(format!("duration_ms < {p}"));
        }
    }
    c
}

fn with_kind(mut c: Conditions, query: &AssetQuery) -> Conditions {
    if let Some(kind) = query.kind {
        let p = c.param(kind.label());
        c.push(format!("kind = {p}"));
    }
    c
}

/// ORDER BY, the key expression and the comparison that continues after a cursor.
fn order(sort: Sort) -> (&'static str, &'static str, &'static str) {
    match sort {
        Sort::Newest => ("created_at DESC, id DESC", "created_at", "<"),
        Sort::Oldest => ("created_at ASC, id ASC", "created_at", ">"),
        Sort::Name => ("lower(original_filename) ASC, id ASC", "lower(original_filename)", ">"),
        Sort::Size => ("size DESC, id DESC", "size", "<"),
    }
}

fn key_of(asset: &asset::Model, sort: Sort) -> String {
    match sort {
        Sort::Newest | Sort::Oldest => asset.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        Sort::Name => asset.original_filename.to_lowercase(),
        Sort::Size => asset.size.to_string(),
    }
}

fn continue_after(c: &mut Conditions, sort: Sort, cursor: &str) -> Result<()> {
    let bad = || Error::BadRequest("the page cursor is not valid; start the search again".into());
    let cursor: Cursor = URL_SAFE_NO_PAD.decode(cursor).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or_else(bad)?;
    let (_, key, op) = order(sort);
    let key_param = match sort {
        Sort::Newest | Sort::Oldest => c.param(DateTime::parse_from_rfc3339(&cursor.key).map_err(|_| bad())?.with_timezone(&Utc)),
        Sort::Name => c.param(cursor.key),
        Sort::Size => c.param(cursor.key.parse::<i64>().map_err(|_| bad())?),
    };
    let id = c.param(cursor.id);
    c.push(format!("({key}, id) {op} ({key_param}, {id})"));
    Ok(())
}

fn statement(sql: String, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

pub async fn search(db: &DatabaseConnection, query: &AssetQuery) -> Result<SearchResults> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    let mut base = conditions_without_kind(query, false);
    let mut matching = with_kind(base.clone(), query);
    if word_terms(&query.q).iter().any(|(_, word)| word.is_some()) && !exists(db, &matching).await? {
        base = conditions_without_kind(query, true);
        matching = with_kind(base.clone(), query);
    }

    let mut page = matching.clone();
    if let Some(cursor) = &query.after {
        continue_after(&mut page, query.sort, cursor)?;
    }
    let (order_by, _, _) = order(query.sort);
    let sql = format!("SELECT * FROM assets WHERE {} ORDER BY {order_by} LIMIT {}", page.clause(), limit + 1);
    let mut rows = asset::Entity::find().from_raw_sql(statement(sql, page.values)).all(db).await?;
    let next = (rows.len() as u64 > limit).then(|| {
        rows.truncate(limit as usize);
        let last = rows.last().expect("a full page has a last row");
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&Cursor { key: key_of(last, query.sort), id: last.id }).expect("a cursor serializes"))
    });
    let items = catalog::with_derivatives(db, rows).await?;

    let matched = tally(db, &matching).await?;
    let kinds = if query.kind.is_some() { tally(db, &base).await?.kinds } else { matched.kinds.clone() };
    Ok(SearchResults { items, next, total: matched.total, estimated: matched.estimated, facets: Facets { kinds, tags: matched.tags } })
}

async fn exists(db: &DatabaseConnection, c: &Conditions) -> Result<bool> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM assets WHERE {}) AS found", c.clause());
    Ok(db.query_one(statement(sql, c.values.clone())).await?.map_or(Ok(false), |r| r.try_get("", "found"))?)
}

/// The planner's estimate of how many assets match (no rows are read).
async fn estimate(db: &DatabaseConnection, c: &Conditions) -> Result<u64> {
    let sql = format!("EXPLAIN (FORMAT JSON) SELECT 1 FROM assets WHERE {}", c.clause());
    let plan: serde_json::Value = db.query_one(statement(sql, c.values.clone())).await?.map_or(Ok(serde_json::Value::Null), |r| r.try_get("", "QUERY PLAN"))?;
    Ok(plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as u64)
}

struct Tally {
    total: u64,
    estimated: bool,
    kinds: Vec<FacetCount>,
    tags: Vec<FacetCount>,
}

/// How many assets match, per kind, and their most frequent tags, from one pass over the
/// matches: all of them when there are at most EXACT_COUNT_LIMIT (exact), else a sample scaled
/// to the planner's estimate — a smaller one when the estimate says the search is broad.
async fn tally(db: &DatabaseConnection, c: &Conditions) -> Result<Tally> {
    let estimated_rows = estimate(db, c).await?;
    let cap = if estimated_rows > BROAD_SEARCH { BROAD_SAMPLE } else { EXACT_COUNT_LIMIT + 1 };
    let sql = format!(
        "WITH m AS MATERIALIZED (SELECT kind, tags FROM assets WHERE {} LIMIT {cap})
         SELECT 'rows' AS facet, '' AS value, count(*) AS n FROM m
         UNION ALL (SELECT 'kind', kind, count(*) FROM m GROUP BY kind ORDER BY 3 DESC)
         UNION ALL (SELECT 'tag', tag, count(*) FROM m, unnest(m.tags) tag GROUP BY tag ORDER BY 3 DESC, 2 LIMIT {TOP_TAGS})",
        c.clause()
    );
    let rows = db.query_all(statement(sql, c.values.clone())).await?;
    let mut seen = 0u64;
    let (mut kinds, mut tags) = (Vec::new(), Vec::new());
    for row in &rows {
        let facet: String = row.try_get("", "facet")?;
        let count = FacetCount { value: row.try_get("", "value")?, count: row.try_get::<i64>("", "n")? as u64 };
        match facet.as_str() {
            "rows" => seen = count.count,
            "kind" => kinds.push(count),
            _ => tags.push(count),
        }
    }
    if seen < cap as u64 {
        return Ok(Tally { total: seen, estimated: false, kinds, tags });
    }
    let total = estimated_rows.max(seen);
    let factor = total as f64 / seen as f64;
    for f in kinds.iter_mut().chain(tags.iter_mut()) {
        f.count = (f.count as f64 * factor).round() as u64;
    }
    Ok(Tally { total, estimated: true, kinds, tags })
}

#[cfg(test)]
mod tests {
    use super::word_terms;

    #[test]
    fn every_word_counts_the_last_may_be_unfinished_and_long_ones_may_be_misspelt() {
        let terms = word_terms("Sunset  bea");
        assert_eq!(terms, [("'sunset'".to_owned(), Some("sunset".to_owned())), ("'bea':*".to_owned(), None)]);
        assert_eq!(word_terms("it's o'clock!").iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), ["'it'", "'s'", "'o'", "'clock':*"]);
        assert!(word_terms(" -- ").is_empty());
    }
}
