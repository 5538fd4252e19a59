//! Accounts and security behaviour through the real HTTP server.

mod common;

use common::FetchJson as _;

use common::{browser_client, png, spawn_app, spawn_app_with, spawn_app_without_worker, TestApp};
use domain::{
    accounts::secrets,
    dto::{AuditEntry, CreatedToken, Page, SessionView, UserView},
    entities::{api_token, session},
    policy::Role,
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

async fn login(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
    client
        .post(app.url("/api/auth/login"))
        .header("origin", &app.address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn audit(app: &TestApp, query: &str) -> Page<AuditEntry> {
    let admin = app.create_user(Role::Admin).await;
    let client = common::bearer_client(&app.token_for(&admin).await);
    let response = client.get(app.url(&format!("/api/audit?{query}"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_first_start_creates_one_admin_with_a_one_time_password() {
    let app = spawn_app_without_worker(&[]).await;
    // The harness made an editor already; a fresh install has nobody.
    domain::entities::user::Entity::delete_many().exec(&app.db()).await.unwrap();

    server::ensure_first_admin(&app.services).await.unwrap();
    server::ensure_first_admin(&app.services).await.unwrap();
    let users = domain::accounts::users::list(&app.db(), None, Default::default()).await.unwrap().items;
    assert_eq!(users.len(), 1, "created once, whatever the number of starts");
    assert_eq!((users[0].email.as_str(), users[0].role), ("admin@localhost", Role::Admin));
    assert!(users[0].password_hash.as_deref().unwrap().starts_with("$argon2id$"));
    app.cleanup().await;

    // With ADMIN_PASSWORD set, that password works.
    let app =
        spawn_app_without_worker(&[("ADMIN_EMAIL", "boss@example.test"), ("ADMIN_PASSWORD", "chosen by the operator")])
            .await;
    domain::entities::user::Entity::delete_many().exec(&app.db()).await.unwrap();
    server::ensure_first_admin(&app.services).await.unwrap();
    let response = login(&app, &browser_client(), "Boss@Example.test", "chosen by the operator").await;
    assert_eq!(response.status(), 200);
    let me: UserView = response.json().await.unwrap();
    assert_eq!(me.role, Role::Admin);
    app.cleanup().await;
}

#[tokio::test]
async fn a_session_cookie_signs_in_until_sign_out_and_is_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Viewer).await;
    let client = browser_client();

    let response = login(&app, &client, &user.email, &user.password).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["dam_session=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(cookie.contains(attribute), "{attribute} missing in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain-http installs cannot use Secure cookies");
    let secret = cookie.trim_start_matches("dam_session=").split(';').next().unwrap();
    let stored =
        session::Entity::find().filter(session::Column::UserId.eq(user.id)).one(&app.db()).await.unwrap().unwrap();
    assert_eq!(stored.token_hash, secrets::hash(secret));
    assert_ne!(stored.token_hash, secret);

    let me: UserView = client.get(app.url("/api/auth/me")).fetch_json().await;
    assert_eq!(me.email, user.email);

    let out = client.post(app.url("/api/auth/logout")).header("origin", &app.address).send().await.unwrap();
    assert_eq!(out.status(), 204);
    // The old cookie value is dead even if a client kept it.
    let replay = app
        .anonymous
        .get(app.url("/api/auth/me"))
        .header("cookie", format!("dam_session={secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    app.cleanup().await;
}

#[tokio::test]
async fn wrong_passwords_are_refused_audited_and_rate_limited_per_account_and_address() {
    let app = spawn_app_with(&[("LOGIN_RATE_PER_ACCOUNT_AND_IP", "3")]).await;
    let user = app.create_user(Role::Editor).await;
    let client = browser_client();

    for _ in 0..3 {
        let response = login(&app, &client, &user.email, "not the password").await;
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["detail"], "wrong e-mail or password");
    }
    // The limit holds even for the right password, so guessing cannot continue.
    let limited = login(&app, &client, &user.email, &user.password).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    // Another account from the same address is not affected.
    let other = app.create_user(Role::Viewer).await;
    assert_eq!(login(&app, &client, &other.email, &other.password).await.status(), 200);

    let failures = audit(&app, "action=session.login_failed").await;
    assert_eq!(failures.items.len(), 3);
    assert_eq!(failures.items[0].details["email"], user.email);
    assert_eq!(failures.items[0].ip.as_deref(), Some("127.0.0.1"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_client_address_comes_from_a_trusted_proxy_only() {
    // Not trusted: a forwarded address is ignored (anyone could send one).
    let app = spawn_app_with(&[("LOGIN_RATE_PER_IP", "2")]).await;
    for _ in 0..2 {
        let r = app
            .anonymous
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-for", "198.51.100.1")
            .json(&json!({"email": "x@y.z", "password": "nope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = app
        .anonymous
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", "198.51.100.2")
        .json(&json!({"email": "x@y.z", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the socket address is the client, whatever the header says");
    app.cleanup().await;

    // Trusted proxy: each forwarded client has its own limit and is recorded.
    let app = spawn_app_with(&[("LOGIN_RATE_PER_IP", "2"), ("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    for client_ip in ["198.51.100.1", "198.51.100.1", "198.51.100.2"] {
        let r = app
            .anonymous
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-for", client_ip)
            .json(&json!({"email": "x@y.z", "password": "nope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = app
        .anonymous
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", "198.51.100.1")
        .json(&json!({"email": "x@y.z", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let failures = audit(&app, "action=session.login_failed").await;
    assert_eq!(failures.items[0].ip.as_deref(), Some("198.51.100.2"));
    app.cleanup().await;
}

#[tokio::test]
async fn api_tokens_work_until_revoked_and_are_stored_hashed() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Viewer).await;
    let browser = app.sign_in(&user).await;

    let created = browser
        .post(app.url("/api/tokens"))
        .header("origin", &app.address)
        .json(&json!({"name": "nightly export"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: CreatedToken = created.json().await.unwrap();
    assert!(created.secret.starts_with("dam_pat_"));
    assert!(created.secret.starts_with(&created.token.prefix));
    let row = api_token::Entity::find_by_id(created.token.id).one(&app.db()).await.unwrap().unwrap();
    assert_eq!(row.token_hash, secrets::hash(&created.secret));

    let script = common::bearer_client(&created.secret);
    assert_eq!(script.get(app.url("/api/assets")).send().await.unwrap().status(), 200);
    assert_eq!(
        script
            .post(app.url("/api/assets"))
            .multipart(common::form(&[("x.png", png(10, 10))]))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "a token has its owner's role"
    );

    let revoked = browser
        .delete(app.url(&format!("/api/tokens/{}", created.token.id)))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let after = script.get(app.url("/api/assets")).send().await.unwrap();
    assert_eq!(after.status(), 401);
    assert!(after.headers().contains_key("www-authenticate"));
    let bogus = common::bearer_client("dam_pat_made-up").get(app.url("/api/assets")).send().await.unwrap();
    assert_eq!(bogus.status(), 401);
    app.cleanup().await;
}

#[tokio::test]
async fn sessions_expire_and_can_be_revoked_from_another_session() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Editor).await;
    let laptop = app.sign_in(&user).await;
    let phone = app.sign_in(&user).await;

    let sessions: Page<SessionView> = laptop.get(app.url("/api/sessions")).fetch_json().await;
    let sessions = sessions.items;
    assert_eq!(sessions.len(), 2);
    let phone_session = sessions.iter().find(|s| !s.current).unwrap();
    let r = laptop
        .delete(app.url(&format!("/api/sessions/{}", phone_session.id)))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(phone.get(app.url("/api/auth/me")).send().await.unwrap().status(), 401);
    assert_eq!(laptop.get(app.url("/api/auth/me")).send().await.unwrap().status(), 200);

    // Someone else's session cannot be touched (and is not even confirmed to exist).
    let stranger = app.sign_in(&app.create_user(Role::Editor).await).await;
    let laptop_session = sessions.iter().find(|s| s.current).unwrap();
    let r = stranger
        .delete(app.url(&format!("/api/sessions/{}", laptop_session.id)))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Expiry: once past expires_at the cookie no longer signs in.
    session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, (chrono::Utc::now() - chrono::Duration::minutes(1)).into())
        .filter(session::Column::Id.eq(laptop_session.id))
        .exec(&app.db())
        .await
        .unwrap();
    assert_eq!(laptop.get(app.url("/api/auth/me")).send().await.unwrap().status(), 401);
    app.cleanup().await;
}

#[tokio::test]
async fn disabling_a_user_ends_their_access_and_the_last_admin_stays() {
    let app = spawn_app().await;
    let admin = app.create_user(Role::Admin).await;
    let admin_client = common::bearer_client(&app.token_for(&admin).await);
    let editor = app.create_user(Role::Editor).await;
    let editor_session = app.sign_in(&editor).await;
    let editor_token = common::bearer_client(&app.token_for(&editor).await);

    let r = admin_client
        .patch(app.url(&format!("/api/users/{}", editor.id)))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(editor_session.get(app.url("/api/auth/me")).send().await.unwrap().status(), 401);
    assert_eq!(editor_token.get(app.url("/api/assets")).send().await.unwrap().status(), 401);
    let r = login(&app, &browser_client(), &editor.email, &editor.password).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["detail"], "this account is disabled; ask an administrator");

    let r = admin_client
        .patch(app.url(&format!("/api/users/{}", admin.id)))
        .json(&json!({"role": "editor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "the last admin cannot be demoted");
    let r = admin_client
        .post(app.url("/api/users"))
        .json(&json!({"email": editor.email.to_uppercase(), "role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "e-mails are unique, case-insensitively");

    let changes = audit(&app, &format!("target_type=user&target_id={}", editor.id)).await;
    assert!(changes
        .items
        .iter()
        .any(|e| e.action == "user.update" && e.details["disabled"] == true && e.actor == admin.email));
    app.cleanup().await;
}

#[tokio::test]
async fn cross_site_requests_with_a_session_cookie_are_refused() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Viewer).await;
    let browser = app.sign_in(&user).await;
    let new_token = json!({"name": "x"});

    let forged = browser
        .post(app.url("/api/tokens"))
        .header("origin", "https://evil.example")
        .json(&new_token)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(forged.json::<Value>().await.unwrap()["detail"]
        .as_str()
        .unwrap()
        .contains("you are not allowed to change anything from another site (https://evil.example)"));
    let no_origin = browser.post(app.url("/api/tokens")).json(&new_token).send().await.unwrap();
    assert_eq!(no_origin.status(), 403);
    let forged_fn = browser
        .post(app.url("/api/fn/create_token"))
        .header("origin", "https://evil.example")
        .form(&[("input[name]", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged_fn.status(), 403, "server functions too");

    let same_site = browser
        .post(app.url("/api/tokens"))
        .header("referer", format!("{}/settings", app.address))
        .json(&new_token)
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), 201);
    app.cleanup().await;
}

#[tokio::test]
async fn the_api_is_rate_limited_per_token() {
    let app = spawn_app_with(&[("API_RATE_PER_SECOND", "1"), ("API_RATE_BURST", "3")]).await;
    let viewer = app.create_user(Role::Viewer).await;
    let busy = common::bearer_client(&app.token_for(&viewer).await);
    let calm = common::bearer_client(&app.token_for(&viewer).await);

    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(busy.get(app.url("/api/assets")).send().await.unwrap().status().as_u16());
    }
    assert_eq!(&statuses[..3], &[200, 200, 200]);
    assert!(statuses[3..].contains(&429), "{statuses:?}");
    let limited = busy.get(app.url("/api/assets")).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(calm.get(app.url("/api/assets")).send().await.unwrap().status(), 200, "another token has its own quota");
    app.cleanup().await;
}

/// Replicas share the limits (Redis): a quota used up on one is used up on the other.
#[tokio::test]
async fn replicas_share_the_api_and_sign_in_limits() {
    let app = spawn_app_with(&[
        ("API_RATE_PER_SECOND", "1"),
        ("API_RATE_BURST", "3"),
        ("LOGIN_RATE_PER_ACCOUNT_AND_IP", "2"),
    ])
    .await;
    let other = app.second_replica().await;
    let viewer = app.create_user(Role::Viewer).await;
    let client = common::bearer_client(&app.token_for(&viewer).await);
    for _ in 0..3 {
        assert_eq!(client.get(app.url("/api/assets")).send().await.unwrap().status(), 200);
    }
    assert_eq!(
        client.get(format!("{other}/api/assets")).send().await.unwrap().status(),
        429,
        "the other replica counts the same quota"
    );

    let browser = browser_client();
    for _ in 0..2 {
        assert_eq!(login(&app, &browser, &viewer.email, "not the password").await.status(), 401);
    }
    let elsewhere = browser
        .post(format!("{other}/api/auth/login"))
        .header("origin", &other)
        .json(&json!({ "email": viewer.email, "password": viewer.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::TOO_MANY_REQUESTS, "guessing cannot go on at the other replica");
    app.cleanup().await;
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_stored_files_never_render_inline() {
    let app = spawn_app().await;
    let page = app.anonymous.get(app.url("/login")).header("accept", "text/html").send().await.unwrap();
    let headers = page.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the page's nonce");
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline")
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");

    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let html_file = b"<!doctype html><html><script>alert(document.cookie)</script></html>";
    for (name, bytes) in [("logo.svg", svg.to_vec()), ("page.html", html_file.to_vec())] {
        assert_eq!(app.upload(&[(name, bytes)]).await.status(), 415, "{name} is refused");
    }
    let report: domain::dto::UploadReport = app.upload(&[("ok.png", png(20, 20))]).await.json().await.unwrap();
    let download = app.client.get(app.url(&report.accepted[0].original_url)).send().await.unwrap();
    assert!(download.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert!(download.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    app.cleanup().await;
}

#[tokio::test]
async fn uploads_and_account_changes_are_in_the_audit_log() {
    let app = spawn_app().await;
    let report: domain::dto::UploadReport = app.upload(&[("audited.png", png(20, 20))]).await.json().await.unwrap();
    let id = report.accepted[0].id.to_string();

    let uploads = audit(&app, &format!("action=asset.&target_id={id}")).await;
    assert_eq!(uploads.items.len(), 1);
    let entry = &uploads.items[0];
    assert_eq!(entry.action, "asset.upload");
    assert!(entry.actor.starts_with("editor-"), "{}", entry.actor);
    assert_eq!(entry.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(entry.details["filename"], "audited.png");
    // The target is named as it is called now, not only by its id.
    assert_eq!(entry.target_name.as_deref(), Some("audited.png"));
    let described = app
        .client
        .patch(app.url(&format!("/api/assets/{id}")))
        .header("origin", &app.address)
        .json(&serde_json::json!({ "title": "Audited poster" }))
        .send()
        .await
        .unwrap();
    assert!(described.status().is_success(), "{}", described.status());
    let named = audit(&app, &format!("action=asset.upload&target_id={id}")).await;
    assert_eq!(named.items[0].target_name.as_deref(), Some("Audited poster"));

    let today = chrono::Utc::now().date_naive();
    let window = audit(&app, &format!("from={}T00:00:00Z&action=token.create", today)).await;
    assert!(!window.items.is_empty(), "tokens made by the harness today");
    let future = audit(&app, &format!("from={}T00:00:00Z", today + chrono::Duration::days(2))).await;
    assert!(future.items.is_empty());
    app.cleanup().await;
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one_and_ends_other_sessions_and_tokens() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Viewer).await;
    let here = app.sign_in(&user).await;
    let elsewhere = app.sign_in(&user).await;
    let change = |current: &str, new: &str| {
        here.post(app.url("/api/auth/password"))
            .header("origin", &app.address)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };

    let script = common::bearer_client(&app.token_for(&user).await);
    let other_script = common::bearer_client(&app.token_for(&user).await);
    assert_eq!(script.get(app.url("/api/auth/me")).send().await.unwrap().status(), 200);

    assert_eq!(change("wrong", "a brand new password").await.unwrap().status(), 403);
    assert_eq!(change(&user.password, "short").await.unwrap().status(), 400);
    let changed = change(&user.password, "a brand new password").await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.json::<Value>().await.unwrap(), json!({"sessions_ended": 1, "tokens_revoked": 2}));
    assert_eq!(here.get(app.url("/api/auth/me")).send().await.unwrap().status(), 200);
    assert_eq!(elsewhere.get(app.url("/api/auth/me")).send().await.unwrap().status(), 401);
    // Whoever knew the old password may have made a token: none works any more.
    for client in [&script, &other_script] {
        let refused = client.get(app.url("/api/auth/me")).send().await.unwrap();
        assert_eq!(refused.status(), 401);
        assert!(refused.json::<Value>().await.unwrap()["detail"].as_str().unwrap().contains("API token is not valid"));
    }
    assert_eq!(login(&app, &browser_client(), &user.email, "a brand new password").await.status(), 200);
    app.cleanup().await;
}
