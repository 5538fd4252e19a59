//! The objects an installation's database refers to, and copying one with its bytes checked.

use futures::StreamExt;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::MaintenanceError;
use crate::storage::Storage;

/// An object in a backup's manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectEntry {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

/// An object the database refers to: current and earlier originals (with the checksum taken at
/// upload) and derivatives (sizes only).
#[derive(Clone, Debug, FromQueryResult)]
pub struct StoredObject {
    pub key: String,
    pub size: i64,
    pub checksum: Option<String>,
}

/// Every object the database refers to, once each (an original may be shared by several assets),
/// trashed assets included — they can still be restored.
pub async fn referenced_objects(db: &impl ConnectionTrait) -> Result<Vec<StoredObject>, MaintenanceError> {
    let sql = r#"
        SELECT DISTINCT ON (key) key, size, checksum FROM (
            SELECT original_path AS key, size, checksum FROM assets
            UNION ALL SELECT path, size, checksum FROM asset_files
            UNION ALL SELECT path, size, NULL FROM derivatives
        ) AS referenced
        ORDER BY key, checksum NULLS LAST"#;
    Ok(StoredObject::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).all(db).await?)
}

/// Copies `from_key` of `from` to `to_key` of `to`, hashing on the way. The copy is committed
/// only when its size and SHA-256 match what was expected (when known); otherwise it is dropped,
/// so a bad copy never becomes an object.
pub async fn copy_verified(
    from: &Storage,
    from_key: &str,
    to: &Storage,
    to_key: &str,
    expected_size: Option<u64>,
    expected_sha256: Option<&str>,
) -> Result<ObjectEntry, MaintenanceError> {
    let mut source = from.read_stream(from_key).await?;
    let mut writer = to.begin_write(to_key).await?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = source.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                writer.abort().await;
                return Err(e.into());
            }
        };
        hasher.update(&chunk);
        size += chunk.len() as u64;
        if let Err(e) = writer.write(&chunk).await {
            writer.abort().await;
            return Err(e.into());
        }
    }
    let sha256 = hex::encode(hasher.finalize());
    let size_differs = expected_size.is_some_and(|expected| expected != size);
    let hash_differs = expected_sha256.is_some_and(|expected| !expected.eq_ignore_ascii_case(&sha256));
    if size_differs || hash_differs {
        writer.abort().await;
        return Err(MaintenanceError::Corrupt {
            key: from_key.to_owned(),
            expected: format!(
                "{} bytes, sha256 {}",
                expected_size.map_or("?".into(), |s| s.to_string()),
                expected_sha256.unwrap_or("?")
            ),
            found: format!("{size} bytes, sha256 {sha256}"),
        });
    }
    writer.commit().await?;
    Ok(ObjectEntry { key: to_key.to_owned(), size, sha256 })
}

/// Runs `copy` over `items` a few at a time; every item is tried. The copies made, or the
/// failures counted with the first one named.
pub(super) async fn copy_all<T, F, Fut>(items: Vec<T>, copy: F) -> Result<Vec<ObjectEntry>, MaintenanceError>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<ObjectEntry, MaintenanceError>>,
{
    // Object stores answer best to several requests at once; more than a few only queues.
    const AT_ONCE: usize = 4;
    let total = items.len();
    let outcomes: Vec<_> = futures::stream::iter(items).map(copy).buffer_unordered(AT_ONCE).collect().await;
    let mut copied = Vec::with_capacity(total);
    let mut failures = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(entry) => copied.push(entry),
            Err(e) => {
                tracing::error!(error = %e, "object not copied");
                failures.push(e);
            }
        }
    }
    match failures.first() {
        None => Ok(copied),
        Some(first) => Err(MaintenanceError::Incomplete { failed: failures.len(), total, first: first.to_string() }),
    }
}
