//! Who moved an asset to the trash, shown in the trash beside when (cleared on restore; a person
//! who is deleted leaves it empty).

crate::sql_migration!("m20261207_000021_deleted_by");

const UP: &str = r#"
ALTER TABLE assets ADD COLUMN deleted_by uuid REFERENCES users(id) ON DELETE SET NULL;
"#;

const DOWN: &str = r#"
ALTER TABLE assets DROP COLUMN deleted_by;
"#;
