//! Quotas: how much a workspace may hold (bytes of originals and their earlier versions, and a
//! number of assets, the trash included: both still take space), set by operators. An upload that
//! would pass either is refused when it is created, with a sentence naming the quota.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::Serialize;

use crate::{
    db::WorkspaceDb,
    error::{Error, Result},
    sizes::human_size,
};

/// What a workspace holds and may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub bytes: i64,
    pub assets: i64,
    pub quota_bytes: Option<i64>,
    pub quota_assets: Option<i64>,
}

/// The workspace `db` works in: its holdings (counted under row-level security) and its quotas.
pub async fn usage(db: &WorkspaceDb) -> Result<Usage> {
    let workspace = super::get(db, db.workspace()).await?;
    let sql = "SELECT ((SELECT COALESCE(sum(size), 0) FROM assets) + (SELECT COALESCE(sum(size), 0) FROM asset_files))::bigint AS bytes,
                      (SELECT count(*) FROM assets) AS assets";
    let row =
        db.query_one(Statement::from_string(DbBackend::Postgres, sql)).await?.expect("an aggregate returns a row");
    Ok(Usage {
        bytes: row.try_get("", "bytes")?,
        assets: row.try_get("", "assets")?,
        quota_bytes: workspace.quota_bytes,
        quota_assets: workspace.quota_assets,
    })
}

/// An operator's change to a workspace's quotas: `Some(None)` removes one, `None` leaves it.
pub async fn set(
    db: &impl ConnectionTrait,
    actor: &crate::audit::Actor,
    workspace: uuid::Uuid,
    bytes: Option<Option<i64>>,
    assets: Option<Option<i64>>,
) -> Result<crate::entities::workspace::Model> {
    use sea_orm::{ActiveModelTrait, Set};
    if bytes.flatten().is_some_and(|b| b < 0) || assets.flatten().is_some_and(|a| a < 0) {
        return Err(Error::BadRequest("a quota is a size or a number of assets, not below zero".into()));
    }
    let mut row: crate::entities::workspace::ActiveModel = super::get(db, workspace).await?.into();
    if let Some(bytes) = bytes {
        row.quota_bytes = Set(bytes);
    }
    if let Some(assets) = assets {
        row.quota_assets = Set(assets);
    }
    let updated = row.update(db).await?;
    let details = serde_json::json!({
        "workspace": updated.id, "quota_bytes": updated.quota_bytes, "quota_assets": updated.quota_assets
    });
    crate::audit::record(db, actor, "workspace.quota", None, details).await?;
    Ok(updated)
}

/// `Ok` when `new_assets` more assets holding `bytes` fit in the workspace's quotas.
pub async fn check(db: &WorkspaceDb, filename: &str, bytes: u64, new_assets: i64) -> Result<()> {
    let workspace = super::get(db, db.workspace()).await?;
    if workspace.quota_bytes.is_none() && workspace.quota_assets.is_none() {
        return Ok(());
    }
    refusal(&usage(db).await?, filename, bytes, new_assets).map_or(Ok(()), Err)
}

/// Why the file does not fit, if it does not.
fn refusal(usage: &Usage, filename: &str, bytes: u64, new_assets: i64) -> Option<Error> {
    if let Some(max) = usage.quota_assets {
        if usage.assets + new_assets > max {
            return Some(Error::OverQuota(format!(
                "{filename}: this workspace holds {} of the {max} assets its quota allows; empty the trash or ask an \
                 operator to raise the quota",
                usage.assets
            )));
        }
    }
    if let Some(max) = usage.quota_bytes {
        if usage.bytes.saturating_add(bytes as i64) > max {
            let left = (max - usage.bytes).max(0) as u64;
            return Some(Error::OverQuota(format!(
                "{filename} ({}) does not fit: this workspace's storage quota is {}, and {} of it is left; empty the \
                 trash or ask an operator to raise the quota",
                human_size(bytes),
                human_size(max as u64),
                human_size(left)
            )));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(bytes: i64, assets: i64, quota_bytes: Option<i64>, quota_assets: Option<i64>) -> Usage {
        Usage { bytes, assets, quota_bytes, quota_assets }
    }

    #[test]
    fn a_file_fits_up_to_the_quota_and_not_a_byte_more() {
        assert!(refusal(&usage(900, 9, Some(1000), Some(10)), "a.jpg", 100, 1).is_none());
        assert!(refusal(&usage(900, 9, None, None), "a.jpg", u64::MAX / 2, 1).is_none());
        let over = refusal(&usage(900, 9, Some(1000), None), "a.jpg", 101, 1).unwrap().to_string();
        assert!(over.contains("a.jpg") && over.contains("quota"), "{over}");
        let full = refusal(&usage(0, 10, None, Some(10)), "b.png", 1, 1).unwrap().to_string();
        assert!(full.contains("10 of the 10 assets"), "{full}");
    }
}
