//! The API's rate limit, per API token (or per session, or per address for anonymous calls),
//! shared by every replica through Redis (`domain::rate_limit`): 429 with Retry-After past it.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::{
    accounts::secrets,
    rate_limit::{Quota, SharedRateLimit},
    Error,
};
use edge::{cookies, ApiError, ClientIp};

#[derive(Clone)]
pub struct ApiRateLimit {
    limit: SharedRateLimit,
    quota: Quota,
}

impl ApiRateLimit {
    pub fn new(limit: SharedRateLimit, per_second: u32, burst: u32) -> Self {
        ApiRateLimit { limit, quota: Quota::per_second(per_second, burst) }
    }
}

/// Whose quota a request draws from, without a database lookup: a hash of its credential. Only
/// a bearer token has a quota of its own (a wrong one is refused right after); any other
/// `Authorization` header is ignored, so it cannot buy a signed-in browser a fresh quota.
fn quota_key(request: &Request) -> String {
    let headers = request.headers();
    if let Some(token) = edge::access::bearer(headers) {
        return format!("token:{}", &secrets::hash(token)[..24]);
    }
    if let Some(session) = cookies::read(headers, cookies::SESSION_COOKIE) {
        return format!("session:{}", &secrets::hash(&session)[..24]);
    }
    match request.extensions().get::<ClientIp>() {
        Some(ClientIp(ip)) => format!("ip:{ip}"),
        None => "ip:unknown".to_owned(),
    }
}

pub async fn layer(State(limit): State<ApiRateLimit>, request: Request, next: Next) -> Response {
    match limit.limit.check(&format!("api:{}", quota_key(&request)), limit.quota).await {
        Ok(()) => next.run(request).await,
        Err(retry_after) => ApiError(Error::RateLimited { retry_after }).into_response(),
    }
}
