//! File versions: a new original for an existing asset (a retouched photo, a re-cut video). The
//! asset keeps its id, title, tags, collections and share links; the file it had is kept as an
//! earlier version, still listed and downloadable; processing runs again for the new file.
//! The same content as the current file changes nothing.

use bytes::Bytes;
use chrono::Utc;
use futures::Stream;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, Target},
    catalog,
    dto::{AssetStatus, FileVersionView, Page, PageRequest},
    entities::{asset, asset_file, derivative},
    error::{Error, Result},
    ingest::{self, StoredOriginal},
    links::Links,
    paging,
    pipeline::Priority,
    policy::Permission,
    services::Services,
};

/// What uploading a version did.
#[derive(Debug)]
pub enum Replaced {
    /// The new file is now the current version (the number it got).
    NewVersion(i32),
    /// The file is the current version already; nothing changed.
    Unchanged,
}

/// Makes the uploaded file the asset's current original. On any refusal nothing is stored.
pub async fn upload<S, E>(
    services: &Services,
    actor: &Actor,
    asset_id: Uuid,
    filename: &str,
    body: S,
) -> Result<Replaced>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let current = live_asset(&services.workspace_db(actor)?, actor, asset_id).await?;
    let stored = ingest::store_original(services, filename, body).await?;
    // The earlier file is kept as a version: the new one's bytes are added to the workspace's.
    let outcome = match crate::workspaces::quota::check(&services.workspace_db(actor)?, filename, stored.size, 0).await
    {
        Ok(()) => replace(services, actor, &current, &stored).await,
        Err(refused) => Err(refused),
    };
    if !matches!(outcome, Ok(Replaced::NewVersion(_))) {
        // Unchanged or refused: the new object is not needed.
        services.storage.delete(&stored.key).await?;
    }
    outcome
}

