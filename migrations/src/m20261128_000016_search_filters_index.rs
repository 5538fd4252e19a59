//! One search index for the words and the filters people combine with them: kind, tags, shape,
//! resolutions reached, duration class, and the months uploaded and taken (date ranges narrow to
//! their months here; the exact days are checked on the rows). With the filters in the same GIN
//! index as the words, the index hands over only the assets that match everything, so counting
//! the matches of "harbour, videos, 1080p and up" reads those rows, not every asset with
//! "harbour" in it.
//! `btree_gin` lets GIN hold plain values; the expressions must stay exactly as the search
//! writes them (domain::library::search). `tsm_system_rows` samples a fixed number of rows, which
//! tells the search whether counting its matches exactly is worth it.

crate::sql_migration!("m20261128_000016_search_filters_index");

const UP: &str = r#"
CREATE EXTENSION IF NOT EXISTS btree_gin;
-- Block samples of a fixed number of rows (TABLESAMPLE SYSTEM_ROWS): how broad a search is.
CREATE EXTENSION IF NOT EXISTS tsm_system_rows;
CREATE INDEX assets_search_filters_idx ON assets USING gin (
    search, kind, tags,
    sign(width - height),
    array_remove(ARRAY[CASE WHEN least(width, height) >= 720 THEN 720 END,
        CASE WHEN least(width, height) >= 1080 THEN 1080 END, CASE WHEN least(width, height) >= 2160 THEN 2160 END], NULL),
    width_bucket(duration_ms, ARRAY[30000, 300001]),
    date_trunc('month', created_at AT TIME ZONE 'UTC'),
    date_trunc('month', taken_at AT TIME ZONE 'UTC')
) WHERE deleted_at IS NULL;
DROP INDEX assets_search_idx, assets_tags_idx;
-- The planner ignores a partial index's expression statistics; without these it guesses 1 % for
-- each filter and picks plans that read every match to show the newest 50.
CREATE STATISTICS assets_shape_stats ON (sign(width - height)) FROM assets;
CREATE STATISTICS assets_resolutions_stats ON (array_remove(ARRAY[CASE WHEN least(width, height) >= 720 THEN 720 END,
    CASE WHEN least(width, height) >= 1080 THEN 1080 END, CASE WHEN least(width, height) >= 2160 THEN 2160 END], NULL)) FROM assets;
CREATE STATISTICS assets_duration_class_stats ON (width_bucket(duration_ms, ARRAY[30000, 300001])) FROM assets;
CREATE STATISTICS assets_uploaded_month_stats ON (date_trunc('month', created_at AT TIME ZONE 'UTC')) FROM assets;
CREATE STATISTICS assets_taken_month_stats ON (date_trunc('month', taken_at AT TIME ZONE 'UTC')) FROM assets;
ANALYZE assets;
"#;

const DOWN: &str = r#"
DROP STATISTICS assets_shape_stats, assets_resolutions_stats, assets_duration_class_stats, assets_uploaded_month_stats, assets_taken_month_stats;
CREATE INDEX assets_search_idx ON assets USING gin (search) WHERE deleted_at IS NULL;
CREATE INDEX assets_tags_idx ON assets USING gin (tags) WHERE deleted_at IS NULL;
DROP INDEX assets_search_filters_idx;
"#;
