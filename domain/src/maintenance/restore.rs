//! `dam restore`: a backup brought back into a fresh installation.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

use super::{
    database,
    objects::{copy_all, copy_verified},
    BackupLocation, MaintenanceError, Manifest, DATABASE_DUMP, MANIFEST,
};
use crate::storage::Storage;

#[derive(Debug)]
pub struct RestoreSummary {
    pub objects: usize,
    pub bytes: u64,
    pub schema: String,
    pub assets: i64,
}

/// Restores the backup at `source` into the database at `database_url` (created if missing) and
/// into `storage`. Objects come first, each checked against the manifest's size and SHA-256, so
/// a backup with a damaged object stops before the database is touched; then the dump is loaded
/// in one transaction and migrated forward to this version. An installation that already holds
/// assets is refused unless `replace` is set.
pub async fn restore(
    database_url: &str,
    storage: &Storage,
    source: &BackupLocation,
    replace: bool,
) -> Result<(DatabaseConnection, RestoreSummary), MaintenanceError> {
    let manifest = read_manifest(source).await?;
    crate::db::ensure_database(database_url).await?;
    let db = Database::connect(database_url).await?;
    let existing = count_assets(&db).await?;
    if existing > 0 && !replace {
        return Err(MaintenanceError::NotEmpty(existing));
    }

    let entries = copy_all(manifest.objects, |entry| async move {
        copy_verified(
            &source.storage,
            &source.object_key(&entry.key),
            storage,
            &entry.key,
            Some(entry.size),
            Some(&entry.sha256),
        )
        .await
    })
    .await?;

    let dump = source.storage.local_file(&source.key(&manifest.database)).await?;
    database::load(database_url, &dump).await?;
    drop(dump);
    crate::db::migrate(&db).await?;
    let assets = count_assets(&db).await?;
    Ok((
        db,
        RestoreSummary {
            objects: entries.len(),
            bytes: entries.iter().map(|e| e.size).sum(),
            schema: manifest.schema,
            assets,
        },
    ))
}

async fn read_manifest(source: &BackupLocation) -> Result<Manifest, MaintenanceError> {
    let not_a_backup = |reason: String| MaintenanceError::NotABackup(source.label.clone(), reason);
    let bytes = source.storage.read(&source.key(MANIFEST)).await.map_err(|e| not_a_backup(e.to_string()))?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| not_a_backup(e.to_string()))?;
    if manifest.format != 1 {
        return Err(not_a_backup(format!("manifest format {} is newer than this version reads", manifest.format)));
    }
    if manifest.database != DATABASE_DUMP {
        return Err(not_a_backup(format!("unexpected database file name {:?}", manifest.database)));
    }
    Ok(manifest)
}

/// Assets in the database; 0 when it has no schema yet.
async fn count_assets(db: &impl ConnectionTrait) -> Result<i64, MaintenanceError> {
    let backend = db.get_database_backend();
    let has_schema = db
        .query_one(Statement::from_string(backend, "SELECT to_regclass('public.assets') IS NOT NULL AS found"))
        .await?
        .and_then(|r| r.try_get::<bool>("", "found").ok());
    if has_schema != Some(true) {
        return Ok(0);
    }
    let row = db.query_one(Statement::from_string(backend, "SELECT count(*) AS n FROM assets")).await?;
    Ok(row.and_then(|r| r.try_get::<i64>("", "n").ok()).unwrap_or(0))
}
