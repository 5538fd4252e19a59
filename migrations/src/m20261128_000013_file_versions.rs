//! File versions: an asset's earlier originals, kept when a new file replaces the current one
//! (which stays in `assets`). `asset_versions` keeps holding derivatives, as in the seed.

crate::sql_migration!("m20261128_000013_file_versions");

const UP: &str = r#"
ALTER TABLE assets ADD COLUMN version integer NOT NULL DEFAULT 1;

CREATE TABLE asset_files (
    id          uuid PRIMARY KEY,
    asset_id    uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    version     integer NOT NULL,
    path        text NOT NULL,
    filename    text NOT NULL,
    mime        text NOT NULL,
    size        bigint NOT NULL,
    checksum    text NOT NULL,
    uploaded_by uuid REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at timestamptz NOT NULL,
    -- Who uploaded the version that replaced this one, and when (so the current version's
    -- uploader is the latest row's replaced_by).
    replaced_by uuid REFERENCES users (id) ON DELETE SET NULL,
    replaced_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (asset_id, version)
);
CREATE INDEX asset_files_path_idx ON asset_files (path);
"#;

const DOWN: &str = r#"
DROP TABLE asset_files;
ALTER TABLE assets DROP COLUMN version;
"#;
