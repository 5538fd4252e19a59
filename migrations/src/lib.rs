//! Database schema, applied automatically at start-up by server and worker (idempotent).

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_initial_schema;
mod m20261128_000002_accounts;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261128_000001_initial_schema::Migration), Box::new(m20261128_000002_accounts::Migration)]
    }
}
