//! Share links: a random token that opens one asset or one collection to people without an
//! account, until it expires or is revoked; optionally behind a password and with downloads.

crate::sql_migration!("m20261128_000011_share_links");

const UP: &str = r#"
CREATE TABLE share_links (
    id             uuid PRIMARY KEY,
    token          text NOT NULL UNIQUE,
    asset_id       uuid REFERENCES assets (id) ON DELETE CASCADE,
    collection_id  uuid REFERENCES collections (id) ON DELETE CASCADE,
    created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    password_hash  text,
    allow_download boolean NOT NULL DEFAULT false,
    revoked_at     timestamptz,
    opens          bigint NOT NULL DEFAULT 0,
    last_opened_at timestamptz,
    CHECK ((asset_id IS NULL) <> (collection_id IS NULL))
);
CREATE INDEX share_links_asset_idx ON share_links (asset_id) WHERE asset_id IS NOT NULL;
CREATE INDEX share_links_collection_idx ON share_links (collection_id) WHERE collection_id IS NOT NULL;
"#;

const DOWN: &str = r#"
DROP TABLE share_links;
"#;
