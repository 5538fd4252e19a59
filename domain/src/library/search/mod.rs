//! Finding assets: full text (Postgres `tsvector`; the words of the query in `words`), filters,
//! a stable sort with keyset pagination (a cursor, not an offset, so deep pages cost what the
//! first does), and facet counts for kinds and top tags (`tally`) — exact up to 10 000 matches,
//! estimated above. The page and the counts are read at the same time, on separate connections.

mod tally;
mod words;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult, Statement, Value};
use uuid::Uuid;

use crate::{
    catalog,
    dto::{
        AssetKind, AssetQuery, AssetView, Duration, Facets, Orientation, SearchResults, Sort, DEFAULT_PAGE_SIZE,
        MAX_PAGE_SIZE,
    },
    entities::asset,
    error::{Error, Result},
    links::Links,
    paging,
};

/// A WHERE clause under construction, with its numbered parameters.
#[derive(Clone, Default)]
pub(super) struct Conditions {
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
        if self.sql.is_empty() {
            "TRUE".into()
        } else {
            self.sql.join(" AND ")
        }
    }
}

// Filters written over these expressions are answered by the search index, which holds the very
// same expressions (migration 16): the index then hands over only rows matching every filter.
/// 1 landscape, -1 portrait, 0 square.
const SHAPE: &str = "sign(width - height)";
/// The `Resolution` thresholds (short side, px) an asset reaches: one array, so "1080p and up"
/// is a single key in the index (a range over classes read two long lists of assets).
const RESOLUTIONS_REACHED: &str = "array_remove(ARRAY[CASE WHEN least(width, height) >= 720 THEN 720 END, \
     CASE WHEN least(width, height) >= 1080 THEN 1080 END, CASE WHEN least(width, height) >= 2160 THEN 2160 END], NULL)";
/// 0 short, 1 medium, 2 long (`Duration::range_ms`).
const DURATION_CLASS: &str = "width_bucket(duration_ms, ARRAY[30000, 300001])";

fn duration_class(duration: Duration) -> i32 {
    match duration {
        Duration::Short => 0,
        Duration::Medium => 1,
        Duration::Long => 2,
    }
}

/// Most months a date range is narrowed to in the index; a longer one is left to the btrees.
const MAX_INDEXED_MONTHS: usize = 60;

/// The first days (UTC) of the months from `from` to `to`, or None for a long range.
fn months_between(from: NaiveDate, to: NaiveDate) -> Option<Vec<chrono::NaiveDateTime>> {
    let mut month = from.with_day(1)?;
    let mut months = Vec::new();
    while month <= to {
        if months.len() == MAX_INDEXED_MONTHS {
            return None;
        }
        months.push(month.and_time(NaiveTime::MIN));
        month = month.checked_add_months(chrono::Months::new(1))?;
    }
    Some(months)
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
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
        c.push(format!(
            "EXISTS (SELECT 1 FROM collection_assets ca WHERE ca.collection_id = {p} AND ca.asset_id = assets.id)"
        ));
    }
    let tags: Vec<String> = query.tag_list().iter().filter_map(|t| super::tags::normalize(t)).collect();
    if !tags.is_empty() {
        let p = c.param(tags);
        c.push(format!("tags @> {p}::text[]"));
    }
    // A date range becomes the months it touches, looked up in the search index with the words,
    // and its exact bounds checked on those rows (IS TRUE keeps them out of the btree indexes on
    // the timestamps: intersecting with every asset of the period took longer than the rows).
    // Uploads are never dated later than now (a month of margin for clocks); a camera's date can be.
    let next_month = Utc::now().date_naive() + chrono::Days::new(31);
    for (column, from, to, to_or_now) in [
        ("created_at", query.uploaded_from, query.uploaded_to, query.uploaded_to.or(Some(next_month))),
        ("taken_at", query.taken_from, query.taken_to, query.taken_to),
    ] {
        let months = from.zip(to_or_now).and_then(|(from, to)| months_between(from, to));
        if let Some(months) = &months {
            let p = c.param(months.clone());
            c.push(format!("date_trunc('month', {column} AT TIME ZONE 'UTC') = ANY({p})"));
        }
        let exact = |bound: String| if months.is_some() { format!("({bound}) IS TRUE") } else { bound };
        if let Some(from) = from {
            let p = c.param(start_of(from));
            c.push(exact(format!("{column} >= {p}")));
        }
        if let Some(to) = to.and_then(|d| d.succ_opt()) {
            let p = c.param(start_of(to));
            c.push(exact(format!("{column} < {p}")));
        }
    }
    if let Some(orientation) = query.orientation {
        let shape = match orientation {
            Orientation::Landscape => 1,
            Orientation::Portrait => -1,
            Orientation::Square => 0,
        };
        c.push(format!("{SHAPE} = {shape}"));
    }
    if let Some(resolution) = query.resolution {
        let p = c.param(vec![resolution.min_short_side()]);
        c.push(format!("{RESOLUTIONS_REACHED} @> {p}::int[]"));
    }
    if let Some(duration) = query.duration {
        let p = c.param(duration_class(duration));
        c.push(format!("{DURATION_CLASS} = {p}"));
    }
    c
}

