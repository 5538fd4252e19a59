//! The API's rate limit, per API token (or per session, or per address for anonymous calls), with
//! `governor`: 429 with Retry-After past the quota.

use std::{num::NonZeroU32, sync::Arc, time::Duration};

use app::http::{cookies, ApiError, ClientIp};
use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::{accounts::secrets, Error};
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};

#[derive(Clone)]
pub struct ApiRateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

impl ApiRateLimit {
    pub fn new(per_second: u32, burst: u32) -> Self {
        let quota = Quota::per_second(NonZeroU32::new(per_second.max(1)).expect("non-zero"))
            .allow_burst(NonZeroU32::new(burst.max(1)).expect("non-zero"));
        ApiRateLimit { limiter: Arc::new(RateLimiter::keyed(quota)) }
    }
}

/// Whose quota a request draws from, without a database lookup: a hash of its credential.
fn quota_key(request: &Request) -> String {
    let headers = request.headers();
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return format!("token:{}", &secrets::hash(auth)[..24]);
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
    if limit.limiter.len() > 100_000 {
        limit.limiter.retain_recent();
    }
    match limit.limiter.check_key(&quota_key(&request)) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let retry_after = not_until.wait_time_from(governor::clock::DefaultClock::default().now()).max(Duration::from_secs(1));
            ApiError(Error::RateLimited { retry_after }).into_response()
        }
    }
}
