use sea_orm::entity::prelude::*;

use crate::dto::DerivativeKind;

/// A derivative made from an asset's original (thumbnail, preview, transcode, poster).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "derivatives")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub asset_id: Uuid,
    pub kind: DerivativeKind,
    /// Distinguishes derivatives of one kind, e.g. `320` or `1080p`; unique with asset and kind.
    pub label: String,
    pub path: String,
    pub mime: String,
    pub width: i32,
    pub height: i32,
    pub size: i64,
    pub metadata: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::asset::Entity",
        from = "Column::AssetId",
        to = "super::asset::Column::Id",
        on_delete = "Cascade"
    )]
    Asset,
}

impl Related<super::asset::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Asset.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