/// A kind making up more than this share of the library is checked on the rows rather than looked
/// up in the index: intersecting the words with its very long list of assets took longer (20 ms
/// instead of 7 for a common word, on a million assets) than skipping the rows of other kinds.
const COMMON_KIND_SHARE: f64 = 0.5;

/// The share of the library that is of `kind`, from the planner's statistics (0 when unknown).
async fn share_of(db: &impl ConnectionTrait, kind: AssetKind) -> Result<f64> {
    const SHARE: &str = "SELECT coalesce((SELECT m.share::float8 FROM pg_stats s, unnest(s.most_common_vals::text::text[], s.most_common_freqs) AS m(kind, share)
                          WHERE s.schemaname = current_schema() AND s.tablename = 'assets' AND s.attname = 'kind' AND m.kind = $1), 0) AS share";
    let row = db.query_one(statement(SHARE.into(), vec![kind.label().into()])).await?;
    Ok(row.map(|r| r.try_get::<f64>("", "share")).transpose()?.unwrap_or(0.0))
}

/// `c` narrowed to one kind; `IS TRUE` keeps a common kind out of the index (and in the estimate).
fn with_kind(mut c: Conditions, kind: AssetKind, common: bool) -> Conditions {
    let p = c.param(kind.label());
    c.push(if common { format!("(kind = {p}) IS TRUE") } else { format!("kind = {p}") });
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
    let bad = paging::invalid;
    let cursor = paging::Cursor::decode(cursor)?;
    let (_, key, op) = order(sort);
    let key_param = match sort {
        Sort::Newest | Sort::Oldest => {
            c.param(DateTime::parse_from_rfc3339(&cursor.key).map_err(|_| bad())?.with_timezone(&Utc))
        }
        Sort::Name => c.param(cursor.key),
        Sort::Size => c.param(cursor.key.parse::<i64>().map_err(|_| bad())?),
    };
    let id = c.param(cursor.id.parse::<Uuid>().map_err(|_| bad())?);
    c.push(format!("({key}, id) {op} ({key_param}, {id})"));
    Ok(())
}

