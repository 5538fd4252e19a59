//! How many times processing an asset ended with its worker gone (killed, crashed, out of
//! memory): a file that takes its worker down every time is failed after a few, instead of
//! being handed from worker to worker forever.

crate::sql_migration!("m20261206_000019_interrupted_claims");

const UP: &str = r#"
ALTER TABLE assets ADD COLUMN interrupted_claims integer NOT NULL DEFAULT 0;
"#;

const DOWN: &str = r#"
ALTER TABLE assets DROP COLUMN interrupted_claims;
"#;
