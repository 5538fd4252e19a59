use sea_orm::entity::prelude::*;

use crate::policy::Role;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Argon2id PHC string; `None` for people who only sign in through SSO.
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub oidc_subject: Option<String>,
    pub last_login_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    /// Runs the installation: makes workspaces, sets quotas, sees queues, workers and metrics.
    pub operator: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
