//! Documents (PDFs, office files, archives, audio, fonts, text) become a third kind of asset.

crate::sql_migration!("m20261128_000005_documents");

const UP: &str = r#"
ALTER TABLE assets DROP CONSTRAINT assets_kind_check;
ALTER TABLE assets ADD CONSTRAINT assets_kind_check CHECK (kind IN ('image', 'video', 'document'));
"#;

const DOWN: &str = r#"
DELETE FROM assets WHERE kind = 'document';
ALTER TABLE assets DROP CONSTRAINT assets_kind_check;
ALTER TABLE assets ADD CONSTRAINT assets_kind_check CHECK (kind IN ('image', 'video'));
"#;
