//! Operator tooling behind `dam backup`, `dam restore` and `dam migrate-storage`: moving an
//! installation's database and objects somewhere else, and checking every byte on the way.
//!
//! A backup is a directory (or a bucket prefix) holding `database.dump` (pg_dump's custom
//! format), `objects/<key>` for every object the dump refers to, and `manifest.json` listing
//! those objects with their size and SHA-256. The manifest is written last: a backup without one
//! is incomplete and is refused.

mod backup;
mod database;
mod objects;
mod restore;
mod storage_move;

pub use backup::{backup, BackupSummary};
pub use objects::{copy_verified, referenced_objects, ObjectEntry, StoredObject};
pub use restore::{restore, RestoreSummary};
pub use storage_move::{migrate_storage, MoveSummary};

use serde::{Deserialize, Serialize};

use crate::storage::{Storage, StorageError};

pub const MANIFEST: &str = "manifest.json";
pub const DATABASE_DUMP: &str = "database.dump";
/// Objects copies are kept under this prefix, by their key in the installation.
pub const OBJECTS: &str = "objects";

#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    #[error("{tool} failed: {message}")]
    Tool { tool: &'static str, message: String },
    #[error("object {key} does not match what was recorded: expected {expected}, found {found}")]
    Corrupt { key: String, expected: String, found: String },
    #[error("{0} is not a complete backup (it has no readable manifest.json): {1}")]
    NotABackup(String, String),
    #[error(
        "the database already holds {0} assets; restore goes into a fresh installation (or pass --force to replace it)"
    )]
    NotEmpty(i64),
    #[error("{failed} of {total} objects could not be copied; first: {first}")]
    Incomplete { failed: usize, total: usize, first: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What `manifest.json` holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The last migration the dumped database had; a restore migrates forward from it.
    pub schema: String,
    pub database: String,
    pub objects: Vec<ObjectEntry>,
}

/// Where a backup is written or read: a storage backend and a key prefix in it.
pub struct BackupLocation {
    pub storage: Storage,
    pub prefix: String,
    /// How to name it to a person (`/srv/backups/monday`, `s3://backups/monday`).
    pub label: String,
}

impl BackupLocation {
    pub fn key(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.prefix.trim_end_matches('/'))
        }
    }

    pub fn object_key(&self, key: &str) -> String {
        self.key(&format!("{OBJECTS}/{key}"))
    }
}
