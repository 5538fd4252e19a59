//! Photo metadata that the library filters and sorts on gets typed columns; the rest stays in
//! `assets.metadata` (JSON).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000004_photo_metadata"
    }
}

const UP: &str = r#"
ALTER TABLE assets
    ADD COLUMN taken_at     timestamptz,
    ADD COLUMN camera_make  text,
    ADD COLUMN camera_model text;
CREATE INDEX assets_taken_at_idx ON assets (taken_at) WHERE taken_at IS NOT NULL;
"#;

const DOWN: &str = r#"
ALTER TABLE assets DROP COLUMN taken_at, DROP COLUMN camera_make, DROP COLUMN camera_model;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_sql(manager, DOWN).await
    }
}