pub(super) fn statement(sql: String, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

/// Bounds on a text query: each word costs index lookups (and a spelling correction), so a
/// pasted paragraph would take seconds and find nothing anyway.
pub const MAX_QUERY_WORDS: usize = 16;
pub const MAX_QUERY_CHARS: usize = 200;

pub async fn search(db: &impl ConnectionTrait, links: &dyn Links, query: &AssetQuery) -> Result<SearchResults> {
    let words = words::words_of(&query.q);
    if words.len() > MAX_QUERY_WORDS || query.q.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::BadRequest(format!(
            "a search can have at most {MAX_QUERY_WORDS} words and {MAX_QUERY_CHARS} characters; shorten it"
        )));
    }
    let share = async {
        match query.kind {
            Some(kind) => share_of(db, kind).await,
            None => Ok(0.0),
        }
    };
    let (terms, share) = tokio::try_join!(words::terms(db, &words), share)?;
    let base = conditions_without_kind(query, &terms);
    let matching = match query.kind {
        Some(kind) => with_kind(base.clone(), kind, share > COMMON_KIND_SHARE),
        None => base.clone(),
    };
    // The kind facet counts every kind, as if none were chosen; with a kind chosen that is a
    // second, tag-less pass, exact or estimated like the search without the kind.
    let every_kind = async {
        match query.kind {
            Some(_) => tally::tally(db, &base, false).await.map(Some),
            None => Ok(None),
        }
    };
    let ((items, next), matched, every_kind) =
        tokio::try_join!(page(db, links, query, matching.clone()), tally::tally(db, &matching, true), every_kind)?;
    let kinds = match (every_kind, query.kind) {
        (Some(every_kind), Some(chosen)) => tally::with_count(every_kind.kinds, chosen.label(), matched.total),
        _ => matched.kinds,
    };
    Ok(SearchResults {
        items,
        next,
        total: matched.total,
        estimated: matched.estimated,
        facets: Facets { kinds, tags: matched.tags },
    })
}

/// One page of matches in the chosen order, and the cursor for the next.
async fn page(
    db: &impl ConnectionTrait,
    links: &dyn Links,
    query: &AssetQuery,
    mut page: Conditions,
) -> Result<(Vec<AssetView>, Option<String>)> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    if let Some(cursor) = &query.after {
        continue_after(&mut page, query.sort, cursor)?;
    }
    let (order_by, key, _) = order(query.sort);
    let sql = format!(
        "SELECT *, ({key})::text AS sort_key FROM assets WHERE {} ORDER BY {order_by} LIMIT {}",
        page.clause(),
        limit + 1
    );
    let found = db.query_all(statement(sql, page.values)).await?;
    let mut rows = Vec::with_capacity(found.len());
    let mut last_key = String::new();
    for row in found.iter().take(limit as usize) {
        rows.push(asset::Model::from_query_result(row, "")?);
        last_key = row.try_get("", "sort_key")?;
    }
    let next = (found.len() as u64 > limit).then(|| {
        let last = rows.last().expect("a full page has a last row");
        paging::Cursor { key: key_of(last, query.sort, last_key), id: last.id.to_string() }.encode()
    });
    Ok((catalog::with_derivatives(db, links, rows).await?, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::Resolution;

    /// The classes the index holds agree with the filters' definitions in the DTOs.
    #[test]
    fn index_classes_follow_the_filter_definitions() {
        for resolution in [Resolution::Hd, Resolution::FullHd, Resolution::Uhd] {
            let bound = resolution.min_short_side();
            assert!(RESOLUTIONS_REACHED.contains(&format!(">= {bound} THEN {bound} END")));
        }
        for duration in [Duration::Short, Duration::Medium, Duration::Long] {
            let (from, to) = duration.range_ms();
            let bounds = [0, 30_000, 300_001];
            assert_eq!(bounds[duration_class(duration) as usize], from);
            assert_eq!(bounds.get(duration_class(duration) as usize + 1).copied(), to);
        }
        assert!(DURATION_CLASS.contains("30000, 300001"));
    }

    #[test]
    fn a_date_range_is_narrowed_to_the_months_it_touches() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let months = months_between(day(2025, 11, 20), day(2026, 2, 1)).unwrap();
        let firsts: Vec<String> = months.iter().map(|m| m.format("%Y-%m-%d").to_string()).collect();
        assert_eq!(firsts, ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01"]);
        assert_eq!(months_between(day(2026, 3, 5), day(2026, 3, 5)).unwrap().len(), 1);
        assert!(months_between(day(2026, 3, 5), day(2026, 2, 5)).unwrap().is_empty());
        assert!(months_between(day(2010, 1, 1), day(2026, 1, 1)).is_none(), "16 years are left to the btrees");
    }
}
