//! Views and downloads per asset per day. Requests count in Redis; a flush adds the counts here
//! (and to the seed's all-time `usage_stats`), so the dashboard reads days without scanning logs.

crate::sql_migration!("m20261128_000012_usage_daily");

const UP: &str = r#"
CREATE TABLE usage_daily (
    asset_id  uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    day       date NOT NULL,
    views     bigint NOT NULL DEFAULT 0,
    downloads bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (asset_id, day)
);
CREATE INDEX usage_daily_day_idx ON usage_daily (day);
"#;

const DOWN: &str = r#"
DROP TABLE usage_daily;
"#;
