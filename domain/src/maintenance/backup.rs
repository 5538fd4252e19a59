//! `dam backup`: the database and every object it refers to, from one snapshot.

use sea_orm::{AccessMode, ConnectionTrait, IsolationLevel, Statement, TransactionTrait};

use super::{
    database,
    objects::{copy_all, copy_verified, referenced_objects},
    BackupLocation, MaintenanceError, Manifest, ObjectEntry, DATABASE_DUMP, MANIFEST,
};
use crate::storage::Storage;

#[derive(Debug)]
pub struct BackupSummary {
    pub objects: usize,
    pub bytes: u64,
    pub schema: String,
}

/// Writes a backup of the installation (`db` at `database_url`, objects in `storage`) to
/// `target`. Uploads and processing may go on meanwhile: the dump and the object list come from
/// one snapshot, and objects are never changed in place, so the backup is what the library was
/// at that instant. Every copied object's size and SHA-256 are checked against the database
/// (originals) and recorded in the manifest.
pub async fn backup(
    db: &(impl ConnectionTrait + TransactionTrait),
    database_url: &str,
    storage: &Storage,
    target: &BackupLocation,
) -> Result<BackupSummary, MaintenanceError> {
    let backend = db.get_database_backend();
    let txn = db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?;
    let snapshot: String = txn
        .query_one(Statement::from_string(backend, "SELECT pg_export_snapshot() AS snapshot"))
        .await?
        .ok_or_else(|| sea_orm::DbErr::Custom("no snapshot was exported".into()))?
        .try_get("", "snapshot")?;
    let objects = referenced_objects(&txn).await?;
    let schema = last_migration(&txn).await?;
    let dump_file = tempfile_path("dam-backup", "dump");
    // The transaction stays open until pg_dump has finished with its snapshot.
    let dumped = database::dump(database_url, Some(&snapshot), &dump_file).await;
    txn.rollback().await?;
    let stored = match dumped {
        Ok(()) => target.storage.put_file(&target.key(DATABASE_DUMP), &dump_file).await.map_err(MaintenanceError::from),
        Err(e) => Err(e),
    };
    let _ = tokio::fs::remove_file(&dump_file).await;
    stored?;

    let entries = copy_all(objects, |object| async move {
        let copy = copy_verified(
            storage,
            &object.key,
            &target.storage,
            &target.object_key(&object.key),
            Some(object.size as u64),
            object.checksum.as_deref(),
        )
        .await?;
        Ok(ObjectEntry { key: object.key, ..copy })
    })
    .await?;
    let summary =
        BackupSummary { objects: entries.len(), bytes: entries.iter().map(|e| e.size).sum(), schema: schema.clone() };
    let manifest = Manifest {
        format: 1,
        created_at: chrono::Utc::now(),
        schema,
        database: DATABASE_DUMP.to_owned(),
        objects: entries,
    };
    let text = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| MaintenanceError::Tool { tool: "manifest", message: e.to_string() })?;
    // Last: its presence marks the backup complete.
    target.storage.put(&target.key(MANIFEST), &text).await?;
    Ok(summary)
}

async fn last_migration(db: &impl ConnectionTrait) -> Result<String, MaintenanceError> {
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT max(version) AS version FROM seaql_migrations",
        ))
        .await?;
    Ok(row.and_then(|r| r.try_get::<Option<String>>("", "version").ok().flatten()).unwrap_or_default())
}

/// A path for a scratch file (the dump on its way to the target, or back).
pub(super) fn tempfile_path(what: &str, extension: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("{what}-{}.{extension}", uuid::Uuid::new_v4().simple()))
}
