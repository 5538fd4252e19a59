//! The admin dashboard's overview, as the page and `GET /api/admin/overview` show it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AssetView;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct KindUsage {
    pub kind: String,
    pub assets: i64,
    pub bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DayUsage {
    pub day: NaiveDate,
    pub uploads: i64,
    pub downloads: i64,
    pub views: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AssetCount {
    pub id: Uuid,
    pub name: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct FailedAsset {
    pub id: Uuid,
    pub name: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// Which stretch of days the dashboard's charts cover.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct OverviewRange {
    /// Days up to and including today, 1 to 365 (the page offers 7, 30 and 90); 30 when left out.
    #[serde(default)]
    pub days: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Overview {
    /// Assets outside the trash, per kind, with the bytes of their current originals.
    pub kinds: Vec<KindUsage>,
    /// Every original kept, current and earlier versions, trash included.
    pub original_bytes: i64,
    /// Thumbnails, previews, posters and renditions.
    pub derivative_bytes: i64,
    /// The days asked for (30 unless chosen), oldest first; today includes counts not yet
    /// flushed from Redis.
    pub days: Vec<DayUsage>,
    pub latest: Vec<AssetView>,
    pub most_downloaded: Vec<AssetCount>,
    pub failed: Vec<FailedAsset>,
    pub failed_total: i64,
}
