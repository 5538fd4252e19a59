//! The id of the request that uploaded an asset, so the worker's log lines for its job carry the
//! same id as the upload's (one id follows the asset from the browser to its renditions).

crate::sql_migration!("m20261128_000018_asset_request_id");

const UP: &str = r#"
ALTER TABLE assets ADD COLUMN request_id text;
"#;

const DOWN: &str = r#"
ALTER TABLE assets DROP COLUMN request_id;
"#;
