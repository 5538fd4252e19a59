//! The library: titles and descriptions, a trash, video durations, and search.
//!
//! `asset_tags` stays the truth about tags (who added them: a person or processing); triggers copy
//! each asset's visible tag names into `assets.tags` (for fast "has all of these tags" filters and
//! tag facets) and keep `assets.search` (full text over name, title, tags, description and the
//! file's own descriptive metadata) current whatever code path changes them.

crate::sql_migration!("m20261128_000009_library");

const UP: &str = r#"
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE assets
    ADD COLUMN title       text NOT NULL DEFAULT '',
    ADD COLUMN description text NOT NULL DEFAULT '',
    ADD COLUMN duration_ms bigint,
    ADD COLUMN deleted_at  timestamptz,
    ADD COLUMN tags        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN search      tsvector;

-- An auto-tag a person removed: kept (hidden) so processing the asset again does not bring it back.
ALTER TABLE asset_tags ADD COLUMN removed boolean NOT NULL DEFAULT false;

-- Words of a file name: "Sunset_Beach-2024.jpg" → "Sunset Beach 2024 jpg".
CREATE FUNCTION dam_name_words(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT regexp_replace(name, '[^[:alnum:]]+', ' ', 'g') $$;

CREATE FUNCTION dam_assets_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search :=
        setweight(to_tsvector('simple', dam_name_words(NEW.original_filename)), 'A') ||
        setweight(to_tsvector('simple', NEW.title), 'A') ||
        setweight(to_tsvector('simple', array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(to_tsvector('simple', NEW.description), 'C') ||
        setweight(to_tsvector('simple', concat_ws(' ',
            NEW.camera_make, NEW.camera_model,
            NEW.metadata #>> '{photo,title}', NEW.metadata #>> '{photo,caption}',
            NEW.metadata #>> '{photo,creator}', NEW.metadata #>> '{document,title}',
            NEW.metadata #>> '{document,author}')), 'D');
    RETURN NEW;
END $$;

CREATE TRIGGER assets_search BEFORE INSERT OR UPDATE OF original_filename, title, description, tags, metadata, camera_make, camera_model
    ON assets FOR EACH ROW EXECUTE FUNCTION dam_assets_search();

CREATE FUNCTION dam_asset_tags_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.asset_id ELSE NEW.asset_id END;
BEGIN
    UPDATE assets SET tags = coalesce((
        SELECT array_agg(t.name ORDER BY t.name)
        FROM asset_tags at JOIN tags t ON t.id = at.tag_id
        WHERE at.asset_id = changed AND NOT at.removed), '{}')
    WHERE id = changed;
    RETURN NULL;
END $$;

CREATE TRIGGER asset_tags_changed AFTER INSERT OR UPDATE OR DELETE ON asset_tags
    FOR EACH ROW EXECUTE FUNCTION dam_asset_tags_changed();

UPDATE assets SET title = title;

CREATE INDEX assets_search_idx ON assets USING gin (search) WHERE deleted_at IS NULL;
CREATE INDEX assets_name_trgm_idx ON assets USING gin (lower(original_filename) gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX assets_tags_idx ON assets USING gin (tags) WHERE deleted_at IS NULL;
CREATE INDEX assets_name_idx ON assets (lower(original_filename), id) WHERE deleted_at IS NULL;
CREATE INDEX assets_size_idx ON assets (size DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX assets_taken_idx ON assets (taken_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX assets_trash_idx ON assets (deleted_at DESC) WHERE deleted_at IS NOT NULL;
CREATE INDEX tags_name_trgm_idx ON tags USING gin (name gin_trgm_ops);
"#;

const DOWN: &str = r#"
DROP TRIGGER asset_tags_changed ON asset_tags;
DROP TRIGGER assets_search ON assets;
DROP FUNCTION dam_asset_tags_changed(), dam_assets_search(), dam_name_words(text);
DROP INDEX tags_name_trgm_idx;
ALTER TABLE asset_tags DROP COLUMN removed;
ALTER TABLE assets DROP COLUMN title, DROP COLUMN description, DROP COLUMN duration_ms, DROP COLUMN deleted_at, DROP COLUMN tags, DROP COLUMN search;
"#;
