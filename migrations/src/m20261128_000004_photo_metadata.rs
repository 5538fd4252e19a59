//! Photo metadata that the library filters and sorts on gets typed columns; the rest stays in
//! `assets.metadata` (JSON).

crate::sql_migration!("m20261128_000004_photo_metadata");

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
