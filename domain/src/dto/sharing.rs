//! Share links as their makers manage them, and shared pages as anyone with the link sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AssetKind;

/// What a new link opens (exactly one of the two) and on what terms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct NewShareLink {
    #[serde(default)]
    pub asset_id: Option<Uuid>,
    #[serde(default)]
    pub collection_id: Option<Uuid>,
    /// When it stops working (at most a year away); or give `expires_in_days`.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Open for this many days from now (1 to 365), instead of `expires_at`.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
    /// Visitors must type it; empty or absent means none.
    #[serde(default)]
    pub password: Option<String>,
    /// Whether visitors may download originals (and a ZIP of everything); otherwise they may only look.
    #[serde(default)]
    pub allow_download: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    Active,
    Expired,
    Revoked,
}

impl ShareState {
    pub fn label(self) -> &'static str {
        match self {
            ShareState::Active => "active",
            ShareState::Expired => "expired",
            ShareState::Revoked => "revoked",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ShareLinkView {
    pub id: Uuid,
    /// The path to hand out (`/s/<token>`); prefix it with the site's address.
    pub path: String,
    pub asset_id: Option<Uuid>,
    pub collection_id: Option<Uuid>,
    /// The asset's or collection's name.
    pub target_name: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub has_password: bool,
    pub allow_download: bool,
    pub revoked_at: Option<DateTime<Utc>>,
    /// How many times the shared page was opened.
    pub opens: i64,
    pub last_opened_at: Option<DateTime<Utc>>,
    pub state: ShareState,
}

/// One asset on a shared page: only what a visitor needs (no uploader, checksum or location).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SharedAsset {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub kind: AssetKind,
    pub mime: String,
    pub size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_ms: Option<i64>,
    pub thumbnail_url: Option<String>,
    pub preview_url: Option<String>,
    /// Playable renditions (URL, label such as `720p`), lightest first.
    pub videos: Vec<(String, String)>,
    /// Present when the link allows downloads.
    pub download_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SharedPage {
    pub title: String,
    pub description: String,
    pub expires_at: DateTime<Utc>,
    pub allow_download: bool,
    pub assets: Vec<SharedAsset>,
    /// Everything as one ZIP, when downloads are allowed.
    pub zip_url: Option<String>,
}

/// What opening a link gives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub enum ShareOpening {
    Open(SharedPage),
    /// The link has a password and this browser has not given it yet.
    NeedsPassword,
    /// Expired or revoked, with a sentence saying which.
    Gone(String),
    NotFound,
}
