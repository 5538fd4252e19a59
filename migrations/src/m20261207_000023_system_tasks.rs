//! The few tasks that work across workspaces — the pipeline's feeder and reconciler, the usage
//! flush, the queue figures, finding which workspace a job's asset or a share link is in — run as
//! these functions, with the rights of the tables' owner (row-level security does not filter the
//! owner). The application's role can call them and nothing else crosses a workspace; each is
//! listed in docs/WORKSPACES.md. `search_path` is pinned so a caller cannot shadow a table.

crate::sql_migration!("m20261207_000023_system_tasks");

const UP: &str = r#"
CREATE FUNCTION dam_workspaces_of_assets(ids uuid[]) RETURNS TABLE (id uuid, workspace_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT a.id, a.workspace_id FROM assets a WHERE a.id = ANY(ids) $$;

CREATE FUNCTION dam_share_link_workspace(link_token text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT s.workspace_id FROM share_links s WHERE s.token = link_token $$;

-- The feeder: marks up to `room` waiting assets of a kind as dispatched, in priority order.
CREATE FUNCTION dam_dispatch_batch(asset_kind text, room bigint) RETURNS TABLE (id uuid)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    UPDATE assets SET dispatched_at = now()
    WHERE assets.id IN (
        SELECT a.id FROM assets a
        WHERE a.status = 'uploaded' AND a.dispatched_at IS NULL AND a.kind = asset_kind AND a.available_at <= now()
        ORDER BY a.priority, a.created_at
        LIMIT room
        FOR UPDATE SKIP LOCKED)
    RETURNING assets.id
$$;

-- Back to the backlog: pushes that failed, and dispatches Redis lost (`older_than`, of one kind or all).
CREATE FUNCTION dam_undispatch(ids uuid[]) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH done AS (UPDATE assets SET dispatched_at = NULL WHERE id = ANY(ids) AND status = 'uploaded' RETURNING 1)
    SELECT count(*) FROM done
$$;

CREATE FUNCTION dam_release_dispatches(asset_kind text, older_than interval) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH done AS (
        UPDATE assets SET dispatched_at = NULL
        WHERE status = 'uploaded' AND dispatched_at < now() - older_than AND (asset_kind IS NULL OR kind = asset_kind)
        RETURNING 1)
    SELECT count(*) FROM done
$$;

-- The reconciler: claims of workers whose heartbeat stopped go back (or fail after `max_claims`).
CREATE FUNCTION dam_release_from_dead_workers(dead_after float8, max_claims int, reason text, backoffs float8[])
RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH done AS (
        UPDATE assets SET
            status = CASE WHEN interrupted_claims >= max_claims THEN 'failed' ELSE 'uploaded' END,
            failure_reason = CASE WHEN interrupted_claims >= max_claims THEN reason ELSE NULL END,
            available_at = now() + make_interval(secs => backoffs[LEAST(GREATEST(interrupted_claims, 1), max_claims)]),
            dispatched_at = NULL, processing_by = NULL, updated_at = now()
        WHERE status = 'processing'
          AND (processing_by IS NULL OR processing_by NOT IN
               (SELECT w.id FROM workers w WHERE w.heartbeat_at > now() - make_interval(secs => dead_after)))
        RETURNING 1)
    SELECT count(*) FROM done
$$;

-- A worker hands back what it holds: all of it at shutdown, or what it is not running
-- (`in_hand`) after `grace`. An orderly hand-back takes the interruption back.
CREATE FUNCTION dam_release_worker(worker text, in_hand uuid[], grace interval) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH done AS (
        UPDATE assets SET interrupted_claims = GREATEST(interrupted_claims - 1, 0), status = 'uploaded',
            dispatched_at = NULL, processing_by = NULL, updated_at = now()
        WHERE status = 'processing' AND processing_by = worker
          AND (in_hand IS NULL OR (id <> ALL(in_hand) AND processing_started_at < now() - grace))
        RETURNING 1)
    SELECT count(*) FROM done
$$;

-- Queue figures for operators: one indexed count each, as before.
CREATE FUNCTION dam_queue_counts(asset_kind text, window_minutes bigint)
RETURNS TABLE (pending bigint, delayed bigint, failed bigint, completed bigint, recent bigint, median_seconds float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT
    (SELECT count(*) FROM assets WHERE kind = asset_kind AND status = 'uploaded' AND dispatched_at IS NULL),
    (SELECT count(*) FROM assets WHERE kind = asset_kind AND status = 'uploaded' AND dispatched_at IS NULL AND available_at > now()),
    (SELECT count(*) FROM assets WHERE kind = asset_kind AND status = 'failed'),
    (SELECT count(*) FROM assets WHERE kind = asset_kind AND status = 'processed' AND processed_at > now() - interval '24 hours'),
    (SELECT count(*) FROM assets WHERE kind = asset_kind AND status = 'processed' AND processed_at > now() - window_minutes * interval '1 minute'),
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - processing_started_at)::float8)
       FROM assets WHERE kind = asset_kind AND status = 'processed' AND processed_at > now() - interval '1 hour')
