//! The endpoints that are not yet operations of the API table (uploads, files, pages, and the
//! areas still moving; tests/operations.rs generates the cases of the table's operations) against
//! every role, anonymous included: below the endpoint's role the answer is 401 (nobody signed in)
//! or 403 (too little), at or above it the request does what it says.

mod common;

use common::{png, spawn_app};
use domain::{
    dto::{AssetStatus, UploadReport},
    policy::Role,
};
use reqwest::{Method, StatusCode};

enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Upload,
    /// A tus upload creation (headers, no body).
    TusCreate,
}

struct Case {
    name: &'static str,
    method: Method,
    path: String,
    body: Body,
    /// The least role that may call it; `None` for everyone, signed in or not.
    minimum: Option<Role>,
    success: StatusCode,
}

fn case(
    name: &'static str,
    method: Method,
    path: impl Into<String>,
    body: Body,
    minimum: Option<Role>,
    success: u16,
) -> Case {
    Case { name, method, path: path.into(), body, minimum, success: StatusCode::from_u16(success).unwrap() }
}

struct Caller {
    label: &'static str,
    role: Option<Role>,
    client: reqwest::Client,
}

fn cases_for(asset: uuid::Uuid) -> Vec<Case> {
    use Method as M;
    use Role::*;
    vec![
        // JSON API and server functions outside the operations table
        case("thumbnail", M::GET, format!("/api/assets/{asset}/thumbnail"), Body::None, Some(Viewer), 307),
        case("download original", M::GET, format!("/api/assets/{asset}/original"), Body::None, Some(Viewer), 307),
        case("upload", M::POST, "/api/assets", Body::Upload, Some(Editor), 201),
        case(
            "download a selection",
            M::POST,
            "/api/downloads/zip",
            Body::Form(vec![("ids", asset.to_string())]),
            Some(Viewer),
            200,
        ),
        case("start a resumable upload", M::POST, "/api/uploads", Body::TusCreate, Some(Editor), 201),
        case("me", M::GET, "/api/auth/me", Body::None, Some(Viewer), 200),
        case("fn current_user", M::POST, "/api/fn/current_user", Body::Form(vec![]), None, 200),
        case("fn sso_options", M::POST, "/api/fn/sso_options", Body::Form(vec![]), None, 200),
        case("fn upload_files", M::POST, "/api/fn/upload_files", Body::Upload, Some(Editor), 200),
        // Pages: 200 when allowed; 302 to the sign-in page for nobody, 403 for too little
        case("page library", M::GET, "/", Body::None, Some(Viewer), 200),
        case("page settings", M::GET, "/settings", Body::None, Some(Viewer), 200),
        case("page trash", M::GET, "/trash", Body::None, Some(Editor), 200),
        case("page dashboard", M::GET, "/admin", Body::None, Some(Admin), 200),
        case("page users", M::GET, "/admin/users", Body::None, Some(Admin), 200),
        case("page audit", M::GET, "/admin/audit", Body::None, Some(Admin), 200),
    ]
}

#[tokio::test]
async fn every_endpoint_answers_every_role_as_the_policy_says() {
    let app = spawn_app().await;
    let report: UploadReport = app.upload(&[("seed.png", png(640, 480))]).await.json().await.unwrap();
    let asset = report.accepted[0].id;
    assert_eq!(app.wait_until_settled(asset).await.status, AssetStatus::Processed);

    let no_redirects = || reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    let mut callers = vec![Caller { label: "anonymous", role: None, client: no_redirects().build().unwrap() }];
    for role in Role::ALL {
        let user = app.create_user(role).await;
        let secret = app.token_for(&user).await;
        let bearer = [(reqwest::header::AUTHORIZATION, format!("Bearer {secret}").parse().unwrap())];
        let client = no_redirects().default_headers(reqwest::header::HeaderMap::from_iter(bearer)).build().unwrap();
        callers.push(Caller { label: role.as_str(), role: Some(role), client });
    }

    let mut failures = Vec::new();
    let mut checked = 0;
    for caller in &callers {
        for case in cases_for(asset) {
            let mut request = caller.client.request(case.method.clone(), app.url(&case.path));
            if !case.path.starts_with("/api") {
                request = request.header("accept", "text/html"); // as a browser asks for a page
            }
            request = match case.body {
                Body::None => request,
                Body::Form(fields) => request.form(&fields),
                // New content each time: known content is answered as a duplicate (200).
                Body::Upload => {
                    static SEEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                    let width = 40 + SEEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    request.multipart(common::form(&[("m.png", png(width, 30))]))
                }
                Body::TusCreate => request
                    .header("tus-resumable", "1.0.0")
                    .header("upload-length", "100")
                    .header("upload-metadata", "filename bS5wbmc="),
            };
            let status = request.send().await.unwrap().status();
            let allowed = match (case.minimum, caller.role) {
                (None, _) => true,
                (Some(min), Some(role)) => role >= min,
                (Some(_), None) => false,
            };
            let expected = match (allowed, caller.role, case.path.starts_with("/api")) {
                (true, _, _) => case.success,
                (false, None, true) => StatusCode::UNAUTHORIZED,
                (false, None, false) => StatusCode::FOUND,
                (false, Some(_), _) => StatusCode::FORBIDDEN,
            };
            checked += 1;
            if status != expected {
                failures.push(format!(
                    "{:<9} {:<22} {} {}: got {status}, expected {expected}",
                    caller.label, case.name, case.method, case.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 4 * 15);

    // The sign-in page: shown to nobody-in-particular, skipped for the signed-in.
    for caller in &callers {
        let response = caller.client.get(app.url("/login")).header("accept", "text/html").send().await.unwrap();
        match caller.role {
            None => assert_eq!(response.status(), 200),
            Some(_) => {
                assert_eq!(response.status(), 302, "{}", caller.label);
                assert_eq!(response.headers()["location"], "/");
            }
        }
    }
    app.cleanup().await;
}
