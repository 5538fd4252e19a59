//! Every request gets an id: the caller's `X-Request-Id` when it is a plain token (a proxy's or a
//! client's), else a new UUID. It is sent back, put on every log line of the request, and kept
//! with an uploaded asset so the worker's lines for its job carry it too.

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub async fn layer(request: Request, next: Next) -> Response {
    let id =
        request.headers().get(&HEADER).and_then(|v| v.to_str().ok()).filter(|id| acceptable(id)).map(str::to_owned);
    let id = id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = domain::telemetry::with_request_id(id.clone(), next.run(request)).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_tokens_are_taken_from_callers() {
        assert!(super::acceptable("7f3c-req_1.a"));
        assert!(!super::acceptable(""));
        assert!(!super::acceptable("has space"));
        assert!(!super::acceptable("line\nbreak"));
        assert!(!super::acceptable(&"x".repeat(65)));
    }
}
