//! The search index leads with the workspace. Under row-level security every search carries
//! `workspace_id = …` (the policy); in the index, GIN intersects it with the words and filters, so
//! a small workspace's search reads its own matches, not every workspace's (a p95 of 49 ms became
//! 22 ms on a workspace of 11 000 among 1 000 000 assets, docs/BENCHMARKS.md). The expressions
//! must stay exactly as the search writes them (see m20261128_000016).

crate::sql_migration!("m20261207_000024_search_index_workspace");

const UP: &str = r#"
CREATE INDEX assets_search_filters_ws_idx ON assets USING gin (
    workspace_id, search, kind, tags,
    sign(width - height),
    array_remove(ARRAY[CASE WHEN least(width, height) >= 720 THEN 720 END,
        CASE WHEN least(width, height) >= 1080 THEN 1080 END, CASE WHEN least(width, height) >= 2160 THEN 2160 END], NULL),
    width_bucket(duration_ms, ARRAY[30000, 300001]),
    date_trunc('month', created_at AT TIME ZONE 'UTC'),
    date_trunc('month', taken_at AT TIME ZONE 'UTC')
) WHERE deleted_at IS NULL;
DROP INDEX assets_search_filters_idx;
ANALYZE assets;
"#;

const DOWN: &str = r#"
CREATE INDEX assets_search_filters_idx ON assets USING gin (
    search, kind, tags,
    sign(width - height),
    array_remove(ARRAY[CASE WHEN least(width, height) >= 720 THEN 720 END,
        CASE WHEN least(width, height) >= 1080 THEN 1080 END, CASE WHEN least(width, height) >= 2160 THEN 2160 END], NULL),
    width_bucket(duration_ms, ARRAY[30000, 300001]),
    date_trunc('month', created_at AT TIME ZONE 'UTC'),
    date_trunc('month', taken_at AT TIME ZONE 'UTC')
) WHERE deleted_at IS NULL;
DROP INDEX assets_search_filters_ws_idx;
"#;
