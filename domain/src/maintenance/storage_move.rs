//! `dam migrate-storage`: every object the database refers to, copied from one backend to another
//! (local disk to S3 when a team outgrows one machine, or back).

use sea_orm::ConnectionTrait;

use super::{
    objects::{copy_all, copy_verified, referenced_objects},
    MaintenanceError,
};
use crate::storage::Storage;

#[derive(Debug)]
pub struct MoveSummary {
    pub objects: usize,
    pub bytes: u64,
}

/// Copies the objects under the same keys, each checked (size, and SHA-256 for originals) before
/// it is committed. Sources are left in place: the operator switches STORAGE_BACKEND once this
/// has succeeded, and removes the old copies when satisfied. Run it again after a failure, or
/// just before switching, for objects added meanwhile; copies are whole and identical, so a
/// second run only rewrites them.
pub async fn migrate_storage(
    db: &impl ConnectionTrait,
    from: &Storage,
    to: &Storage,
) -> Result<MoveSummary, MaintenanceError> {
    let objects = referenced_objects(db).await?;
    let copied = copy_all(objects, |object| async move {
        copy_verified(from, &object.key, to, &object.key, Some(object.size as u64), object.checksum.as_deref()).await
    })
    .await?;
    Ok(MoveSummary { objects: copied.len(), bytes: copied.iter().map(|c| c.size).sum() })
}
