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

/// Every condition of `query` except the kind (the kind facet is counted without it).
fn conditions_without_kind(query: &AssetQuery) -> Conditions {
    let mut c = Conditions::default();
    c.push("deleted_at IS NULL".into());
    // Every word must match: in the full text, or (despite a typo) in the name — word
    // similarity finds "sunst" in "sunset_beach.jpg".
    for (term, fuzzy) in word_terms(&query.q) {
        let ts = c.param(term);
        match fuzzy {
            Some(word) => {
                let word = c.param(word);
                c.push(format!("(search @@ to_tsquery('simple', {ts}) OR {word} <% lower(original_filename))"));
            }
            None => c.push(format!("search @@ to_tsquery('simple', {ts})")),
        }
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
    let base = conditions_without_kind(query);
    let matching = with_kind(base.clone(), query);

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

    let (total, estimated) = count(db, &matching).await?;
    let facets = facets(db, &base, &matching, query.kind.is_some(), (total, estimated)).await?;
    Ok(SearchResults { items, next, total, estimated, facets })
}

/// Exact up to [`EXACT_COUNT_LIMIT`], else the planner's estimate.
async fn count(db: &DatabaseConnection, c: &Conditions) -> Result<(u64, bool)> {
    let sql = format!("SELECT count(*) AS n FROM (SELECT 1 FROM assets WHERE {} LIMIT {}) m", c.clause(), EXACT_COUNT_LIMIT + 1);
    let exact: i64 = db.query_one(statement(sql, c.values.clone())).await?.map_or(Ok(0), |r| r.try_get("", "n"))?;
    if exact <= EXACT_COUNT_LIMIT {
        return Ok((exact as u64, false));
    }
    let plan_sql = format!("EXPLAIN (FORMAT JSON) SELECT 1 FROM assets WHERE {}", c.clause());
    let plan: serde_json::Value = db.query_one(statement(plan_sql, c.values.clone())).await?.map_or(Ok(serde_json::Value::Null), |r| r.try_get("", "QUERY PLAN"))?;
    let rows = plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(exact as f64);
    Ok((rows.max(exact as f64) as u64, true))
}

/// Kind counts without the kind filter, top tags with it — counted over at most
/// EXACT_COUNT_LIMIT + 1 matches and scaled to the estimated total beyond that.
async fn facets(db: &DatabaseConnection, base: &Conditions, matching: &Conditions, kind_chosen: bool, matching_total: (u64, bool)) -> Result<Facets> {
    let sample = EXACT_COUNT_LIMIT + 1;
    let kinds_sql = format!("SELECT kind AS value, count(*) AS n FROM (SELECT kind FROM assets WHERE {} LIMIT {sample}) m GROUP BY kind ORDER BY n DESC", base.clause());
    let mut kinds = facet_rows(db, statement(kinds_sql, base.values.clone())).await?;
    let tags_sql = format!(
        "SELECT tag AS value, count(*) AS n FROM (SELECT tags FROM assets WHERE {} LIMIT {sample}) m, unnest(m.tags) tag GROUP BY tag ORDER BY n DESC, tag LIMIT {TOP_TAGS}",
        matching.clause()
    );
    let mut tags = facet_rows(db, statement(tags_sql, matching.values.clone())).await?;
    let base_total = if kind_chosen { count(db, base).await? } else { matching_total };
    scale(&mut kinds, base_total);
    scale(&mut tags, matching_total);
    Ok(Facets { kinds, tags })
}

/// Counts from a full sample, stretched to the estimated number of matches.
fn scale(facet: &mut [FacetCount], (total, estimated): (u64, bool)) {
    if estimated {
        let factor = total as f64 / (EXACT_COUNT_LIMIT + 1) as f64;
        for f in facet {
            f.count = (f.count as f64 * factor).round() as u64;
        }
    }
}

async fn facet_rows(db: &DatabaseConnection, statement: Statement) -> Result<Vec<FacetCount>> {
    let rows = db.query_all(statement).await?;
    rows.iter().map(|r| Ok(FacetCount { value: r.try_get("", "value")?, count: r.try_get::<i64>("", "n")? as u64 })).collect()
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
