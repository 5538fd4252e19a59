//! Searching the library: the query (which the gallery keeps in its URL, so a search can be
//! bookmarked and shared) and the results with facet counts. Shared by the server and the WASM
//! client, which both read and write the same query strings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{AssetKind, AssetView};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Name,
    /// Largest first.
    Size,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    Landscape,
    Portrait,
    Square,
}

/// At least this resolution, by the short side (4K ≥ 2160, 1080p ≥ 1080, 720p ≥ 720).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub enum Resolution {
    #[serde(rename = "4k")]
    Uhd,
    #[serde(rename = "1080p")]
    FullHd,
    #[serde(rename = "720p")]
    Hd,
}

impl Resolution {
    pub fn min_short_side(self) -> i32 {
        match self {
            Resolution::Uhd => 2160,
            Resolution::FullHd => 1080,
            Resolution::Hd => 720,
        }
    }
}

/// How long a video plays: short < 30 s ≤ medium ≤ 5 min < long.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Duration {
    Short,
    Medium,
    Long,
}

impl Duration {
    /// Milliseconds, from (inclusive) and to (exclusive).
    pub fn range_ms(self) -> (i64, Option<i64>) {
        match self {
            Duration::Short => (0, Some(30_000)),
            Duration::Medium => (30_000, Some(300_001)),
            Duration::Long => (300_001, None),
        }
    }
}

/// What to look for. Every field is optional; the empty query lists the library newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AssetQuery {
    /// Words to find in names, titles, tags, descriptions and the files' own metadata; the last
    /// word may be incomplete (search as you type), and names are matched despite typos.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AssetKind>,
    /// Only assets in this collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<uuid::Uuid>,
    /// Comma-separated; an asset must have all of them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tags: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation: Option<Orientation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    #[serde(default, skip_serializing_if = "is_default_sort")]
    pub sort: Sort,
    /// The `next` cursor of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

fn is_default_sort(sort: &Sort) -> bool {
    *sort == Sort::Newest
}

impl AssetQuery {
    /// Reads a query from URL parameters (the gallery's address); unknown values are ignored.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        fn word<T: serde::de::DeserializeOwned>(value: Option<String>) -> Option<T> {
            serde_json::from_value(serde_json::Value::String(value?)).ok()
        }
        let date = |key: &str| get(key).and_then(|d| d.parse::<NaiveDate>().ok());
        AssetQuery {
            q: get("q").unwrap_or_default(),
            kind: word(get("kind")),
            collection: get("collection").and_then(|c| c.parse().ok()),
            tags: get("tags").unwrap_or_default(),
            uploaded_from: date("uploaded_from"),
            uploaded_to: date("uploaded_to"),
            taken_from: date("taken_from"),
            taken_to: date("taken_to"),
            orientation: word(get("orientation")),
            resolution: word(get("resolution")),
            duration: word(get("duration")),
            sort: word(get("sort")).unwrap_or_default(),
            after: get("after").filter(|a| !a.is_empty()),
            limit: get("limit").and_then(|l| l.parse().ok()),
        }
    }

    /// `key=value&…` for what is set, as the gallery's links carry it.
    pub fn to_query_string(&self) -> String {
        let text = |value: &dyn erased::Word| value.word();
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.label().to_owned()));
        }
        if let Some(collection) = self.collection {
            pairs.push(("collection", collection.to_string()));
        }
        if !self.tags.is_empty() {
            pairs.push(("tags", self.tags.clone()));
        }
        for (key, date) in [
            ("uploaded_from", self.uploaded_from),
            ("uploaded_to", self.uploaded_to),
            ("taken_from", self.taken_from),
            ("taken_to", self.taken_to),
        ] {
            if let Some(date) = date {
                pairs.push((key, date.to_string()));
            }
        }
        if let Some(v) = self.orientation {
            pairs.push(("orientation", text(&v)));
        }
        if let Some(v) = self.resolution {
            pairs.push(("resolution", text(&v)));
        }
        if let Some(v) = self.duration {
            pairs.push(("duration", text(&v)));
        }
        if self.sort != Sort::Newest {
            pairs.push(("sort", text(&self.sort)));
        }
        if let Some(after) = &self.after {
            pairs.push(("after", after.clone()));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect::<Vec<_>>().join("&")
    }

    pub fn tag_list(&self) -> Vec<String> {
        self.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_lowercase).collect()
    }

    pub fn with_tags(mut self, tags: &[String]) -> Self {
        self.tags = tags.join(",");
        self
    }

    /// The same search from its first page.
    pub fn first_page(&self) -> Self {
        AssetQuery { after: None, ..self.clone() }
    }

    /// Whether anything narrows the library down (the gallery offers "clear" then).
    pub fn is_filtered(&self) -> bool {
        let bare = AssetQuery {
            sort: self.sort,
            limit: self.limit,
            after: self.after.clone(),
            collection: self.collection,
            ..Default::default()
        };
        *self != bare
    }
}

/// The serialized name of a unit enum variant (`Sort::Name` → `name`).
mod erased {
    pub trait Word {
        fn word(&self) -> String;
    }
    impl<T: serde::Serialize> Word for T {
        fn word(&self) -> String {
            match serde_json::to_value(self) {
                Ok(serde_json::Value::String(s)) => s,
                _ => String::new(),
            }
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Facets {
    /// Matches per kind, as if no kind were chosen (so the other kinds can be offered).
    pub kinds: Vec<FacetCount>,
    /// The most frequent tags among the matches.
    pub tags: Vec<FacetCount>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SearchResults {
    pub items: Vec<AssetView>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
    pub total: u64,
    /// Above 10 000 matches, `total` and the facet counts are estimates.
    pub estimated: bool,
    pub facets: Facets,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_survives_the_url_and_only_says_what_is_set() {
        let query = AssetQuery {
            q: "sunset".into(),
            kind: Some(AssetKind::Image),
            tags: "beach,summer".into(),
            resolution: Some(Resolution::FullHd),
            sort: Sort::Name,
            ..Default::default()
        };
        let encoded = serde_urlencoded::to_string(&query).unwrap();
        assert_eq!(encoded, "q=sunset&kind=image&tags=beach%2Csummer&resolution=1080p&sort=name");
        assert_eq!(serde_urlencoded::from_str::<AssetQuery>(&encoded).unwrap(), query);
        assert_eq!(serde_urlencoded::to_string(AssetQuery::default()).unwrap(), "");
        assert_eq!(query.tag_list(), ["beach", "summer"]);
        assert!(query.is_filtered() && !AssetQuery { sort: Sort::Size, ..Default::default() }.is_filtered());
        // The gallery's own reading and writing of its address agree with serde's.
        assert_eq!(query.to_query_string(), encoded);
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&encoded).unwrap();
        let read = AssetQuery::from_lookup(|k| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()));
        assert_eq!(read, query);
        assert_eq!(
            AssetQuery::from_lookup(|k| (k == "kind").then(|| "spreadsheet".into())),
            AssetQuery::default(),
            "unknown values are ignored"
        );
    }
}
