//! Deleting is two steps: editors move assets to the trash (hidden, restorable); an admin empties
//! it, which removes the rows and then the stored files — except an original another asset still
//! points at. Editors trash, see and restore what they uploaded; admins anything; viewers never
//! see the trash (see `policy`).

use chrono::{DateTime, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::{
    accounts::users,
    audit::{self, Actor, Target},
    catalog,
    dto::{AssetView, Page, PageRequest},
    entities::{asset, asset_file, derivative},
    error::{Error, Result},
    library::tags::MAX_BULK,
    links::Links,
    paging,
    policy::{Permission, Reach},
};

fn check_selection(ids: &[Uuid]) -> Result<()> {
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(Error::BadRequest(format!("select between 1 and {MAX_BULK} assets")));
    }
    Ok(())
}

/// Checks that `actor` may move every one of `ids` in or out of the trash: each must exist, be in
/// the actor's sight, and be theirs unless their reach is any asset.
async fn check_reach(db: &impl ConnectionTrait, actor: &Actor, ids: &[Uuid], moving: &str) -> Result<()> {
    check_selection(ids)?;
    actor.require(Permission::Trash, actor.user_id, &format!("{moving} assets"))?;
    let found = asset::Entity::find().filter(asset::Column::Id.is_in(ids.to_vec())).all(db).await?;
    // An id that is not in the workspace (never was, deleted for good, or another workspace's):
    // 404, and nothing is moved or recorded.
    if ids.iter().any(|id| !found.iter().any(|a| a.id == *id)) {
        return Err(Error::NotFound("asset"));
    }
    for asset in found {
        if !actor.may(Permission::Trash, asset.uploaded_by) {
            return Err(if asset.deleted_at.is_some() {
                Error::NotFound("asset")
            } else {
                Error::Forbidden(format!("{moving} files someone else uploaded (ask an administrator)"))
            });
        }
    }
    Ok(())
}

/// Moves assets to the trash; returns how many were moved (already trashed ones are skipped).
pub async fn trash(db: &impl ConnectionTrait, actor: &Actor, ids: &[Uuid]) -> Result<u64> {
    check_reach(db, actor, ids, "move to the trash").await?;
    let now = Utc::now();
    let moved = asset::Entity::update_many()
        .col_expr(asset::Column::DeletedAt, Expr::value(now))
        .col_expr(asset::Column::DeletedBy, Expr::value(actor.user_id))
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

pub async fn restore(db: &impl ConnectionTrait, actor: &Actor, ids: &[Uuid]) -> Result<u64> {
    check_reach(db, actor, ids, "restore").await?;
    let restored = asset::Entity::update_many()
        .col_expr(asset::Column::DeletedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(asset::Column::DeletedBy, Expr::value(Option::<Uuid>::None))
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

/// What is in the trash for `actor` (an editor's own uploads, everything for admins), most
/// recently deleted first.
pub async fn list(
    db: &impl ConnectionTrait,
    links: &dyn Links,
    actor: &Actor,
    request: PageRequest,
) -> Result<Page<AssetView>> {
    let mut query = asset::Entity::find().filter(asset::Column::DeletedAt.is_not_null());
    match actor.reach(Permission::Trash) {
        Some(Reach::Any) => {}
        Some(Reach::Own) => query = query.filter(asset::Column::UploadedBy.eq(actor.user_id)),
        None => return Err(Error::Forbidden("see the trash (editors and admins can)".into())),
    }
    let limit = paging::limit(&request);
    let after = paging::after::<DateTime<Utc>, Uuid>(&request)?;
    let query = paging::keyset(query, asset::Column::DeletedAt, asset::Column::Id, Order::Desc, after, limit);
    let page = paging::page(query.all(db).await?, limit, |a| paging::cursor(&a.deleted_at.unwrap_or_default(), &a.id));
    // Who trashed each, by e-mail (one query for the page).
    let emails = users::emails_of(db, page.items.iter().filter_map(|a| a.deleted_by).collect()).await?;
    let who: Vec<Option<String>> =
        page.items.iter().map(|a| a.deleted_by.and_then(|id| emails.get(&id).cloned())).collect();
    let mut items = catalog::with_derivatives(db, links, page.items).await?;
    for (item, who) in items.iter_mut().zip(who) {
        item.deleted_by = who;
    }
    Ok(Page { items, next: page.next })
}

/// Removes every asset in the trash for good; returns how many went and the stored files that
/// are no longer anyone's, which the caller deletes once the removal is committed (a file
/// without a row is garbage the reconciler collects; a row without its file is a broken asset).
pub async fn empty(db: &impl ConnectionTrait, actor: &Actor) -> Result<(u64, Vec<String>)> {
    actor.require(Permission::EmptyTrash, None, "empty the trash (admins only)")?;
    let mut removed = 0u64;
    let mut unused = std::collections::BTreeSet::new();
    loop {
        let batch = asset::Entity::find().filter(asset::Column::DeletedAt.is_not_null()).limit(200).all(db).await?;
        if batch.is_empty() {
            break;
        }
        let ids: Vec<Uuid> = batch.iter().map(|a| a.id).collect();
        let derivatives =
            derivative::Entity::find().filter(derivative::Column::AssetId.is_in(ids.clone())).all(db).await?;
        let older_files =
            asset_file::Entity::find().filter(asset_file::Column::AssetId.is_in(ids.clone())).all(db).await?;
        asset::Entity::delete_many().filter(asset::Column::Id.is_in(ids)).exec(db).await?;
        unused.extend(derivatives.into_iter().map(|d| d.path));
        let originals = batch.iter().map(|a| &a.original_path).chain(older_files.iter().map(|f| &f.path));
        for path in originals {
            if !unused.contains(path) && !original_in_use(db, path).await? {
                unused.insert(path.clone());
            }
        }
        removed += batch.len() as u64;
    }
    audit::record(db, actor, "trash.empty", None, serde_json::json!({ "assets": removed })).await?;
    tracing::info!(removed, "trash emptied");
    Ok((removed, unused.into_iter().collect()))
}

/// Whether another asset still has this original, as its current file or an earlier version.
async fn original_in_use(db: &impl ConnectionTrait, path: &str) -> Result<bool> {
    let current = asset::Entity::find().filter(asset::Column::OriginalPath.eq(path)).one(db).await?.is_some();
    Ok(current || asset_file::Entity::find().filter(asset_file::Column::Path.eq(path)).one(db).await?.is_some())
}
