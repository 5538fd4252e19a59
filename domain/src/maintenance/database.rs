//! Postgres' own tools for the database part: `pg_dump` (custom format, one consistent snapshot)
//! and `pg_restore`. They are the tools operators trust, and they know every object type the
//! migrations create (extensions, GIN indexes, statistics, triggers).

use std::path::Path;

use tokio::process::Command;

use super::MaintenanceError;

/// Dumps the database into `file`. With `snapshot` (from `pg_export_snapshot()` in a transaction
/// still open) the dump sees exactly what that transaction sees.
pub async fn dump(database_url: &str, snapshot: Option<&str>, file: &Path) -> Result<(), MaintenanceError> {
    let mut command = Command::new("pg_dump");
    command
        .args(["--format=custom", "--no-owner", "--no-acl"])
        .arg(format!("--dbname={database_url}"))
        .arg("--file")
        .arg(file);
    if let Some(snapshot) = snapshot {
        command.arg(format!("--snapshot={snapshot}"));
    }
    run("pg_dump", command).await
}

/// Loads a dump into the (fresh or to-be-replaced) database, replacing what the dump holds, in one
/// transaction: it all arrives or nothing changes.
pub async fn load(database_url: &str, file: &Path) -> Result<(), MaintenanceError> {
    let mut command = Command::new("pg_restore");
    command
        .args(["--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"])
        .arg(format!("--dbname={database_url}"))
        .arg(file);
    run("pg_restore", command).await
}

async fn run(tool: &'static str, mut command: Command) -> Result<(), MaintenanceError> {
    let output = command.kill_on_drop(true).output().await.map_err(|e| MaintenanceError::Tool {
        tool,
        message: format!("could not start it ({e}); it comes with the PostgreSQL client (Debian: postgresql-client)"),
    })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(MaintenanceError::Tool { tool, message: String::from_utf8_lossy(&output.stderr).trim().to_owned() })
    }
}
