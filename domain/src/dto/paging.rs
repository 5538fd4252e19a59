//! One shape for every list: ask with `after` (the `next` of the previous page) and `limit`; get
//! `{ items, next }`, `next` being `null` on the last page. Cursors are opaque and point between
//! two rows, so a page never repeats or skips a row when others are added meanwhile.

use serde::{Deserialize, Serialize};

/// Where a page starts and how long it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct PageRequest {
    /// The `next` of the previous page; absent for the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// How many items at most (1 to 500; 100 when absent; larger asks get 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

/// A page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next: Option<String>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { items: Vec::new(), next: None }
    }
}

impl<T> Page<T> {
    /// This page followed by the next one (the UI's "Show more").
    pub fn extend(&mut self, more: Page<T>) {
        self.items.extend(more.items);
        self.next = more.next;
    }
}
