//! The two roles: the owner migrates; the application works as a role that owns no table and
//! cannot bypass row-level security, so Postgres itself keeps each workspace's rows apart.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

/// Creates the role DATABASE_URL names if it does not exist (with the URL's password), and gives
/// it what the application needs on every table, sequence and function — again on every start, so
/// tables added by later migrations are covered. Runs in the migration's transaction.
pub async fn provision_app_role(owner: &impl ConnectionTrait, app_url: &str) -> Result<(), DbErr> {
    let url = url::Url::parse(app_url).map_err(|e| DbErr::Custom(format!("DATABASE_URL is not a URL: {e}")))?;
    let name = decode(url.username());
    if name.is_empty() {
        return Err(DbErr::Custom("DATABASE_URL names no user (postgres://USER@host/db)".into()));
    }
    let role = quote_ident(&name);
    if !role_exists(owner, &name).await? {
        let password =
            url.password().map(decode).map(|p| format!(" PASSWORD {}", quote_literal(&p))).unwrap_or_default();
        // NOSUPERUSER NOBYPASSRLS are the defaults; spelt out because they are the point.
        let create = format!("CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE{password}");
        // Server and worker (or parallel tests) may race to create it; losing the race is fine.
        owner.execute_unprepared("SAVEPOINT create_role").await?;
        match owner.execute_unprepared(&create).await {
            Ok(_) => {
                owner.execute_unprepared("RELEASE SAVEPOINT create_role").await?;
                tracing::info!(role = %name, "created the application's database role");
            }
            Err(e) => {
                owner.execute_unprepared("ROLLBACK TO SAVEPOINT create_role").await?;
                if !role_exists(owner, &name).await? {
                    return Err(e);
                }
            }
        }
    }
    owner
        .execute_unprepared(&format!(
            "GRANT USAGE ON SCHEMA public TO {role};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
             GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role};"
        ))
        .await?;
    Ok(())
}

/// Row-level security keeps operators that are not LEAKPROOF out of index scans (they could
/// reveal a hidden row's data through an error), so under it a full-text search would read every
/// row of the workspace. These raise no error that depends on the row, so a superuser marks them
/// once per database; without one, search works, slower on large workspaces (docs/WORKSPACES.md).
pub async fn mark_leakproof(owner: &impl ConnectionTrait) -> Result<(), DbErr> {
    let row = owner
        .query_one(Statement::from_string(
            owner.get_database_backend(),
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
        ))
        .await?;
    let superuser = row.map(|r| r.try_get::<bool>("", "rolsuper")).transpose()?.unwrap_or(false);
    if !superuser {
        return Ok(());
    }
    owner
        .execute_unprepared(
            "ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF;
             ALTER FUNCTION arraycontains(anyarray, anyarray) LEAKPROOF;
             ALTER FUNCTION arrayoverlap(anyarray, anyarray) LEAKPROOF;",
        )
        .await?;
    Ok(())
}

/// Says so, loudly, when the application's connection is not held by the policies: a superuser,
/// a role with BYPASSRLS, or the tables' owner (one URL for both, as before workspaces).
pub async fn warn_unless_isolated(db: &DatabaseConnection) -> Result<(), DbErr> {
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT current_user AS name, r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user,
                    (SELECT tableowner FROM pg_tables WHERE tablename = 'assets' AND schemaname = 'public'), 'USAGE') AS exempt
             FROM pg_roles r WHERE r.rolname = current_user",
        ))
        .await?;
    if let Some(row) = row {
        if row.try_get::<bool>("", "exempt")? {
            let name: String = row.try_get("", "name")?;
            tracing::warn!(
                role = %name,
                "row-level security does not apply to DATABASE_URL's role (a superuser, BYPASSRLS, or the tables' \
                 owner): workspaces are kept apart by the application alone. Set MIGRATION_DATABASE_URL to the \
                 owner and DATABASE_URL to a role of its own (docs/WORKSPACES.md)"
            );
        }
    }
    Ok(())
}

async fn role_exists(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    super::found(db, "SELECT 1 FROM pg_roles WHERE rolname = $1", name).await
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
