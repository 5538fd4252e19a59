//! The queue report's counts (failed; processed recently, and how long that took) from small
//! partial indexes instead of reading every asset of a kind.

crate::sql_migration!("m20261128_000015_queue_indexes");

const UP: &str = r#"
CREATE INDEX assets_failed_idx ON assets (kind) WHERE status = 'failed';
CREATE INDEX assets_processed_idx ON assets (kind, processed_at) WHERE status = 'processed';
"#;

const DOWN: &str = r#"
DROP INDEX assets_failed_idx, assets_processed_idx;
"#;
