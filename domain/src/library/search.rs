//! Finding assets: full text (Postgres `tsvector`, the last word as a prefix for search as you
//! type); when nothing matches, misspelt words are corrected to the closest known words
//! (`pg_trgm` similarity over the `search_words` dictionary) and the search runs again. Filters, a
//! stable sort with keyset pagination (a cursor, not an offset, so deep pages cost what the first
//! does), and facet counts for kinds and top tags — exact up to 10 000 matches, estimated above.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, FromQueryResult, Statement, Value};
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
const BROAD_SAMPLE: i64 = 500;
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

/// One word of a text query; the last one is a prefix (search as you type).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    text: String,
    prefix: bool,
}

impl Word {
    /// Shorter words are never corrected (too many words are spelt close to them), nor numbers.
    fn correctable(&self) -> bool {
        self.text.chars().count() >= MIN_FUZZY_CHARS && !self.text.chars().all(|c| c.is_ascii_digit())
    }
}

fn words_of(text: &str) -> Vec<Word> {
    let words: Vec<String> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let last = words.len().saturating_sub(1);
    words.into_iter().enumerate().map(|(i, text)| Word { text, prefix: i == last }).collect()
}

/// A `tsquery` term matching any of `alternatives` (words of letters and digits only).
fn term(alternatives: &[String], prefix: bool) -> String {
    let suffix = if prefix { ":*" } else { "" };
    let parts: Vec<String> = alternatives.iter().map(|w| format!("'{w}'{suffix}")).collect();
    if parts.len() == 1 { parts[0].clone() } else { format!("({})", parts.join(" | ")) }
}

fn terms_of(words: &[Word]) -> Vec<String> {
    words.iter().map(|w| term(std::slice::from_ref(&w.text), w.prefix)).collect()
}

/// The terms with every unknown long word (one no asset has; for the last, typed word: that no
/// known word starts with) replaced by the known words spelt closest to it; `None` when every
/// word is known. Asking the dictionary, not the assets, keeps this cheap: "does anything match
/// this misspelt word?" over the assets would read all of them.
async fn corrected_terms(db: &DatabaseConnection, words: &[Word]) -> Result<Option<Vec<String>>> {
    const KNOWN: &str = "SELECT EXISTS (SELECT 1 FROM search_words WHERE word = $1) AS known";
    const KNOWN_PREFIX: &str = "SELECT EXISTS (SELECT 1 FROM search_words WHERE word LIKE $1 || '%') AS known";
    const CLOSEST: &str = "SELECT word FROM search_words WHERE word % $1 ORDER BY similarity(word, $1) DESC, word LIMIT 3";
    let mut terms = Vec::with_capacity(words.len());
    let mut changed = false;
    for word in words {
        let mut alternatives = vec![word.text.clone()];
        if word.correctable() {
            // Words are letters and digits only, so nothing in them means anything to LIKE.
            let sql = if word.prefix { KNOWN_PREFIX } else { KNOWN };
            let known = db.query_one(statement(sql.into(), vec![word.text.clone().into()])).await?.map_or(Ok(false), |r| r.try_get("", "known"))?;
            if !known {
                let rows = db.query_all(statement(CLOSEST.into(), vec![word.text.clone().into()])).await?;
                alternatives = rows.iter().filter_map(|r| r.try_get::<String>("", "word").ok()).filter(|w| w.chars().all(char::is_alphanumeric)).collect();
                if alternatives.is_empty() {
                    // Nothing close: the word stays, and the search finds nothing.
                    alternatives.push(word.text.clone());
                } else {
                    changed = true;
                }
            }
        }
        terms.push(term(&alternatives, word.prefix));
    }
    Ok(changed.then_some(terms))
}

/// Every condition of `query` except the kind (the kind facet is counted without it); `terms`
/// are its words as `tsquery` terms, each of which must match.
fn conditions_without_kind(query: &AssetQuery, terms: &[String]) -> Conditions {
    let mut c = Conditions::default();
    c.push("deleted_at IS NULL".into());
    for term in terms {
        let ts = c.param(term.clone());
        c.push(format!("search @@ to_tsquery('simple', {ts})"));
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

/// Where a page ended, by sort: times and sizes are exact in Rust; names take `name_key`, the
/// database's own lower() of the name (Rust's can differ under some collations).
fn key_of(asset: &asset::Model, sort: Sort, name_key: String) -> String {
    match sort {
        Sort::Newest | Sort::Oldest => asset.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        Sort::Name => name_key,
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
    let words = words_of(&query.q);
    let terms = match corrected_terms(db, &words).await? {
        Some(corrected) => corrected,
        None => terms_of(&words),
    };
    let base = conditions_without_kind(query, &terms);
    let matching = with_kind(base.clone(), query);

    let mut page = matching.clone();
    if let Some(cursor) = &query.after {
        continue_after(&mut page, query.sort, cursor)?;
    }
    let (order_by, key, _) = order(query.sort);
    let sql = format!("SELECT *, ({key})::text AS sort_key FROM assets WHERE {} ORDER BY {order_by} LIMIT {}", page.clause(), limit + 1);
    let found = db.query_all(statement(sql, page.values)).await?;
    let mut rows = Vec::with_capacity(found.len());
    let mut last_key = String::new();
    for row in found.iter().take(limit as usize) {
        rows.push(asset::Model::from_query_result(row, "")?);
        last_key = row.try_get("", "sort_key")?;
    }
    let next = (found.len() as u64 > limit).then(|| {
        let last = rows.last().expect("a full page has a last row");
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&Cursor { key: key_of(last, query.sort, last_key), id: last.id }).expect("a cursor serializes"))
    });
    let items = catalog::with_derivatives(db, rows).await?;

    let matched = tally(db, &matching).await?;
    let kinds = if query.kind.is_some() { tally(db, &base).await?.kinds } else { matched.kinds.clone() };
    Ok(SearchResults { items, next, total: matched.total, estimated: matched.estimated, facets: Facets { kinds, tags: matched.tags } })
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
    use super::*;

    #[test]
    fn every_word_counts_and_the_last_may_be_unfinished() {
        let words = words_of("Sunset  bea");
        assert_eq!(terms_of(&words), ["'sunset'", "'bea':*"]);
        assert_eq!((words[0].correctable(), words[1].correctable()), (true, false));
        assert_eq!(terms_of(&words_of("it's o'clock!")), ["'it'", "'s'", "'o'", "'clock':*"]);
        assert!(words_of(" -- ").is_empty());
    }

    #[test]
    fn corrections_become_alternatives() {
        assert_eq!(term(&["harbour".into(), "harbor".into()], false), "('harbour' | 'harbor')");
        assert_eq!(term(&["harb".into(), "harbour".into()], true), "('harb':* | 'harbour':*)");
    }
}
