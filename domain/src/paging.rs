//! Keyset paging on the server, for every list (search has its own sort keys but the same
//! cursor): order by a key and the id, continue strictly after the last row of the previous page,
//! fetch one row more than the page to know whether another page follows.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    sea_query::{Expr, SimpleExpr},
    ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select, Value,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    dto::{Page, PageRequest},
    error::{Error, Result},
};

pub const DEFAULT_LIMIT: u64 = 100;
pub const MAX_LIMIT: u64 = 500;

/// Where the previous page ended: its last row's sort key and id, as text.
#[derive(Serialize, Deserialize)]
pub struct Cursor {
    pub key: String,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("a cursor serializes"))
    }

    pub fn decode(text: &str) -> Result<Cursor> {
        URL_SAFE_NO_PAD.decode(text).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).ok_or_else(invalid)
    }

    /// The key and id, read back as the types the list is ordered by.
    pub fn parts<K: Key, I: Key>(&self) -> Result<(K, I)> {
        Ok((K::read(&self.key).ok_or_else(invalid)?, I::read(&self.id).ok_or_else(invalid)?))
    }
}

pub fn invalid() -> Error {
    Error::BadRequest("the page cursor (`after`) is not valid; start again from the first page".into())
}

/// A type a list is ordered by, written into a cursor as text.
pub trait Key: Sized + Into<Value> {
    fn write(&self) -> String;
    fn read(text: &str) -> Option<Self>;
}

impl Key for DateTime<Utc> {
    fn write(&self) -> String {
        // Postgres keeps microseconds: a cursor with fewer would skip rows of the same second.
        self.to_rfc3339_opts(SecondsFormat::Micros, true)
    }
    fn read(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
    }
}

impl Key for String {
    fn write(&self) -> String {
        self.clone()
    }
    fn read(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

macro_rules! parsed_key {
    ($($t:ty),*) => {$(
        impl Key for $t {
            fn write(&self) -> String {
                self.to_string()
            }
            fn read(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
    )*};
}
parsed_key!(i32, i64, Uuid);

/// The cursor after a row with this key and id.
pub fn cursor<K: Key, I: Key>(key: &K, id: &I) -> Cursor {
    Cursor { key: key.write(), id: id.write() }
}

/// The page size asked for, within bounds.
pub fn limit(request: &PageRequest) -> u64 {
    request.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// The key and id the request continues after (`None` for the first page).
pub fn after<K: Key, I: Key>(request: &PageRequest) -> Result<Option<(K, I)>> {
    match request.after.as_deref().filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(text) => Cursor::decode(text)?.parts().map(Some),
    }
}

/// The condition "(key, id) comes after (`key`, `id`) in `order`", for SQL written by hand:
/// `columns` is the `(key, id)` pair as SQL, `first` the number of the first of two parameters.
pub fn after_sql(columns: &str, order: Order, first: usize) -> String {
    let op = if matches!(order, Order::Asc) { ">" } else { "<" };
    format!("({columns}) {op} (${first}, ${})", first + 1)
}

/// `select` ordered by (`key`, `id`), from after `after`, one row more than `limit`.
pub fn keyset<E: EntityTrait, K: Key, I: Key>(
    select: Select<E>,
    key: E::Column,
    id: E::Column,
    order: Order,
    after: Option<(K, I)>,
    limit: u64,
) -> Select<E> {
    let select = match after {
        None => select,
        Some((after_key, after_id)) => {
            let columns = Expr::tuple([SimpleExpr::from(key.into_expr()), id.into_expr().into()]);
            let bound = Expr::tuple([Expr::val(after_key).into(), Expr::val(after_id).into()]);
            select.filter(if matches!(order, Order::Asc) { columns.gt(bound) } else { columns.lt(bound) })
        }
    };
    select.order_by(key, order.clone()).order_by(id, order).limit(limit + 1)
}

/// The first `limit` rows as a page, with the cursor after the last one if more rows came.
pub fn page<T>(mut rows: Vec<T>, limit: u64, cursor_of: impl Fn(&T) -> Cursor) -> Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(|last| cursor_of(last).encode()) } else { None };
    Page { items: rows, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_was_made_of() {
        // Postgres keeps microseconds, and so does a cursor.
        let at = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
        let id = Uuid::now_v7();
        let text = cursor(&at, &id).encode();
        let (key, back): (DateTime<Utc>, Uuid) = Cursor::decode(&text).unwrap().parts().unwrap();
        assert_eq!((key, back), (at, id));
    }

    #[test]
    fn a_made_up_cursor_is_a_bad_request_not_a_crash() {
        for text in ["", "not base64!", "e30", &URL_SAFE_NO_PAD.encode(r#"{"key":"yesterday","id":"1"}"#)] {
            let request = PageRequest { after: Some(text.into()), limit: None };
            let outcome = after::<DateTime<Utc>, Uuid>(&request);
            if !text.is_empty() {
                assert!(matches!(outcome, Err(Error::BadRequest(_))), "{text}");
            }
        }
    }

    #[test]
    fn a_page_says_whether_more_follow() {
        let cursor_of = |n: &i64| cursor(n, n);
        let full = page(vec![3i64, 2, 1], 2, cursor_of);
        assert_eq!(full.items, vec![3, 2]);
        let (key, _): (i64, i64) = Cursor::decode(full.next.as_deref().unwrap()).unwrap().parts().unwrap();
        assert_eq!(key, 2);
        assert_eq!(page(vec![1i64], 2, cursor_of).next, None);
    }
}
