//! Accounts and traceability: sessions (stored here, since Redis keeps nothing on disk), API
//! tokens, and the audit log. Secrets are stored as SHA-256 hashes only.

crate::sql_migration!("m20261128_000002_accounts");

const UP: &str = r#"
ALTER TABLE users
    ADD COLUMN oidc_subject  text,
    ADD COLUMN last_login_at timestamptz,
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX users_oidc_subject_key ON users (oidc_subject) WHERE oidc_subject IS NOT NULL;

CREATE TABLE sessions (
    id           uuid PRIMARY KEY,
    token_hash   text NOT NULL UNIQUE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    ip           text,
    user_agent   text
);
CREATE INDEX sessions_user_idx ON sessions (user_id, created_at DESC);

CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    -- The first characters of the secret, so people can tell their tokens apart.
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    -- Kept as text so the entry stays readable after the user is gone.
    actor_label text NOT NULL,
    action      text NOT NULL,
    target_type text,
    target_id   text,
    ip          text,
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at DESC);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS audit_log, api_tokens, sessions;
ALTER TABLE users DROP COLUMN IF EXISTS oidc_subject, DROP COLUMN IF EXISTS last_login_at, DROP COLUMN IF EXISTS updated_at;
"#;
