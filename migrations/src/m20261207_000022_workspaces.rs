//! Workspaces: tenants on one installation. Every row a workspace owns carries its `workspace_id`,
//! filled from the transaction's `dam.workspace` setting (so an insert cannot forget it) and read
//! back only inside that workspace: row-level security, which the application's role (it owns no
//! table) cannot bypass. People belong to workspaces through memberships, with a role in each;
//! operators run the installation. An existing installation becomes the workspace "Default".

crate::sql_migration!("m20261207_000022_workspaces");

const UP: &str = r#"
CREATE TABLE workspaces (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name         text NOT NULL,
    quota_bytes  bigint CHECK (quota_bytes >= 0),
    quota_assets bigint CHECK (quota_assets >= 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO workspaces (slug, name) VALUES ('default', 'Default');

CREATE TABLE memberships (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);
INSERT INTO memberships (workspace_id, user_id, role, created_at)
    SELECT (SELECT id FROM workspaces WHERE slug = 'default'), id, role, created_at FROM users;

-- Today's admins run the installation: they keep the queues, workers and metrics they see now.
ALTER TABLE users ADD COLUMN operator boolean NOT NULL DEFAULT false;
UPDATE users SET operator = true WHERE role = 'admin';

-- The workspace the current transaction works in (`SET LOCAL`-style, see domain::db), or NULL.
CREATE FUNCTION dam_workspace() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('dam.workspace', true), '')::uuid $$;

-- The previous release's name for `derivatives`. A view is read with its owner's rights, which
-- would step around row-level security.
DROP VIEW IF EXISTS asset_versions;

DO $$
DECLARE
    default_id uuid := (SELECT id FROM workspaces WHERE slug = 'default');
    owned text;
BEGIN
    FOREACH owned IN ARRAY ARRAY['assets', 'asset_files', 'derivatives', 'asset_tags', 'tags', 'collections',
        'collection_assets', 'share_links', 'usage_daily', 'usage_stats', 'uploads', 'search_words', 'api_tokens']
    LOOP
        -- Existing rows are the Default workspace's (a constant default fills them without a rewrite).
        EXECUTE format('ALTER TABLE %I ADD COLUMN workspace_id uuid NOT NULL DEFAULT %L REFERENCES workspaces (id)',
            owned, default_id);
        EXECUTE format('ALTER TABLE %I ALTER COLUMN workspace_id SET DEFAULT dam_workspace()', owned);
    END LOOP;
    -- Entries about the installation (signing in, people) belong to no workspace.
    ALTER TABLE audit_log ADD COLUMN workspace_id uuid REFERENCES workspaces (id);
    UPDATE audit_log SET workspace_id = default_id WHERE target_type IS DISTINCT FROM 'user';
    ALTER TABLE audit_log ALTER COLUMN workspace_id SET DEFAULT dam_workspace();

    -- api_tokens is read before a workspace is known (the token names it), like sessions; it
    -- carries its workspace but is not filtered by it.
    FOREACH owned IN ARRAY ARRAY['assets', 'asset_files', 'derivatives', 'asset_tags', 'tags', 'collections',
        'collection_assets', 'share_links', 'usage_daily', 'usage_stats', 'uploads', 'search_words']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', owned);
        EXECUTE format('CREATE POLICY workspace_rows ON %I USING (workspace_id = dam_workspace()) '
            'WITH CHECK (workspace_id = dam_workspace())', owned);
    END LOOP;
    -- The installation's own entries (signing in, people) are read in every workspace for now.
    ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
    CREATE POLICY workspace_rows ON audit_log USING (workspace_id IS NULL OR workspace_id = dam_workspace())
        WITH CHECK (workspace_id IS NOT DISTINCT FROM dam_workspace());
END $$;

-- Names are unique within a workspace, not across them.
DROP INDEX tags_name_key;
CREATE UNIQUE INDEX tags_name_key ON tags (workspace_id, lower(name));
DROP INDEX collections_name_key;
CREATE UNIQUE INDEX collections_name_key ON collections (workspace_id, lower(name));
CREATE INDEX assets_workspace_newest_idx ON assets (workspace_id, created_at DESC, id DESC);
CREATE INDEX assets_workspace_checksum_idx ON assets (workspace_id, checksum);
CREATE INDEX api_tokens_workspace_idx ON api_tokens (workspace_id);

-- Spelling suggestions come from the workspace's own words.
ALTER TABLE search_words DROP CONSTRAINT search_words_pkey;
ALTER TABLE search_words ADD PRIMARY KEY (workspace_id, word);
CREATE OR REPLACE FUNCTION dam_collect_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.search IS NOT DISTINCT FROM NEW.search THEN
        RETURN NULL;
    END IF;
    -- In word order, so concurrent inserts of the same new words cannot deadlock.
    INSERT INTO search_words (workspace_id, word) SELECT NEW.workspace_id, dam_words_of(NEW.search)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

-- Live events name the workspace, so a listener passes on only its own workspace's.
CREATE OR REPLACE FUNCTION notify_asset_status() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('asset_status',
        json_build_object('id', NEW.id, 'status', NEW.status, 'workspace', NEW.workspace_id)::text);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"#;

const DOWN: &str = r#"
CREATE OR REPLACE FUNCTION notify_asset_status() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('asset_status', json_build_object('id', NEW.id, 'status', NEW.status)::text);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION dam_collect_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.search IS NOT DISTINCT FROM NEW.search THEN
        RETURN NULL;
    END IF;
    INSERT INTO search_words (word) SELECT dam_words_of(NEW.search) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
ALTER TABLE search_words DROP CONSTRAINT search_words_pkey;
DELETE FROM search_words a USING search_words b WHERE a.word = b.word AND a.ctid > b.ctid;
ALTER TABLE search_words ADD PRIMARY KEY (word);
DROP INDEX tags_name_key;
CREATE UNIQUE INDEX tags_name_key ON tags (lower(name));
DROP INDEX collections_name_key;
CREATE UNIQUE INDEX collections_name_key ON collections (lower(name));
DO $$
DECLARE owned text;
BEGIN
    FOREACH owned IN ARRAY ARRAY['assets', 'asset_files', 'derivatives', 'asset_tags', 'tags', 'collections',
        'collection_assets', 'share_links', 'usage_daily', 'usage_stats', 'uploads', 'search_words', 'audit_log']
    LOOP
        EXECUTE format('DROP POLICY IF EXISTS workspace_rows ON %I', owned);
        EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', owned);
    END LOOP;
    FOREACH owned IN ARRAY ARRAY['assets', 'asset_files', 'derivatives', 'asset_tags', 'tags', 'collections',
        'collection_assets', 'share_links', 'usage_daily', 'usage_stats', 'uploads', 'search_words', 'api_tokens',
        'audit_log']
    LOOP
        EXECUTE format('ALTER TABLE %I DROP COLUMN workspace_id', owned);
    END LOOP;
END $$;
CREATE VIEW asset_versions AS SELECT * FROM derivatives;
DROP FUNCTION dam_workspace();
ALTER TABLE users DROP COLUMN operator;
DROP TABLE memberships;
DROP TABLE workspaces;
"#;
