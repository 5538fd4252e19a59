use sea_orm::entity::prelude::*;

/// A link that opens one asset or one collection to anyone holding its token.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "share_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The secret part of the link (256 random bits); shown to its makers again, like a share URL.
    pub token: String,
    pub asset_id: Option<Uuid>,
    pub collection_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Argon2 PHC string, when visitors must type a password.
    pub password_hash: Option<String>,
    pub allow_download: bool,
    pub revoked_at: Option<DateTimeUtc>,
    pub opens: i64,
    pub last_opened_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
