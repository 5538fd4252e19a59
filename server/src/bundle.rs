//! The browser bundle under `/pkg`: `make front` names its files after their content
//! (`dam-<hash>.js/.wasm/.css`, listed in `pkg/bundle.txt`) and stores brotli and gzip copies
//! beside them (`style/bundle.mjs`). Those are sent as they are, and cached by browsers for a year:
//! a new build has new names. Pages, which link the current names, are revalidated every time.

use std::path::Path;

use axum::{
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
    Router,
};
use tower_http::services::ServeDir;

/// The name the bundle's files share, `dam-<hash>` after `make front`; `dam` for a development
/// bundle (`make front-dev`), which is not hashed.
pub fn name(site_root: &Path) -> String {
    std::fs::read_to_string(site_root.join("pkg").join("bundle.txt"))
        .ok()
        .map(|text| text.trim().to_owned())
        .filter(|name| is_hashed(name))
        .unwrap_or_else(|| "dam".to_owned())
}

/// `/pkg/…`: the bundle, precompressed when the browser accepts it.
pub fn routes<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    let files = ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip();
    Router::new().nest_service("/pkg", files).layer(axum::middleware::from_fn(cache_forever_if_hashed))
}

async fn cache_forever_if_hashed(request: Request, next: Next) -> Response {
    let hashed = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .and_then(|file| file.split_once('.'))
        .is_some_and(|(stem, _)| is_hashed(stem));
    let mut response = next.run(request).await;
    let value =
        if hashed && response.status().is_success() { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Pages carry who is signed in and link the current bundle: a browser may keep them, but asks
/// again each time.
pub async fn pages_revalidate(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if html {
        response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("private, no-cache"));
    }
    response
}

/// `dam-` and sixteen hex digits.
fn is_hashed(stem: &str) -> bool {
    stem.strip_prefix("dam-").is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_content_hashed_names_count_as_hashed() {
        assert!(is_hashed("dam-0123456789abcdef"));
        assert!(!is_hashed("dam"));
        assert!(!is_hashed("dam-0123"));
        assert!(!is_hashed("dam-0123456789abcdeg"));
        assert!(!is_hashed("other-0123456789abcdef"));
    }
}
