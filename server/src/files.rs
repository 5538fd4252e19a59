//! `/files/<key>?expires=…&sig=…`: stored objects served from signed, short-lived links (see
//! `domain::storage::UrlSigner`). No session is needed — the link is the permission — so the app
//! can check access once and redirect here; byte ranges work for video players.

use axum::{
    body::Body,
    extract::{Path, Query, Request, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use domain::{
    storage::{self, Storage},
    Error, Services,
};
use edge::ApiError;
use serde::Deserialize;
use tower::ServiceExt;
use tower_http::services::ServeFile;

#[derive(Deserialize)]
pub struct SignedQuery {
    expires: i64,
    name: Option<String>,
    sig: String,
}

pub async fn serve(
    State(services): State<Services>,
    Path(key): Path<String>,
    Query(q): Query<SignedQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let now = chrono::Utc::now().timestamp();
    let download_as = services.signer.verify(&key, q.expires, q.name.as_deref(), &q.sig, now).map_err(Error::from)?;
    let Storage::Local(local) = &services.storage else {
        // With S3 storage links point at the store itself; these URLs were never handed out.
        return Err(Error::NotFound("file").into());
    };
    let path = local.existing_path(&key).await.map_err(Error::from)?;
    let served = ServeFile::new(path).oneshot(request).await.map_err(|e| Error::BadRequest(e.to_string()))?;
    let mut response = served.map(Body::new).into_response();
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // A stored file must never run as a page of this origin, whatever its bytes are.
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    if let Some(name) = download_as {
        if let Ok(value) = HeaderValue::from_str(&storage::content_disposition(&name)) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

/// A redirect to a short-lived link for `key` (signed `/files/…` or presigned S3); short-cached so
/// a page showing many thumbnails does not ask again on every scroll.
pub async fn redirect_to(services: &Services, key: &str, download_as: Option<&str>) -> Result<Response, ApiError> {
    let url = services.storage.download_url(&services.signer, key, download_as).await.map_err(Error::from)?;
    let mut response = axum::response::Redirect::temporary(&url).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=60"));
    Ok(response)
}
