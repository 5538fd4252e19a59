//! The durable processing backlog (Postgres is the source of truth; Redis only holds a few
//! dispatched jobs), the registry of live workers, and status-change notifications for live views.

crate::sql_migration!("m20261128_000003_pipeline");

const UP: &str = r#"
ALTER TABLE assets
    -- Lower runs first: 0 interactive upload, 3 retry, 5 bulk import, 10 bulk reprocessing.
    ADD COLUMN priority              smallint NOT NULL DEFAULT 0,
    ADD COLUMN attempts              integer NOT NULL DEFAULT 0,
    -- Not before this time (retry back-off).
    ADD COLUMN available_at          timestamptz NOT NULL DEFAULT now(),
    -- Set when the feeder pushed the job to Redis; cleared when the job must be fed again.
    ADD COLUMN dispatched_at         timestamptz,
    ADD COLUMN processing_by         text,
    ADD COLUMN processing_started_at timestamptz,
    ADD COLUMN processed_at          timestamptz;
DROP INDEX assets_unsettled_idx;
CREATE INDEX assets_backlog_idx ON assets (kind, priority, created_at) WHERE status = 'uploaded' AND dispatched_at IS NULL;
CREATE INDEX assets_in_flight_idx ON assets (kind, status) WHERE status IN ('uploaded', 'processing');

CREATE TABLE workers (
    id           text PRIMARY KEY,
    host         text NOT NULL,
    queues       text[] NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION notify_asset_status() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('asset_status', json_build_object('id', NEW.id, 'status', NEW.status)::text);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER assets_status_notify AFTER INSERT OR UPDATE OF status ON assets
    FOR EACH ROW EXECUTE FUNCTION notify_asset_status();
"#;

const DOWN: &str = r#"
DROP TRIGGER IF EXISTS assets_status_notify ON assets;
DROP FUNCTION IF EXISTS notify_asset_status();
DROP TABLE IF EXISTS workers;
DROP INDEX IF EXISTS assets_backlog_idx, assets_in_flight_idx;
ALTER TABLE assets DROP COLUMN priority, DROP COLUMN attempts, DROP COLUMN available_at, DROP COLUMN dispatched_at,
    DROP COLUMN processing_by, DROP COLUMN processing_started_at, DROP COLUMN processed_at;
CREATE INDEX assets_unsettled_idx ON assets (created_at) WHERE status IN ('uploaded', 'processing');
"#;
