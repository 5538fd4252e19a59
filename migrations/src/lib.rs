//! Database schema, applied automatically at start-up by server and worker (idempotent).

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_initial_schema;
mod m20261128_000002_accounts;
mod m20261128_000003_pipeline;
mod m20261128_000004_photo_metadata;
mod m20261128_000005_documents;
mod m20261128_000006_uploads;
mod m20261128_000007_signing_key;
mod m20261128_000008_upload_staging;
mod m20261128_000009_library;
mod m20261128_000010_collections;
mod m20261128_000011_share_links;
mod m20261128_000012_usage_daily;
mod m20261128_000013_file_versions;
mod m20261128_000014_search_words;
mod m20261128_000015_queue_indexes;
mod m20261128_000016_search_filters_index;
mod m20261128_000017_worker_slots;
mod m20261128_000018_asset_request_id;
mod m20261206_000019_interrupted_claims;
mod m20261207_000020_derivatives;
mod m20261207_000021_deleted_by;
mod m20261207_000022_workspaces;
mod m20261207_000023_system_tasks;
mod m20261207_000024_search_index_workspace;

pub struct Migrator;

/// A migration made of two SQL scripts, `UP` and `DOWN`, defined beside the macro call.
macro_rules! sql_migration {
    ($name:literal) => {
        pub struct Migration;

        impl sea_orm_migration::MigrationName for Migration {
            fn name(&self) -> &str {
                $name
            }
        }

        #[$crate::async_trait::async_trait]
        impl sea_orm_migration::MigrationTrait for Migration {
            async fn up(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), sea_orm_migration::DbErr> {
                crate::run_sql(manager, UP).await
            }

            async fn down(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), sea_orm_migration::DbErr> {
                crate::run_sql(manager, DOWN).await
            }
        }
    };
}
pub(crate) use sql_migration;

/// Runs one migration's SQL script (the migrations are plain Postgres SQL on purpose).
pub(crate) async fn run_sql(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager.get_connection().execute_unprepared(sql).await.map(|_| ())
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_initial_schema::Migration),
            Box::new(m20261128_000002_accounts::Migration),
            Box::new(m20261128_000003_pipeline::Migration),
            Box::new(m20261128_000004_photo_metadata::Migration),
            Box::new(m20261128_000005_documents::Migration),
            Box::new(m20261128_000006_uploads::Migration),
            Box::new(m20261128_000007_signing_key::Migration),
            Box::new(m20261128_000008_upload_staging::Migration),
            Box::new(m20261128_000009_library::Migration),
            Box::new(m20261128_000010_collections::Migration),
            Box::new(m20261128_000011_share_links::Migration),
            Box::new(m20261128_000012_usage_daily::Migration),
            Box::new(m20261128_000013_file_versions::Migration),
            Box::new(m20261128_000014_search_words::Migration),
            Box::new(m20261128_000015_queue_indexes::Migration),
            Box::new(m20261128_000016_search_filters_index::Migration),
            Box::new(m20261128_000017_worker_slots::Migration),
            Box::new(m20261128_000018_asset_request_id::Migration),
            Box::new(m20261206_000019_interrupted_claims::Migration),
            Box::new(m20261207_000020_derivatives::Migration),
            Box::new(m20261207_000021_deleted_by::Migration),
            Box::new(m20261207_000022_workspaces::Migration),
            Box::new(m20261207_000023_system_tasks::Migration),
            Box::new(m20261207_000024_search_index_workspace::Migration),
        ]
    }
}
