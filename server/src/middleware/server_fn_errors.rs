//! A server function whose arguments cannot be read is the caller's mistake, but Leptos answers
//! every server-function error that the function itself did not give a status with 500. This
//! turns those (argument and deserialization errors, which happen before the function runs) into
//! 400, so bad input is never reported as a server fault.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

/// Server-function error bodies are one short line; a longer one is not an argument error and
/// keeps its status (its body, which cannot be held, is dropped).
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn layer(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/fn/");
    let response = next.run(request).await;
    if !is_server_fn
        || response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if bytes.starts_with(b"Args|") || bytes.starts_with(b"Deserialization|") {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
