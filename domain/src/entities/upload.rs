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
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
