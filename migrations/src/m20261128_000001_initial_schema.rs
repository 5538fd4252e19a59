//! The seed's schema: assets, asset_versions (derivatives), tags, asset_tags, usage_stats, users.
//! Written as SQL because it is Postgres-specific on purpose (jsonb, timestamptz, partial indexes).

crate::sql_migration!("m20261128_000001_initial_schema");

const UP: &str = r#"
CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    display_name  text NOT NULL DEFAULT '',
    role          text NOT NULL DEFAULT 'viewer' CHECK (role IN ('admin', 'editor', 'viewer')),
    password_hash text,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE assets (
    id                uuid PRIMARY KEY,
    original_path     text NOT NULL,
    original_filename text NOT NULL,
    status            text NOT NULL CHECK (status IN ('uploaded', 'processing', 'processed', 'failed')),
    failure_reason    text,
    kind              text NOT NULL CHECK (kind IN ('image', 'video')),
    mime              text NOT NULL,
    size              bigint NOT NULL CHECK (size >= 0),
    checksum          text NOT NULL,
    uploaded_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    width             integer,
    height            integer,
    metadata          jsonb NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assets_newest_idx ON assets (created_at DESC, id DESC);
CREATE INDEX assets_checksum_idx ON assets (checksum);
-- The backlog of work still to do stays small and is scanned often.
CREATE INDEX assets_unsettled_idx ON assets (created_at) WHERE status IN ('uploaded', 'processing');

CREATE TABLE asset_versions (
    id         uuid PRIMARY KEY,
    asset_id   uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('thumbnail', 'preview', 'transcode', 'poster')),
    label      text NOT NULL,
    path       text NOT NULL,
    mime       text NOT NULL,
    width      integer NOT NULL,
    height     integer NOT NULL,
    size       bigint NOT NULL,
    metadata   jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (asset_id, kind, label)
);

CREATE TABLE tags (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tags_name_key ON tags (lower(name));

CREATE TABLE asset_tags (
    asset_id   uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    tag_id     uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    source     text NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'auto')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset_id, tag_id)
);
CREATE INDEX asset_tags_tag_idx ON asset_tags (tag_id);

CREATE TABLE usage_stats (
    asset_id      uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    downloads     bigint NOT NULL DEFAULT 0,
    views         bigint NOT NULL DEFAULT 0,
    last_accessed timestamptz
);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS usage_stats, asset_tags, tags, asset_versions, assets, users;
"#;
