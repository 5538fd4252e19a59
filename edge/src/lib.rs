//! The HTTP edge, one place for the JSON API and the server functions: the operations' routes
//! (`routes`), their JSON adapter (`handler`), who is asking (`access`), session cookies, errors
//! as problem+json (`problem`) and the OpenAPI document (`openapi`).

pub mod access;
pub mod cookies;
pub mod handler;
pub mod links;
pub mod openapi;
pub mod problem;
pub mod routes;
pub mod workspace_path;

use std::sync::OnceLock;

use axum::{
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};

pub use access::{Access, ClientIp};
pub use problem::{status_of, ApiError, Problem};

/// `GET /api/openapi.json`: the document, built once.
pub async fn openapi_json() -> Response {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let body = DOCUMENT.get_or_init(|| openapi::document(&routes::all()).to_string());
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.as_str()).into_response()
}
