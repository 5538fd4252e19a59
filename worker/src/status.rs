//! The status an asset goes through while a job works on it. Every write is keyed by the asset id,
//! so a job that runs twice ends in the same state.

use chrono::Utc;
use domain::{
    dto::{AssetStatus, DerivativeKind},
    entities::{asset, asset_version},
};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

/// Marks the asset `processing` and returns it, or `None` when there is nothing to do (the asset
/// was deleted, or an earlier run of the same job already finished it).
pub async fn claim(db: &DatabaseConnection, asset_id: Uuid) -> Result<Option<asset::Model>, DbErr> {
    let Some(asset) = asset::Entity::find_by_id(asset_id).one(db).await? else {
        return Ok(None);
    };
    if asset.status == AssetStatus::Processed {
        return Ok(None);
    }
    let mut active: asset::ActiveModel = asset.into();
    active.status = Set(AssetStatus::Processing);
    active.failure_reason = Set(None);
    active.updated_at = Set(Utc::now());
    active.update(db).await.map(Some)
}

pub async fn mark_processed(db: &DatabaseConnection, asset_id: Uuid, width: u32, height: u32) -> Result<(), DbErr> {
    asset::Entity::update_many()
        .col_expr(asset::Column::Status, AssetStatus::Processed.into())
        .col_expr(asset::Column::Width, (width as i32).into())
        .col_expr(asset::Column::Height, (height as i32).into())
        .col_expr(asset::Column::UpdatedAt, Utc::now().into())
        .filter(asset::Column::Id.eq(asset_id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn mark_failed(db: &DatabaseConnection, asset_id: Uuid, reason: &str) -> Result<(), DbErr> {
    tracing::warn!(%asset_id, reason, "processing failed");
    asset::Entity::update_many()
        .col_expr(asset::Column::Status, AssetStatus::Failed.into())
        .col_expr(asset::Column::FailureReason, reason.into())
        .col_expr(asset::Column::UpdatedAt, Utc::now().into())
        .filter(asset::Column::Id.eq(asset_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// A derivative that was just stored, to be recorded against its asset.
pub struct NewDerivative<'a> {
    pub kind: DerivativeKind,
    pub label: &'a str,
    pub path: &'a str,
    pub mime: &'a str,
    pub width: u32,
    pub height: u32,
    pub size: usize,
}

/// Inserts or replaces the derivative row (unique per asset, kind and label).
pub async fn record_derivative(db: &DatabaseConnection, asset_id: Uuid, d: NewDerivative<'_>) -> Result<(), DbErr> {
    let row = asset_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        asset_id: Set(asset_id),
        kind: Set(d.kind),
        label: Set(d.label.to_owned()),
        path: Set(d.path.to_owned()),
        mime: Set(d.mime.to_owned()),
        width: Set(d.width as i32),
        height: Set(d.height as i32),
        size: Set(d.size as i64),
        metadata: Set(serde_json::json!({})),
        created_at: NotSet,
    };
    let upsert = OnConflict::columns([asset_version::Column::AssetId, asset_version::Column::Kind, asset_version::Column::Label])
        .update_columns([
            asset_version::Column::Path,
            asset_version::Column::Mime,
            asset_version::Column::Width,
            asset_version::Column::Height,
            asset_version::Column::Size,
        ])
        .to_owned();
    asset_version::Entity::insert(row).on_conflict(upsert).exec_without_returning(db).await.map(|_| ())
}
