use sea_orm::entity::prelude::*;

/// A running worker process, kept alive by its heartbeat.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "workers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub host: String,
    pub queues: Vec<String>,
    pub started_at: DateTimeUtc,
    pub heartbeat_at: DateTimeUtc,
    /// Jobs it may run at once, per queue, in the order of `queues`.
    pub slots: Vec<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
