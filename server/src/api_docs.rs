//! `/api/docs`: the interactive API reference (Swagger UI, bundled at build time, nothing from a
//! CDN) over `/api/openapi.json`.

use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use domain::Services;

/// Our own scripts and styles only, as for pages; Swagger UI sets styles through the DOM, which
/// `style-src 'self'` allows.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

pub async fn page(State(services): State<Services>) -> Response {
    serve(&services, "index.html").await
}

pub async fn file(State(services): State<Services>, Path(name): Path<String>) -> Response {
    serve(&services, &name).await
}

async fn serve(services: &Services, name: &str) -> Response {
    let content_type = match name {
        "index.html" => "text/html; charset=utf-8",
        "init.js" | "swagger-ui-bundle.js" => "text/javascript; charset=utf-8",
        "swagger-ui.css" => "text/css; charset=utf-8",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let path = services.config.site_root.join("api-docs").join(name);
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_CSP)),
                (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "API docs file missing; run `make build`");
            (StatusCode::NOT_FOUND, "the API reference is not built; run `make build`").into_response()
        }
    }
}
