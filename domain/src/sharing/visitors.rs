//! What a share link opens, for people without an account: the page's assets (with only what a
//! visitor needs to see), the password gate, and the checks behind every file the page links to.

use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Statement};
use uuid::Uuid;

use super::links::state_of;
use crate::{
    accounts::passwords,
    analytics::UsageEvent,
    catalog,
    db::WorkspaceDb,
    dto::{AssetView, DerivativeKind, ShareOpening, ShareState, SharedAsset, SharedPage},
    entities::{asset, share_link},
    error::{Error, Result},
    library::collections,
    links::Links,
    services::Services,
    storage::UrlSigner,
};

/// How long a given password holds in that browser.
pub const GRANT_SECONDS: i64 = 12 * 3600;

/// The cookie that holds a visitor's grant for one link (one per link, so several can be open).
pub fn grant_cookie_name(link: &share_link::Model) -> String {
    format!("dam_share_{}", link.id.simple())
}

fn grant_subject(link: &share_link::Model) -> String {
    format!("share:{}", link.id)
}

/// The database as the workspace of the link behind `token` sees it (a visitor has no workspace
/// of their own; the link's is looked up by a function that reads nothing else).
pub async fn link_db(services: &Services, token: &str) -> Result<WorkspaceDb> {
    if token.is_empty() || token.len() > 128 {
        return Err(Error::NotFound("share link"));
    }
    let sql = "SELECT dam_share_link_workspace($1) AS workspace";
    let row =
        services.db.query_one(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [token.into()])).await?;
    let workspace = row.map(|r| r.try_get::<Option<Uuid>>("", "workspace")).transpose()?.flatten();
    workspace.map(|w| services.in_workspace(w)).ok_or(Error::NotFound("share link"))
}

/// The link behind `token` while it opens: 404 for a token that never was, 410 once expired or
/// revoked.
pub async fn find_open(db: &impl ConnectionTrait, token: &str) -> Result<share_link::Model> {
    if token.is_empty() || token.len() > 128 {
        return Err(Error::NotFound("share link"));
    }
    let link = share_link::Entity::find()
        .filter(share_link::Column::Token.eq(token))
        .one(db)
        .await?
        .ok_or(Error::NotFound("share link"))?;
    match state_of(&link, Utc::now()) {
        ShareState::Active => Ok(link),
        ShareState::Expired => {
            Err(Error::Gone(format!("this link expired on {}", link.expires_at.format("%-d %B %Y at %H:%M UTC"))))
        }
        ShareState::Revoked => Err(Error::Gone("this link was turned off by the person who shared it".into())),
    }
}

/// Whether this visitor may see what the link holds: always without a password, otherwise with a
/// grant from [`unlock`].
pub fn unlocked(signer: &UrlSigner, link: &share_link::Model, grant: Option<&str>) -> bool {
    link.password_hash.is_none()
        || grant.is_some_and(|g| signer.check_grant(&grant_subject(link), g, Utc::now().timestamp()))
}

/// Checks a visitor's password (rate limited per address and per link, like signing in) and
/// returns the link and the grant to keep in its cookie for [`GRANT_SECONDS`].
pub async fn unlock(
    services: &Services,
    token: &str,
    password: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(share_link::Model, String)> {
    let link = find_open(&link_db(services, token).await?, token).await?;
    let Some(hash) = &link.password_hash else {
        return Ok((link.clone(), String::new()));
    };
    services.login_limiter.check(ip, &grant_subject(&link)).await?;
    let password = password.to_owned();
    let hash = hash.clone();
    // Argon2 takes a while on purpose; keep it off the async threads.
    let matches = tokio::task::spawn_blocking(move || passwords::verify(&password, &hash)).await.unwrap_or(false);
    if !matches {
        return Err(Error::WrongPassword);
    }
    let grant = services.signer.grant(&grant_subject(&link), Utc::now().timestamp() + GRANT_SECONDS);
    Ok((link, grant))
}

/// What the link shows: its asset, or its collection's assets in the order they were added —
/// never anything in the trash.
pub async fn assets_of(db: &impl ConnectionTrait, link: &share_link::Model) -> Result<Vec<asset::Model>> {
    match (link.asset_id, link.collection_id) {
        (Some(id), _) => Ok(asset::Entity::find_by_id(id).filter(asset::Column::DeletedAt.is_null()).all(db).await?),
        (None, Some(collection)) => collections::assets_of(db, collection).await,
        (None, None) => Ok(Vec::new()),
    }
}

/// One asset the link shows (404 for any other, so a link cannot be used to probe the library).
pub async fn asset_of(db: &impl ConnectionTrait, link: &share_link::Model, asset_id: Uuid) -> Result<asset::Model> {
    let not_shared = Error::NotFound("asset");
    let asset = asset::Entity::find_by_id(asset_id)
        .one(db)
        .await?
        .filter(|a| a.deleted_at.is_none())
        .ok_or(Error::NotFound("asset"))?;
    match (link.asset_id, link.collection_id) {
        (Some(id), _) if id == asset_id => Ok(asset),
        (None, Some(collection)) => {
            let sql = "SELECT 1 AS one FROM collection_assets WHERE collection_id = $1 AND asset_id = $2";
            let member = db
                .query_one(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    sql,
                    [collection.into(), asset_id.into()],
                ))
                .await?;
            member.map(|_| asset).ok_or(not_shared)
        }
        _ => Err(not_shared),
    }
}

