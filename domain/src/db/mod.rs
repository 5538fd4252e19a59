//! Connecting to Postgres: create the database on first use, then apply migrations exactly once even
//! when server and worker start together, as the tables' owner; the application then works as a
//! role that row-level security applies to.

mod roles;
pub(crate) mod workspace_db;

pub use workspace_db::WorkspaceDb;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, Statement, TransactionTrait};

/// Any fixed number; all processes of one installation agree on it.
const MIGRATION_LOCK_KEY: i64 = 0x0da3_0001;

/// Migrates as the tables' owner (`migration_url`), makes sure the application's role exists and
/// has its rights, then opens the application's pool as that role (`app_url`).
pub async fn connect_and_migrate(
    app_url: &str,
    migration_url: &str,
    pool_size: u32,
) -> Result<DatabaseConnection, DbErr> {
    ensure_database(migration_url).await?;
    let owner = Database::connect(migration_url).await?;
    let txn = owner.begin().await?;
    lock_migrations(&txn).await?;
    Migrator::up(&txn, None).await?;
    if app_url != migration_url {
        roles::provision_app_role(&txn, app_url).await?;
    }
    roles::mark_leakproof(&txn).await?;
    txn.commit().await?;
    owner.close().await?;
    let db = Database::connect(pool_options(app_url, pool_size)).await?;
    roles::warn_unless_isolated(&db).await?;
    Ok(db)
}

fn pool_options(url: &str, pool_size: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url);
    options.max_connections(pool_size);
    // Searches are short index reads whose plans can cost enough to trigger JIT compilation,
    // which then takes longer (tens of ms) than the query it would speed up. And statements are
    // prepared once per connection: after five runs Postgres may switch a search to one generic
    // plan for any words and filters, which read every match of a common word to show 49 (4 ms
    // became 120 ms); planning each search with its own values costs well under a millisecond.
    options.map_sqlx_postgres_opts(|pg| pg.options([("jit", "off"), ("plan_cache_mode", "force_custom_plan")]));
    options
}

async fn lock_migrations(txn: &impl ConnectionTrait) -> Result<(), DbErr> {
    txn.execute(Statement::from_sql_and_values(
        txn.get_database_backend(),
        "SELECT pg_advisory_xact_lock($1)",
        [MIGRATION_LOCK_KEY.into()],
    ))
    .await
    .map(|_| ())
}

/// Runs pending migrations in one transaction holding an advisory lock, so concurrent starts wait
/// for each other instead of racing on `CREATE TABLE`.
pub async fn migrate(db: &(impl ConnectionTrait + TransactionTrait)) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    lock_migrations(&txn).await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await
}

/// Creates the database named in `database_url` when it does not exist yet (first run, tests).
pub async fn ensure_database(database_url: &str) -> Result<(), DbErr> {
    let (server_url, name) = split_database_name(database_url)
        .ok_or_else(|| DbErr::Custom(format!("DATABASE_URL has no database name: {database_url}")))?;
    let admin = Database::connect(format!("{server_url}/postgres")).await?;
    if !database_exists(&admin, &name).await? {
        let quoted = name.replace('"', "\"\"");
        match admin.execute_unprepared(&format!("CREATE DATABASE \"{quoted}\"")).await {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Server and worker starting together both try; losing that race is fine.
            Err(_) if database_exists(&admin, &name).await? => {}
            Err(e) => return Err(e),
        }
    }
    admin.close().await
}

async fn database_exists(admin: &DatabaseConnection, name: &str) -> Result<bool, DbErr> {
    found(admin, "SELECT 1 FROM pg_database WHERE datname = $1", name).await
}

/// Whether the catalog query `sql` (`SELECT 1 … WHERE … = $1`) finds `name`.
async fn found(db: &impl ConnectionTrait, sql: &str, name: &str) -> Result<bool, DbErr> {
    Ok(db.query_one(Statement::from_sql_and_values(db.get_database_backend(), sql, [name.into()])).await?.is_some())
}

/// Drops a database (tests clean up after themselves with this).
pub async fn drop_database(database_url: &str) -> Result<(), DbErr> {
    let (server_url, name) = split_database_name(database_url)
        .ok_or_else(|| DbErr::Custom(format!("DATABASE_URL has no database name: {database_url}")))?;
    let admin = Database::connect(format!("{server_url}/postgres")).await?;
    let quoted = name.replace('"', "\"\"");
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{quoted}\" WITH (FORCE)")).await?;
    admin.close().await
}

/// `postgres://u@h:5432/dam?x=y` → (`postgres://u@h:5432`, `dam`). Query parameters are dropped
/// for the maintenance connection.
pub(crate) fn split_database_name(url: &str) -> Option<(String, String)> {
    let without_query = url.split('?').next()?;
    let scheme_end = without_query.find("://")? + 3;
    let slash = without_query[scheme_end..].rfind('/')? + scheme_end;
    let name = &without_query[slash + 1..];
    (!name.is_empty()).then(|| (without_query[..slash].to_owned(), name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::split_database_name;

    #[test]
    fn splits_the_database_name_off_the_url() {
        assert_eq!(
            split_database_name("postgres://postgres@127.0.0.1:5432/dam?sslmode=disable"),
            Some(("postgres://postgres@127.0.0.1:5432".into(), "dam".into()))
        );
        assert_eq!(split_database_name("postgres://127.0.0.1:5432"), None);
        assert_eq!(split_database_name("postgres://127.0.0.1:5432/"), None);
    }
}
