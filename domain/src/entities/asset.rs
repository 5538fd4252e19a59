use sea_orm::entity::prelude::*;

use crate::dto::{AssetKind, AssetStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The workspace that holds it.
    pub workspace_id: Uuid,
    /// Storage key of the original, e.g. `originals/<id>.jpg`.
    pub original_path: String,
    /// The name the file had on the uploader's disk (display only; never used as a path).
    pub original_filename: String,
    pub status: AssetStatus,
    pub failure_reason: Option<String>,
    pub kind: AssetKind,
    /// MIME type detected from the content, not the one the client claimed.
    pub mime: String,
    pub size: i64,
    pub checksum: String,
    pub uploaded_by: Option<Uuid>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub metadata: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Backlog order, lower first (see `pipeline::Priority`).
    pub priority: i16,
    pub attempts: i32,
    pub available_at: DateTimeUtc,
    pub dispatched_at: Option<DateTimeUtc>,
    pub processing_by: Option<String>,
    pub processing_started_at: Option<DateTimeUtc>,
    pub processed_at: Option<DateTimeUtc>,
    pub taken_at: Option<DateTimeUtc>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    /// Given by people (editors); empty until then.
    pub title: String,
    pub description: String,
    /// Videos (and audio): how long they play.
    pub duration_ms: Option<i64>,
    /// Set when moved to the trash; such assets are hidden until restored or the trash is emptied.
    pub deleted_at: Option<DateTimeUtc>,
    /// Who moved it to the trash (while it is there).
    pub deleted_by: Option<Uuid>,
    /// Visible tag names, kept by a trigger from `asset_tags` (read-only here). The `search`
    /// tsvector beside it is the database's own and not mapped.
    pub tags: Vec<String>,
    /// Which file version the original is (1 for the first upload; older ones are in `asset_files`).
    pub version: i32,
    /// The id of the request that uploaded it (logs of its processing carry it too).
    pub request_id: Option<String>,
    /// Claims that ended with the worker gone (see `pipeline::state::MAX_INTERRUPTED_CLAIMS`).
    pub interrupted_claims: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::derivative::Entity")]
    Versions,
}

impl Related<super::derivative::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Versions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
