//! CSRF defence for cookie-authenticated requests, on top of SameSite=Lax: a state-changing
//! request from a browser must come from this site's own pages (Origin, or Referer when a browser
//! omits Origin). Only a request that carries a bearer token and no session cookie is exempt: it
//! has no ambient credentials (an invalid token is refused by the access check). Any other
//! `Authorization` header changes nothing.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::{Error, Services};
use edge::{cookies, ApiError};

fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let end = url[scheme_end..].find('/').map_or(url.len(), |i| i + scheme_end);
    Some(&url[..end])
}

/// Same site when the request's origin is the configured public URL's, or names the Host the
/// request was sent to (direct access on another address than PUBLIC_URL).
pub fn is_same_origin(origin: &str, public_url: &str, host: Option<&str>) -> bool {
    let Some(origin) = origin_of(origin) else { return false };
    if origin_of(public_url) == Some(origin) {
        return true;
    }
    let authority = origin.split_once("://").map(|(_, a)| a);
    host.is_some_and(|h| authority == Some(h))
}

fn request_origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null")
}

pub async fn layer(State(services): State<Services>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = request.headers();
    let session = cookies::read(headers, cookies::SESSION_COOKIE).filter(|s| !s.is_empty());
    if safe || (session.is_none() && edge::access::bearer(headers).is_some()) {
        return next.run(request).await;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let verdict = match request_origin(headers) {
        Some(origin) if is_same_origin(origin, &services.config.public_url, host) => Ok(()),
        Some(origin) => Err(format!("change anything from another site ({origin}); use this site's pages")),
        None if session.is_some() => {
            Err("change anything with a session cookie from a request that does not say which site it comes from (Origin header)".to_owned())
        }
        None => Ok(()),
    };
    match verdict {
        Ok(()) => next.run(request).await,
        Err(why) => ApiError(Error::Forbidden(why)).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_same_origin;

    #[test]
    fn only_this_sites_pages_may_post() {
        let public = "https://dam.example.com";
        assert!(is_same_origin("https://dam.example.com", public, None));
        assert!(is_same_origin("https://dam.example.com/library?x=1", public, None), "a Referer");
        assert!(!is_same_origin("https://evil.example", public, Some("dam.example.com")));
        assert!(!is_same_origin("http://dam.example.com", public, None), "scheme matters");
        assert!(is_same_origin("http://127.0.0.1:3100", public, Some("127.0.0.1:3100")));
        assert!(!is_same_origin("http://127.0.0.1:9999", public, Some("127.0.0.1:3100")));
    }
}
