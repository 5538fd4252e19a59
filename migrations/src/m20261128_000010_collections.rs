//! Collections: named sets of assets people put together (a campaign, a press kit). An asset can
//! be in many; deleting a collection never deletes its assets.

crate::sql_migration!("m20261128_000010_collections");

const UP: &str = r#"
CREATE TABLE collections (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX collections_name_key ON collections (lower(name));

CREATE TABLE collection_assets (
    collection_id uuid NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    asset_id      uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    added_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, asset_id)
);
CREATE INDEX collection_assets_asset_idx ON collection_assets (asset_id);
"#;

const DOWN: &str = r#"
DROP TABLE collection_assets, collections;
"#;
