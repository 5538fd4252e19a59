use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "asset_tags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_id: Uuid,
    /// `auto` for tags made by processing, `user` for tags a person added.
    pub source: String,
    /// An auto-tag a person removed (kept hidden so processing again does not restore it).
    pub removed: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
