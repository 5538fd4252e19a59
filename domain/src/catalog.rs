//! Assets as the API shows them: with their derivatives and tags (searching is `library::search`).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, Statement};
use uuid::Uuid;

use crate::{
    audit::Actor,
    dto::{AssetView, DerivativeKind, DerivativeView, TagView},
    entities::{asset, derivative},
    error::{Error, Result},
    links::Links,
    policy::Permission,
};

/// The asset `id` as `actor` may reach it: not found when there is none, and not found either
/// when it is in the trash and the actor may not see it there (viewers never; editors what they
/// uploaded). Every operation on one asset by id starts here.
pub async fn find(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<asset::Model> {
    let asset = asset::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("asset"))?;
    if asset.deleted_at.is_some() && !actor.may(Permission::Trash, asset.uploaded_by) {
        return Err(Error::NotFound("asset"));
    }
    Ok(asset)
}

pub async fn get_asset(db: &impl ConnectionTrait, links: &dyn Links, actor: &Actor, id: Uuid) -> Result<AssetView> {
    let asset = find(db, actor, id).await?;
    Ok(with_derivatives(db, links, vec![asset]).await?.remove(0))
}

/// The storage key and type of an asset's derivative (`label` is its format, e.g. `jpg`, `webp`).
pub async fn derivative_path(
    db: &impl ConnectionTrait,
    asset: &asset::Model,
    kind: DerivativeKind,
    label: &str,
) -> Result<(String, String)> {
    let version = derivative::Entity::find()
        .filter(derivative::Column::AssetId.eq(asset.id))
        .filter(derivative::Column::Kind.eq(kind))
        .filter(derivative::Column::Label.eq(label))
        .one(db)
        .await?
        .ok_or(Error::NotFound("derivative"))?;
    Ok((version.path, version.mime))
}

/// The API's views of `assets`, with their derivatives and tags (two queries for the whole page).
pub async fn with_derivatives(
    db: &impl ConnectionTrait,
    links: &dyn Links,
    assets: Vec<asset::Model>,
) -> Result<Vec<AssetView>> {
    let ids: Vec<Uuid> = assets.iter().map(|a| a.id).collect();
    let mut by_asset: HashMap<Uuid, Vec<derivative::Model>> = HashMap::new();
    let mut auto_tags: HashMap<Uuid, Vec<String>> = HashMap::new();
    if !ids.is_empty() {
        let made = derivative::Entity::find()
            .filter(derivative::Column::AssetId.is_in(ids.clone()))
            .order_by_asc(derivative::Column::Width)
            .all(db)
            .await?;
        for v in made {
            by_asset.entry(v.asset_id).or_default().push(v);
        }
        let sql = "SELECT at.asset_id, t.name FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE at.asset_id = ANY($1) AND at.source = 'auto' AND NOT at.removed";
        for row in db.query_all(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [ids.into()])).await? {
            auto_tags.entry(row.try_get("", "asset_id")?).or_default().push(row.try_get("", "name")?);
        }
    }
    Ok(assets
        .into_iter()
        .map(|a| {
            let made = by_asset.remove(&a.id).unwrap_or_default();
            let auto = auto_tags.remove(&a.id).unwrap_or_default();
            let mut view = to_view(links, a, made);
            for tag in &mut view.tags {
                tag.auto = auto.contains(&tag.name);
            }
            view
        })
        .collect())
}

/// The API's view of an asset and its derivatives, with links to its files.
pub fn to_view(links: &dyn Links, asset: asset::Model, made: Vec<derivative::Model>) -> AssetView {
    let derivatives: Vec<DerivativeView> = made
        .into_iter()
        .map(|v| DerivativeView {
            url: links.derivative(asset.id, v.kind, &v.label),
            kind: v.kind,
            label: v.label,
            mime: v.mime,
            width: v.width,
            height: v.height,
            size: v.size,
        })
        .collect();
    // JPEG is the thumbnail every client can show; the WebP one is in `derivatives`.
    let thumbnail_url = derivatives
        .iter()
        .find(|d| d.kind == DerivativeKind::Thumbnail && d.mime == "image/jpeg")
        .map(|d| d.url.clone());
    AssetView {
        id: asset.id,
        filename: asset.original_filename,
        kind: asset.kind,
        mime: asset.mime,
        size: asset.size,
        checksum: asset.checksum,
        status: asset.status,
        failure_reason: asset.failure_reason,
        width: asset.width,
        height: asset.height,
        uploaded_by: asset.uploaded_by,
        created_at: asset.created_at,
        updated_at: asset.updated_at,
        thumbnail_url,
        original_url: links.original(asset.id),
        derivatives,
        taken_at: asset.taken_at,
        camera_make: asset.camera_make,
        camera_model: asset.camera_model,
        metadata: asset.metadata,
        title: asset.title,
        description: asset.description,
        tags: asset.tags.into_iter().map(|name| TagView { name, auto: false }).collect(),
        duration_ms: asset.duration_ms,
        deleted_by: None,
        deleted_at: asset.deleted_at,
        version: asset.version,
    }
}
