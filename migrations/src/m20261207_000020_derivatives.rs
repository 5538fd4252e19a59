//! The derivatives (thumbnails, previews, transcodes, posters) were kept in a table the seed named
//! `asset_versions`, while a "version" in the product is a file version (`asset_files`). The table
//! and its constraints take the name of what they hold; rows, ids and files stay as they are.
//! During a rolling upgrade, replicas and workers of the previous release still read and write
//! `asset_versions`: until the next release drops it, that name is a view of the new table (a
//! single-table view, so Postgres lets them insert and upsert through it).

crate::sql_migration!("m20261207_000020_derivatives");

const UP: &str = r#"
ALTER TABLE asset_versions RENAME TO derivatives;
ALTER TABLE derivatives RENAME CONSTRAINT asset_versions_pkey TO derivatives_pkey;
ALTER TABLE derivatives RENAME CONSTRAINT asset_versions_asset_id_fkey TO derivatives_asset_id_fkey;
ALTER TABLE derivatives RENAME CONSTRAINT asset_versions_asset_id_kind_label_key TO derivatives_asset_id_kind_label_key;
ALTER TABLE derivatives RENAME CONSTRAINT asset_versions_kind_check TO derivatives_kind_check;
CREATE VIEW asset_versions AS SELECT * FROM derivatives;
"#;

const DOWN: &str = r#"
DROP VIEW IF EXISTS asset_versions;
ALTER TABLE derivatives RENAME CONSTRAINT derivatives_kind_check TO asset_versions_kind_check;
ALTER TABLE derivatives RENAME CONSTRAINT derivatives_asset_id_kind_label_key TO asset_versions_asset_id_kind_label_key;
ALTER TABLE derivatives RENAME CONSTRAINT derivatives_asset_id_fkey TO asset_versions_asset_id_fkey;
ALTER TABLE derivatives RENAME CONSTRAINT derivatives_pkey TO asset_versions_pkey;
ALTER TABLE derivatives RENAME TO asset_versions;
"#;
