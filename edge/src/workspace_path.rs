//! `/api/v1/w/{slug}/…`: a session's request names the workspace it works in. The operations'
//! routes are written once, without it: the prefix is taken off before routing and kept in the
//! request as [`WorkspaceSlug`], which `Access` resolves to a membership (or 404).

use axum::http::{uri::PathAndQuery, Request, Uri};

/// The workspace a request's path named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSlug(pub String);

/// Moves `/api/v1/w/{slug}/rest` (and `/api/w/{slug}/rest`) to `/api/v1/rest`, remembering the slug.
pub fn take_workspace<B>(mut request: Request<B>) -> Request<B> {
    if let Some((slug, path)) = split(request.uri()) {
        if let Ok(path) = path.parse::<PathAndQuery>() {
            let mut parts = request.uri().clone().into_parts();
            parts.path_and_query = Some(path);
            if let Ok(uri) = Uri::from_parts(parts) {
                *request.uri_mut() = uri;
                request.extensions_mut().insert(WorkspaceSlug(slug));
            }
        }
    }
    request
}

fn split(uri: &Uri) -> Option<(String, String)> {
    let path = uri.path();
    let rest = path.strip_prefix("/api/v1/w/").or_else(|| path.strip_prefix("/api/w/"))?;
    let (slug, tail) = rest.split_once('/').unwrap_or((rest, ""));
    if slug.is_empty() {
        return None;
    }
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    Some((slug.to_owned(), format!("/api/v1/{tail}{query}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(path: &str) -> (String, Option<WorkspaceSlug>) {
        let request = take_workspace(Request::builder().uri(path).body(()).unwrap());
        (request.uri().to_string(), request.extensions().get::<WorkspaceSlug>().cloned())
    }

    #[test]
    fn the_workspace_prefix_is_taken_off_and_kept() {
        assert_eq!(
            moved("/api/v1/w/acme/assets?q=x"),
            ("/api/v1/assets?q=x".into(), Some(WorkspaceSlug("acme".into())))
        );
        assert_eq!(moved("/api/w/acme/events"), ("/api/v1/events".into(), Some(WorkspaceSlug("acme".into()))));
        assert_eq!(moved("/api/v1/assets"), ("/api/v1/assets".into(), None));
        assert_eq!(moved("/api/v1/w/"), ("/api/v1/w/".into(), None));
        assert_eq!(moved("/w/acme/library"), ("/w/acme/library".into(), None));
    }
}
