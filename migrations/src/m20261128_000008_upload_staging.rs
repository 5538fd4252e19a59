//! Resumable uploads that any replica can continue on either storage backend: the SHA-256 state
//! travels with the row (no re-reading of the stored prefix), the original's id is fixed once the
//! type is known (S3 multipart uploads are started under the final key), and on S3 the parts sent
//! so far plus the unaligned tail (< one part; S3 parts must be ≥ 5 MiB) are kept here.

crate::sql_migration!("m20261128_000008_upload_staging");

const UP: &str = r#"
ALTER TABLE uploads
    ADD COLUMN hash_state   bytea,
    ADD COLUMN original_id  uuid,
    ADD COLUMN multipart_id text,
    ADD COLUMN parts        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN tail         bytea,
    -- Direct uploads: the browser PUTs the file to a presigned S3 link, then the API confirms.
    ADD COLUMN direct       boolean NOT NULL DEFAULT false;
"#;

const DOWN: &str = r#"
ALTER TABLE uploads DROP COLUMN hash_state, DROP COLUMN original_id, DROP COLUMN multipart_id, DROP COLUMN parts, DROP COLUMN tail, DROP COLUMN direct;
"#;
