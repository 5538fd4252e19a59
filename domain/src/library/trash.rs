//! Deleting is two steps: editors move assets to the trash (hidden, restorable); an admin empties
//! it, which removes the rows and then the stored files — except an original another asset still
//! points at.

use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, Target},
    catalog,
    dto::AssetView,
    entities::{asset, asset_file, asset_version},
    error::{Error, Result},
    library::tags::MAX_BULK,
    services::Services,
};

fn check_selection(ids: &[Uuid]) -> Result<()> {
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(Error::BadRequest(format!("select between 1 and {MAX_BULK} assets")));
    }
    Ok(())
}

/// Moves assets to the trash; returns how many were moved (already trashed ones are skipped).
/// Without `any_asset` (editors) only one's own uploads may be moved.
pub async fn trash(db: &DatabaseConnection, actor: &Actor, ids: &[Uuid], any_asset: bool) -> Result<u64> {
    check_selection(ids)?;
    if !any_asset {
        let owner = actor.user_id.ok_or_else(|| Error::Forbidden("delete files without an account".into()))?;
        let others = asset::Entity::find()
            .filter(asset::Column::Id.is_in(ids.to_vec()))
            .filter(asset::Column::UploadedBy.ne(owner).or(asset::Column::UploadedBy.is_null()))
            .one(db)
            .await?;
        if others.is_some() {
            return Err(Error::Forbidden("delete files someone else uploaded (ask an administrator)".into()));
        }
    }
    let now = Utc::now();
    let moved = asset::Entity::update_many()
        .col_expr(asset::Column::DeletedAt, Expr::value(now))
        .col_expr(asset::Column::UpdatedAt, Expr::value(now))
        .filter(asset::Column::Id.is_in(ids.to_vec()))
        .filter(asset::Column::DeletedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    let target = (ids.len() == 1).then(|| Target::asset(ids[0]));
    audit::record(db, actor, "asset.trash", target, serde_json::json!({ "assets": ids, "moved": moved })).await?;
    Ok(moved)
}

pub async fn restore(db: &DatabaseConnection, actor: &Actor, ids: &[Uuid]) -> Result<u64> {
    check_selection(ids)?;
    let restored = asset::Entity::update_many()
        .col_expr(asset::Column::DeletedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(asset::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(asset::Column::Id.is_in(ids.to_vec()))
        .filter(asset::Column::DeletedAt.is_not_null())
        .exec(db)
        .await?
        .rows_affected;
    let target = (ids.len() == 1).then(|| Target::asset(ids[0]));
    audit::record(db, actor, "asset.restore", target, serde_json::json!({ "assets": ids, "restored": restored }))
        .await?;
    Ok(restored)
}

/// What is in the trash, most recently deleted first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<AssetView>> {
    let rows = asset::Entity::find()
        .filter(asset::Column::DeletedAt.is_not_null())
        .order_by_desc(asset::Column::DeletedAt)
        .limit(500)
        .all(db)
        .await?;
    catalog::with_derivatives(db, rows).await
}

/// Removes everything in the trash for good; returns how many assets went.
pub async fn empty(services: &Services, actor: &Actor) -> Result<u64> {
    let db = &services.db;
    let mut removed = 0u64;
    loop {
        let batch = asset::Entity::find().filter(asset::Column::DeletedAt.is_not_null()).limit(200).all(db).await?;
        if batch.is_empty() {
            break;
        }
        let ids: Vec<Uuid> = batch.iter().map(|a| a.id).collect();
        let versions =
            asset_version::Entity::find().filter(asset_version::Column::AssetId.is_in(ids.clone())).all(db).await?;
        let older_files =
            asset_file::Entity::find().filter(asset_file::Column::AssetId.is_in(ids.clone())).all(db).await?;
        // Rows first: a file without a row is garbage, a row without its file is a broken asset.
        asset::Entity::delete_many().filter(asset::Column::Id.is_in(ids)).exec(db).await?;
        for version in &versions {
            services.storage.delete(&version.path).await?;
        }
        let originals = batch.iter().map(|a| &a.original_path).chain(older_files.iter().map(|f| &f.path));
        for path in originals {
            if !original_in_use(db, path).await? {
                services.storage.delete(path).await?;
            }
        }
        removed += batch.len() as u64;
    }
    audit::record(db, actor, "trash.empty", None, serde_json::json!({ "assets": removed })).await?;
    tracing::info!(removed, "trash emptied");
    Ok(removed)
}

/// Whether another asset still has this original, as its current file or an earlier version.
async fn original_in_use(db: &DatabaseConnection, path: &str) -> Result<bool> {
    let current = asset::Entity::find().filter(asset::Column::OriginalPath.eq(path)).one(db).await?.is_some();
    Ok(current || asset_file::Entity::find().filter(asset_file::Column::Path.eq(path)).one(db).await?.is_some())
}
