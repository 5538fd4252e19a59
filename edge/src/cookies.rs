//! The session cookie: HTTP-only, SameSite=Lax (sent on top-level navigation back from the SSO
//! provider, never on cross-site POSTs), Secure when the site is served over https.

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{time::Duration, Cookie, SameSite};
use domain::Config;

pub const SESSION_COOKIE: &str = "dam_session";
/// The slug of the workspace a person last worked in: where paths without one lead.
pub const WORKSPACE_COOKIE: &str = "dam_workspace";

pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

fn build(name: impl Into<String>, value: String, max_age: Duration, config: &Config) -> HeaderValue {
    let cookie = Cookie::build((name.into(), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.cookie_secure)
        .max_age(max_age)
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie values are URL-safe")
}

pub fn session(secret: String, config: &Config) -> HeaderValue {
    build(SESSION_COOKIE, secret, Duration::hours(config.session_ttl_hours.into()), config)
}

pub fn clear_session(config: &Config) -> HeaderValue {
    build(SESSION_COOKIE, String::new(), Duration::ZERO, config)
}

/// A short-lived cookie for the SSO round trip (state, nonce and PKCE verifier).
pub fn short_lived(name: &'static str, value: String, config: &Config) -> HeaderValue {
    build(name, value, Duration::minutes(10), config)
}

pub fn clear(name: &'static str, config: &Config) -> HeaderValue {
    build(name, String::new(), Duration::ZERO, config)
}

/// A share link's password grant (see `domain::sharing::visitors`), one cookie per link.
pub fn share_grant(name: String, value: String, max_age_seconds: i64, config: &Config) -> HeaderValue {
    build(name, value, Duration::seconds(max_age_seconds), config)
}
