//! How many jobs each live worker may run at once, per queue (`slots`, in the order of `queues`):
//! a worker sizing its concurrency to the backlog reports it with every heartbeat.

crate::sql_migration!("m20261128_000017_worker_slots");

const UP: &str = r#"
ALTER TABLE workers ADD COLUMN slots integer[] NOT NULL DEFAULT '{}';
"#;

const DOWN: &str = r#"
ALTER TABLE workers DROP COLUMN slots;
"#;
