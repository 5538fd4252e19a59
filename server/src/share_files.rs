//! The files behind a share link's public page, for visitors without an account:
//! `/s/<token>/assets/<id>/{thumbnail,preview,poster,transcode,original}` and
//! `/s/<token>/download.zip`. Each request checks the link (404 unknown, 410 expired or revoked),
//! the password grant cookie, that the asset belongs to the link, and — for originals and the
//! ZIP — that the link allows downloads. The page itself is the app's `/s/<token>` route.

use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    response::Response,
    routing::get,
    Router,
};
use domain::{
    analytics::UsageEvent, catalog, db::WorkspaceDb, dto::DerivativeKind, entities::share_link, sharing::visitors,
    Error, Services,
};
use edge::{cookies, ApiError};
use serde::Deserialize;
use uuid::Uuid;

use crate::{api::downloads::zip_response, files, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/s/{token}/assets/{id}/{file}", get(asset_file)).route("/s/{token}/download.zip", get(zip))
}

/// The link, if it is open and this browser may see it.
async fn open_link(
    services: &Services,
    token: &str,
    headers: &HeaderMap,
) -> Result<(share_link::Model, WorkspaceDb), Error> {
    let db = visitors::link_db(services, token).await?;
    let link = visitors::find_open(&db, token).await?;
    let grant = cookies::read(headers, &visitors::grant_cookie_name(&link));
    if !visitors::unlocked(&services.signer, &link, grant.as_deref()) {
        return Err(Error::Forbidden("open this link without its password (open the link's page and type it)".into()));
    }
    Ok((link, db))
}

fn require_downloads(link: &share_link::Model) -> Result<(), Error> {
    if link.allow_download {
        Ok(())
    } else {
        Err(Error::Forbidden("download from this link (it allows viewing only)".into()))
    }
}

#[derive(Deserialize)]
struct FileQuery {
    format: Option<String>,
}

async fn asset_file(
    State(services): State<Services>,
    Path((token, id, file)): Path<(String, Uuid, String)>,
    Query(q): Query<FileQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (link, db) = open_link(&services, &token, &headers).await?;
    let asset = visitors::asset_of(&db, &link, id).await?;
    let kind = match file.as_str() {
        "original" => {
            require_downloads(&link)?;
            services.usage.record(asset.id, UsageEvent::Download).await;
            return files::redirect_to(&services, &asset.original_path, Some(&asset.original_filename)).await;
        }
        "thumbnail" => DerivativeKind::Thumbnail,
        "preview" => DerivativeKind::Preview,
        "poster" => DerivativeKind::Poster,
        // Playing a rendition is viewing; the player needs it whether or not downloads are allowed.
        "transcode" => DerivativeKind::Transcode,
        _ => return Err(Error::NotFound("file").into()),
    };
    let default_label = if kind == DerivativeKind::Transcode { "720p" } else { "jpg" };
    let (key, _mime) =
        catalog::derivative_path(&db, &asset, kind, q.format.as_deref().unwrap_or(default_label)).await?;
    files::redirect_to(&services, &key, None).await
}

async fn zip(
    State(services): State<Services>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (link, db) = open_link(&services, &token, &headers).await?;
    require_downloads(&link)?;
    let assets = visitors::assets_of(&db, &link).await?;
    if assets.is_empty() {
        return Err(Error::NotFound("asset behind this link").into());
    }
    let title = match link.collection_id {
        Some(id) => domain::library::collections::name_of(&db, id).await?,
        None => {
            if assets[0].title.is_empty() {
                assets[0].original_filename.clone()
            } else {
                assets[0].title.clone()
            }
        }
    };
    Ok(zip_response(&services, &title, assets).await)
}
