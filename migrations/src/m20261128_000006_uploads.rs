//! Resumable (tus) uploads in progress. The bytes received so far sit in storage's staging area;
//! this row is the truth about how many there are, so any server replica can continue an upload.

crate::sql_migration!("m20261128_000006_uploads");

const UP: &str = r#"
CREATE TABLE uploads (
    id          uuid PRIMARY KEY,
    created_by  uuid REFERENCES users(id) ON DELETE CASCADE,
    filename    text NOT NULL,
    length      bigint NOT NULL CHECK (length > 0),
    received    bigint NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= length),
    -- The client's Upload-Metadata header, returned as given on HEAD.
    metadata    text NOT NULL DEFAULT '',
    priority    smallint NOT NULL DEFAULT 0,
    -- Decided from the first bytes, once they arrive.
    mime        text,
    kind        text,
    extension   text,
    -- Set when complete: the new asset, or the existing one with the same content.
    asset_id    uuid REFERENCES assets(id) ON DELETE SET NULL,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_expires_idx ON uploads (expires_at) WHERE asset_id IS NULL;
"#;

const DOWN: &str = r#"
DROP TABLE uploads;
"#;