$$;

CREATE FUNCTION dam_busy_assets() RETURNS TABLE (id uuid, processing_by text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT a.id, a.processing_by FROM assets a WHERE a.status = 'processing' AND a.processing_by IS NOT NULL $$;

-- What the installation holds, for /metrics.
CREATE FUNCTION dam_holdings() RETURNS TABLE (kind text, assets bigint, bytes bigint, original_bytes bigint, derivative_bytes bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT k.kind, k.assets, k.bytes,
        ((SELECT COALESCE(sum(size), 0) FROM assets) + (SELECT COALESCE(sum(size), 0) FROM asset_files))::bigint,
        (SELECT COALESCE(sum(size), 0) FROM derivatives)::bigint
    FROM (SELECT kind, count(*) AS assets, COALESCE(sum(size), 0)::bigint AS bytes FROM assets
          WHERE deleted_at IS NULL GROUP BY kind) k
$$;

-- The usage flush: per-day rows and all-time totals, each in its asset's workspace; counts for
-- assets deleted meanwhile are dropped. Returns the per-day rows written.
CREATE FUNCTION dam_add_usage(ids uuid[], days date[], views bigint[], downloads bigint[]) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH incoming AS (
        SELECT i.asset_id, a.workspace_id, i.day, i.views, i.downloads
        FROM unnest(ids, days, views, downloads) AS i (asset_id, day, views, downloads)
        JOIN assets a ON a.id = i.asset_id
    ), daily AS (
        INSERT INTO usage_daily (asset_id, workspace_id, day, views, downloads)
        SELECT asset_id, workspace_id, day, views, downloads FROM incoming
        ON CONFLICT (asset_id, day) DO UPDATE
           SET views = usage_daily.views + EXCLUDED.views, downloads = usage_daily.downloads + EXCLUDED.downloads
        RETURNING 1
    ), totals AS (
        INSERT INTO usage_stats (asset_id, workspace_id, views, downloads, last_accessed)
        SELECT asset_id, workspace_id, sum(views), sum(downloads), now() FROM incoming GROUP BY asset_id, workspace_id
        ON CONFLICT (asset_id) DO UPDATE
           SET views = usage_stats.views + EXCLUDED.views, downloads = usage_stats.downloads + EXCLUDED.downloads,
               last_accessed = EXCLUDED.last_accessed
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM daily) + 0 * (SELECT count(*) FROM totals)
$$;

-- The application's role may call these and nothing more than its grants allow elsewhere.
REVOKE ALL ON FUNCTION dam_workspaces_of_assets(uuid[]), dam_share_link_workspace(text),
    dam_dispatch_batch(text, bigint), dam_undispatch(uuid[]), dam_release_dispatches(text, interval),
    dam_release_from_dead_workers(float8, int, text, float8[]), dam_release_worker(text, uuid[], interval),
    dam_queue_counts(text, bigint), dam_busy_assets(), dam_holdings(), dam_add_usage(uuid[], date[], bigint[], bigint[])
    FROM PUBLIC;
"#;

const DOWN: &str = r#"
DROP FUNCTION dam_workspaces_of_assets(uuid[]), dam_share_link_workspace(text),
    dam_dispatch_batch(text, bigint), dam_undispatch(uuid[]), dam_release_dispatches(text, interval),
    dam_release_from_dead_workers(float8, int, text, float8[]), dam_release_worker(text, uuid[], interval),
    dam_queue_counts(text, bigint), dam_busy_assets(), dam_holdings(), dam_add_usage(uuid[], date[], bigint[], bigint[]);
"#;