/// Opens the link for a visitor (`cookie` reads their cookies by name): the page, or why not.
/// Counts the opening (and, for a single asset, a view of it). `files` makes the links to the
/// files under the link's page (`/s/{token}`; the HTTP edge's `SharedLinks`).
pub async fn open<L: Links>(
    services: &Services,
    token: &str,
    files: impl Fn(&str) -> L,
    cookie: impl Fn(&str) -> Option<String>,
) -> Result<ShareOpening> {
    let db = match link_db(services, token).await {
        Ok(db) => db,
        Err(Error::NotFound(_)) => return Ok(ShareOpening::NotFound),
        Err(e) => return Err(e),
    };
    let link = match find_open(&db, token).await {
        Ok(link) => link,
        Err(Error::NotFound(_)) => return Ok(ShareOpening::NotFound),
        Err(Error::Gone(why)) => return Ok(ShareOpening::Gone(why)),
        Err(e) => return Err(e),
    };
    if !unlocked(&services.signer, &link, cookie(&grant_cookie_name(&link)).as_deref()) {
        return Ok(ShareOpening::NeedsPassword);
    }
    share_link::Entity::update_many()
        .col_expr(share_link::Column::Opens, Expr::col(share_link::Column::Opens).add(1))
        .col_expr(share_link::Column::LastOpenedAt, Expr::value(Utc::now()))
        .filter(share_link::Column::Id.eq(link.id))
        .exec(&db)
        .await?;
    if let Some(id) = link.asset_id {
        services.usage.record(id, UsageEvent::View).await;
    }
    let base = super::links::path_of(&link.token);
    Ok(ShareOpening::Open(page(&db, &files(&base), &base, &link).await?))
}

async fn page(db: &WorkspaceDb, files: &dyn Links, base: &str, link: &share_link::Model) -> Result<SharedPage> {
    let assets = catalog::with_derivatives(db, files, assets_of(db, link).await?).await?;
    let (title, description) = match (link.asset_id, assets.first()) {
        (Some(_), Some(asset)) => (asset.display_name().to_owned(), asset.description.clone()),
        _ => {
            let sql = "SELECT name, description FROM collections WHERE id = $1";
            let row = db
                .query_one(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [link.collection_id.into()]))
                .await?
                .ok_or(Error::NotFound("collection"))?;
            (row.try_get("", "name")?, row.try_get("", "description")?)
        }
    };
    Ok(SharedPage {
        title,
        description,
        expires_at: link.expires_at,
        allow_download: link.allow_download,
        assets: assets.into_iter().map(|a| shared_asset(link.allow_download, a)).collect(),
        zip_url: link.allow_download.then(|| format!("{base}/download.zip")),
    })
}

/// An asset as a visitor sees it, its files linked under the link's page.
fn shared_asset(allow_download: bool, asset: AssetView) -> SharedAsset {
    let jpeg = |kind: DerivativeKind| {
        asset.derivatives.iter().find(|d| d.kind == kind && d.mime == "image/jpeg").map(|d| d.url.clone())
    };
    let mut videos: Vec<(String, String, i32)> = asset
        .derivatives
        .iter()
        .filter(|d| d.kind == DerivativeKind::Transcode)
        .map(|d| (d.url.clone(), d.label.clone(), d.width.min(d.height)))
        .collect();
    videos.sort_by_key(|(_, _, short_side)| *short_side);
    SharedAsset {
        id: asset.id,
        name: asset.display_name().to_owned(),
        description: asset.description.clone(),
        kind: asset.kind,
        mime: asset.mime.clone(),
        size: asset.size,
        width: asset.width,
        height: asset.height,
        duration_ms: asset.duration_ms,
        thumbnail_url: jpeg(DerivativeKind::Thumbnail),
        preview_url: jpeg(DerivativeKind::Preview).or_else(|| jpeg(DerivativeKind::Poster)),
        videos: videos.into_iter().map(|(url, label, _)| (url, label)).collect(),
        download_url: allow_download.then(|| asset.original_url.clone()),
    }
}
