use sea_orm::entity::prelude::*;

use crate::dto::AssetKind;

/// A resumable upload in progress (tus); see the `uploads` migration.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_by: Option<Uuid>,
    pub filename: String,
    pub length: i64,
    pub received: i64,
    pub metadata: String,
    pub priority: i16,
    pub mime: Option<String>,
    pub kind: Option<AssetKind>,
    pub extension: Option<String>,
    pub asset_id: Option<Uuid>,
    /// SHA-256 state after `received` bytes (sha2's serialized state).
    pub hash_state: Option<Vec<u8>>,
    /// The id the asset gets; its original's key is fixed with it once the type is known.
    pub original_id: Option<Uuid>,
    /// S3 only: the multipart upload receiving the parts, their ETags in order, and the bytes
    /// after the last whole part.
    pub multipart_id: Option<String>,
    pub parts: Vec<String>,
    pub tail: Option<Vec<u8>>,
    /// Sent by the browser straight to S3 with a presigned PUT (see `uploads::direct`).
    pub direct: bool,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl Model {
    /// Where the finished file goes, once the type (and so the extension) is known.
    pub fn original_key(&self) -> Option<String> {
        Some(crate::storage::original_key(self.original_id?, self.extension.as_deref()?))
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
