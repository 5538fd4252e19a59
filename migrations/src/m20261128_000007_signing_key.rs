//! Secrets the application makes for itself on first start and every replica must share (the key
//! that signs download URLs when SIGNING_KEY is not configured).

crate::sql_migration!("m20261128_000007_signing_key");

const UP: &str = r#"
CREATE TABLE app_secrets (
    name       text PRIMARY KEY,
    value      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
"#;

const DOWN: &str = r#"
DROP TABLE app_secrets;
"#;
