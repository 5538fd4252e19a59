//! Collections as the API and the pages show them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CollectionView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub asset_count: i64,
    /// The thumbnail of its most recently added asset that has one.
    pub cover_url: Option<String>,
    /// The thumbnails of its (up to four) most recently added assets that have one, newest first:
    /// the cover's mosaic.
    #[serde(default)]
    pub cover_urls: Vec<String>,
    /// Who made it (they, and admins, may delete it).
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct NewCollection {
    pub name: String,
    #[serde(default)]
    pub description: String,
}
