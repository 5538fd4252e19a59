//! "Did you mean": every word the search can find (from names, titles, tags, descriptions and
//! metadata), so a misspelt word is corrected against this small table of distinct words rather
//! than compared with every asset's name. Kept by a trigger; words are never removed (a stale
//! correction simply matches nothing).

crate::sql_migration!("m20261128_000014_search_words");

const UP: &str = r#"
CREATE TABLE search_words (word text PRIMARY KEY);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);
-- "Does any known word start with what is being typed?"
CREATE INDEX search_words_prefix_idx ON search_words (word text_pattern_ops);

-- Long enough to be worth correcting; numbers are not spelt.
CREATE FUNCTION dam_words_of(search tsvector) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT w FROM unnest(tsvector_to_array(search)) w WHERE length(w) >= 4 AND w !~ '^[0-9]+$' ORDER BY w $$;

CREATE FUNCTION dam_collect_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.search IS NOT DISTINCT FROM NEW.search THEN
        RETURN NULL;
    END IF;
    -- In word order, so concurrent inserts of the same new words cannot deadlock.
    INSERT INTO search_words (word) SELECT dam_words_of(NEW.search) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER assets_search_words AFTER INSERT OR UPDATE ON assets
    FOR EACH ROW EXECUTE FUNCTION dam_collect_search_words();

INSERT INTO search_words (word) SELECT DISTINCT dam_words_of(search) FROM assets ON CONFLICT DO NOTHING;

-- Typos were matched against every name with this index; the words table replaces it.
DROP INDEX IF EXISTS assets_name_trgm_idx;
"#;

const DOWN: &str = r#"
DROP TRIGGER assets_search_words ON assets;
DROP FUNCTION dam_collect_search_words(), dam_words_of(tsvector);
DROP TABLE search_words;
CREATE INDEX assets_name_trgm_idx ON assets USING gin (lower(original_filename) gin_trgm_ops) WHERE deleted_at IS NULL;
"#;
