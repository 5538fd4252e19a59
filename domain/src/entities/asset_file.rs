use sea_orm::entity::prelude::*;

/// An earlier original of an asset, kept when a new file version replaced it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "asset_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub asset_id: Uuid,
    pub version: i32,
    pub path: String,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub checksum: String,
    pub uploaded_by: Option<Uuid>,
    pub uploaded_at: DateTimeUtc,
    /// Who uploaded the version that replaced this one.
    pub replaced_by: Option<Uuid>,
    pub replaced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
