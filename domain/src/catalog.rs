//! Reading the library: pages of assets and single assets, with their derivatives, as DTOs.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    dto::{AssetPage, AssetView, DerivativeKind, DerivativeView, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE},
    entities::{asset, asset_version},
    error::{Error, Result},
};

/// Newest first; `page` counts from 1.
pub async fn list_assets(db: &DatabaseConnection, page: Option<u64>, per_page: Option<u64>) -> Result<AssetPage> {
    let page = page.unwrap_or(1).max(1);
    let per_page = per_page.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    let paginator = asset::Entity::find()
        .order_by_desc(asset::Column::CreatedAt)
        .order_by_desc(asset::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let assets = paginator.fetch_page(page - 1).await?;
    let items = with_derivatives(db, assets).await?;
    Ok(AssetPage { items, page, per_page, total })
}

pub async fn get_asset(db: &DatabaseConnection, id: Uuid) -> Result<AssetView> {
    let asset = asset::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("asset"))?;
    Ok(with_derivatives(db, vec![asset]).await?.remove(0))
}

/// The storage key and type of an asset's derivative (`label` is its format, e.g. `jpg`, `webp`).
pub async fn derivative_path(db: &DatabaseConnection, id: Uuid, kind: DerivativeKind, label: &str) -> Result<(String, String)> {
    let version = asset_version::Entity::find()
        .filter(asset_version::Column::AssetId.eq(id))
        .filter(asset_version::Column::Kind.eq(kind))
        .filter(asset_version::Column::Label.eq(label))
        .one(db)
        .await?
        .ok_or(Error::NotFound("derivative"))?;
    Ok((version.path, version.mime))
}

async fn with_derivatives(db: &DatabaseConnection, assets: Vec<asset::Model>) -> Result<Vec<AssetView>> {
    let ids: Vec<Uuid> = assets.iter().map(|a| a.id).collect();
    let mut by_asset: HashMap<Uuid, Vec<asset_version::Model>> = HashMap::new();
    if !ids.is_empty() {
        let versions = asset_version::Entity::find()
            .filter(asset_version::Column::AssetId.is_in(ids))
            .order_by_asc(asset_version::Column::Width)
            .all(db)
            .await?;
        for v in versions {
            by_asset.entry(v.asset_id).or_default().push(v);
        }
    }
    Ok(assets.into_iter().map(|a| { let versions = by_asset.remove(&a.id).unwrap_or_default(); to_view(a, versions) }).collect())
}

/// The API's view of an asset and its derivatives.
pub fn to_view(asset: asset::Model, versions: Vec<asset_version::Model>) -> AssetView {
    let base = format!("/api/assets/{}", asset.id);
    let derivatives: Vec<DerivativeView> = versions
        .into_iter()
        .map(|v| DerivativeView {
            url: format!("{base}/{}?format={}", derivative_segment(v.kind), v.label),
            kind: v.kind,
            label: v.label,
            mime: v.mime,
            width: v.width,
            height: v.height,
            size: v.size,
        })
        .collect();
    // JPEG is the thumbnail every client can show; the WebP one is in `derivatives`.
    let thumbnail_url = derivatives.iter().find(|d| d.kind == DerivativeKind::Thumbnail && d.mime == "image/jpeg").map(|d| d.url.clone());
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
        original_url: format!("{base}/original"),
        derivatives,
        taken_at: asset.taken_at,
        camera_make: asset.camera_make,
        camera_model: asset.camera_model,
        metadata: asset.metadata,
    }
}

/// The URL segment under `/api/assets/{id}/` that serves a derivative kind.
pub fn derivative_segment(kind: DerivativeKind) -> &'static str {
    match kind {
        DerivativeKind::Thumbnail => "thumbnail",
        DerivativeKind::Preview => "preview",
        DerivativeKind::Transcode => "transcode",
        DerivativeKind::Poster => "poster",
    }
}