/// The asset a new file is for: one the actor may replace files of (editors: what they
/// uploaded), outside the trash.
async fn live_asset(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<asset::Model> {
    let asset = catalog::find(db, actor, id).await?;
    actor.require(
        Permission::ReplaceFile,
        asset.uploaded_by,
        "upload a new version of a file someone else uploaded (ask them or an administrator)",
    )?;
    if asset.deleted_at.is_some() {
        return Err(Error::Conflict("this asset is in the trash; restore it first".into()));
    }
    Ok(asset)
}

async fn replace(
    services: &Services,
    actor: &Actor,
    current: &asset::Model,
    stored: &StoredOriginal,
) -> Result<Replaced> {
    if stored.checksum == current.checksum {
        return Ok(Replaced::Unchanged);
    }
    if stored.kind != current.kind {
        let why = format!(
            "is {}, and a new version of {} must be one too",
            article(stored.kind.label()),
            article(current.kind.label())
        );
        return Err(Error::UnsupportedType { filename: stored.filename.clone(), why });
    }
    let db = &services.workspace_db(actor)?;
    let txn = db.begin().await?;
    // The current file's uploader: the one who replaced the previous version, or the asset's.
    let previous = asset_file::Entity::find()
        .filter(asset_file::Column::AssetId.eq(current.id))
        .order_by_desc(asset_file::Column::Version)
        .one(&txn)
        .await?;
    let (uploaded_by, uploaded_at) = match &previous {
        Some(p) => (p.replaced_by, p.replaced_at),
        None => (current.uploaded_by, current.created_at),
    };
    let now = Utc::now();
    asset_file::ActiveModel {
        id: Set(Uuid::now_v7()),
        asset_id: Set(current.id),
        version: Set(current.version),
        path: Set(current.original_path.clone()),
        filename: Set(current.original_filename.clone()),
        mime: Set(current.mime.clone()),
        size: Set(current.size),
        checksum: Set(current.checksum.clone()),
        uploaded_by: Set(uploaded_by),
        uploaded_at: Set(uploaded_at),
        replaced_by: Set(actor.user_id),
        replaced_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let version = current.version + 1;
    let updated = asset::Entity::update_many()
        .col_expr(asset::Column::OriginalPath, Expr::value(stored.key.clone()))
        .col_expr(asset::Column::OriginalFilename, Expr::value(stored.filename.clone()))
        .col_expr(asset::Column::Mime, Expr::value(stored.mime.clone()))
        .col_expr(asset::Column::Size, Expr::value(stored.size as i64))
        .col_expr(asset::Column::Checksum, Expr::value(stored.checksum.clone()))
        .col_expr(asset::Column::Version, Expr::value(version))
        // Processed again, ahead of bulk work: new derivatives, metadata and auto-tags.
        .col_expr(asset::Column::Status, Expr::value(AssetStatus::Uploaded))
        .col_expr(asset::Column::Priority, Expr::value(Priority::Interactive as i16))
        .col_expr(asset::Column::Attempts, Expr::value(0))
        .col_expr(asset::Column::AvailableAt, Expr::value(now))
        .col_expr(asset::Column::DispatchedAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(asset::Column::FailureReason, Expr::value(Option::<String>::None))
        .col_expr(asset::Column::UpdatedAt, Expr::value(now))
        .filter(asset::Column::Id.eq(current.id))
        .filter(asset::Column::Version.eq(current.version))
        .filter(asset::Column::Status.ne(AssetStatus::Processing))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(Error::Conflict("the asset is being processed or changed right now; try again in a moment".into()));
    }
    // The old file's derivatives go; processing makes the new file's.
    let derivatives = derivative::Entity::find().filter(derivative::Column::AssetId.eq(current.id)).all(&txn).await?;
    derivative::Entity::delete_many().filter(derivative::Column::AssetId.eq(current.id)).exec(&txn).await?;
    let details = serde_json::json!({ "version": version, "filename": stored.filename, "size": stored.size, "replaced_checksum": current.checksum });
    audit::record(&txn, actor, "asset.new_version", Some(Target::asset(current.id)), details).await?;
    txn.commit().await?;
    for derivative in derivatives {
        if let Err(e) = services.storage.delete(&derivative.path).await {
            tracing::warn!(error = %e, key = %derivative.path, "could not delete an old derivative");
        }
    }
    tracing::info!(asset_id = %current.id, version, "new file version");
    Ok(Replaced::NewVersion(version))
}

fn article(label: &str) -> String {
    let vowel = label.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {label}", if vowel { "an" } else { "a" })
}

/// Every version, newest (current) first; a version's number is its place in the list.
pub async fn list(
    db: &impl ConnectionTrait,
    links: &dyn Links,
    actor: &Actor,
    asset_id: Uuid,
    request: PageRequest,
) -> Result<Page<FileVersionView>> {
    let asset = catalog::find(db, actor, asset_id).await?;
    let limit = paging::limit(&request);
    let after = paging::after::<i32, i32>(&request)?.map(|(version, _)| version);
    let mut older = asset_file::Entity::find().filter(asset_file::Column::AssetId.eq(asset_id));
    if let Some(version) = after {
        older = older.filter(asset_file::Column::Version.lt(version));
    }
    // The first page starts with the current file, which is not a row of `asset_files`; one row
    // more than fits tells whether another page follows.
    let older = older.order_by_desc(asset_file::Column::Version).limit(limit + 1).all(db).await?;
    let mut people: Vec<Uuid> = older.iter().flat_map(|f| [f.uploaded_by, f.replaced_by]).flatten().collect();
    people.extend(asset.uploaded_by);
    let emails = emails_of(db, people).await?;
    let email = |id: Option<Uuid>| id.and_then(|id| emails.iter().find(|(u, _)| *u == id).map(|(_, e)| e.clone()));
    let (current_by, current_at) = match older.first() {
        Some(latest) => (latest.replaced_by, latest.replaced_at),
        None => (asset.uploaded_by, asset.created_at),
    };
    let current = FileVersionView {
        version: asset.version,
        filename: asset.original_filename.clone(),
        mime: asset.mime.clone(),
        size: asset.size,
        checksum: asset.checksum.clone(),
        uploaded_by: email(current_by),
        uploaded_at: current_at,
        current: true,
        download_url: links.original(asset_id),
    };
    let mut out = if after.is_none() { vec![current] } else { Vec::new() };
    out.extend(older.into_iter().map(|f| FileVersionView {
        version: f.version,
        download_url: links.version(asset_id, f.version),
        filename: f.filename,
        mime: f.mime,
        size: f.size,
        checksum: f.checksum,
        uploaded_by: email(f.uploaded_by),
        uploaded_at: f.uploaded_at,
        current: false,
    }));
    Ok(paging::page(out, limit, |v| paging::cursor(&v.version, &v.version)))
}

async fn emails_of(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<Vec<(Uuid, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db
        .query_all(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT id, email FROM users WHERE id = ANY($1)",
            [ids.into()],
        ))
        .await?;
    rows.iter().map(|r| Ok((r.try_get("", "id")?, r.try_get("", "email")?))).collect()
}

/// An earlier version's file (storage key and name), to download.
pub async fn older_file(
    db: &impl ConnectionTrait,
    actor: &Actor,
    asset_id: Uuid,
    version: i32,
) -> Result<asset_file::Model> {
    catalog::find(db, actor, asset_id).await?;
    asset_file::Entity::find()
        .filter(asset_file::Column::AssetId.eq(asset_id))
        .filter(asset_file::Column::Version.eq(version))
        .one(db)
        .await?
        .ok_or(Error::NotFound("file version"))
}
