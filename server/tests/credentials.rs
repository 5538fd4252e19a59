//! Credentials under attack: what a planted form, a stray `Authorization` header, a guesser on
//! another address, a lost Redis and a reset password can and cannot do.

mod common;

use common::FetchJson as _;

use common::{bearer_client, browser_client, spawn_app_without_worker, TestApp};
use domain::policy::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn error_of(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    (status, body["detail"].as_str().unwrap_or_default().to_owned())
}

async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> StatusCode {
    browser_client()
        .post(app.url("/api/auth/login"))
        .header("origin", &app.address)
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn making_someone_admin_or_setting_their_password_needs_the_acting_admins_own_password() {
    let app = spawn_app_without_worker(&[]).await;
    let admin = app.create_user(Role::Admin).await;
    let editor = app.create_user(Role::Editor).await;
    let browser = app.sign_in(&admin).await;
    let change = |body: Value| {
        browser.patch(app.url(&format!("/api/users/{}", editor.id))).header("origin", &app.address).json(&body).send()
    };

    // What a form planted on a page would send: same origin, the admin's cookie, no password.
    for body in [json!({"role": "admin"}), json!({"password": "chosen by the attacker"})] {
        let (status, error) = error_of(change(body.clone()).await.unwrap()).await;
        assert_eq!(status, 403, "{body}");
        assert!(error.contains("without confirming with your own password"), "{error}");
    }
    let (status, error) =
        error_of(change(json!({"role": "admin", "confirm_password": "a guess"})).await.unwrap()).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::FORBIDDEN, "you are not allowed to do this: the password you confirmed with is not yours")
    );
    let unchanged: Value = bearer_client(&app.token_for(&admin).await).get(app.url("/api/users")).fetch_json().await;
    let row =
        unchanged["items"].as_array().unwrap().iter().find(|u| u["email"] == editor.email.as_str()).unwrap().clone();
    assert_eq!(row["role"], "editor");

    // Other changes need no confirmation; these two do, and then work.
    assert_eq!(change(json!({"display_name": "Ed"})).await.unwrap().status(), 200);
    assert_eq!(change(json!({"role": "admin", "confirm_password": admin.password})).await.unwrap().status(), 200);
    let reset = change(json!({"password": "set by an admin now", "confirm_password": admin.password})).await.unwrap();
    assert_eq!(reset.status(), 200);
    assert_eq!(login_from(&app, "127.0.0.1", &editor.email, "set by an admin now").await, 200);
    app.cleanup().await;
}

#[tokio::test]
async fn a_reset_password_revokes_the_persons_tokens_and_sessions() {
    let app = spawn_app_without_worker(&[]).await;
    let admin = app.create_user(Role::Admin).await;
    let editor = app.create_user(Role::Editor).await;
    let editor_session = app.sign_in(&editor).await;
    let editor_script = bearer_client(&app.token_for(&editor).await);
    let reset = bearer_client(&app.token_for(&admin).await)
        .patch(app.url(&format!("/api/users/{}", editor.id)))
        .json(&json!({"password": "a fresh password here", "confirm_password": admin.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert_eq!(editor_session.get(app.url("/api/auth/me")).send().await.unwrap().status(), 401);
    let (status, error) = error_of(editor_script.get(app.url("/api/auth/me")).send().await.unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(error, "this API token is not valid: it was revoked, it expired, or it is mistyped");
    app.cleanup().await;
}

#[tokio::test]
async fn only_a_valid_bearer_token_switches_a_request_away_from_its_cookie() {
    let app = spawn_app_without_worker(&[("API_RATE_PER_SECOND", "1"), ("API_RATE_BURST", "5")]).await;
    let viewer = app.create_user(Role::Viewer).await;
    let browser = app.sign_in(&viewer).await;

    // A forged cross-site request gains nothing from an Authorization header of another scheme,
    // or from a bearer token that is not one.
    for authorization in ["Basic Z2FyYmFnZTpnYXJiYWdl", "Digest x", "garbage", "Bearer garbage"] {
        let forged = browser
            .post(app.url("/api/tokens"))
            .header("origin", "https://evil.example")
            .header("authorization", authorization)
            .json(&json!({"name": "planted"}))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403, "{authorization}");
    }
    // A wrong bearer token is refused, never taken for the cookie's person or for nobody.
    let (status, error) = error_of(
        browser
            .get(app.url("/api/auth/me"))
            .header("authorization", "Bearer dam_pat_not_a_real_one")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::UNAUTHORIZED, "this API token is not valid: it was revoked, it expired, or it is mistyped")
    );

    // Random non-bearer headers draw from the session's quota, like the cookie alone.
    let mut statuses = Vec::new();
    for i in 0..12 {
        let r = browser.get(app.url("/api/assets")).header("authorization", format!("Basic random{i}")).send().await;
        statuses.push(r.unwrap().status().as_u16());
    }
    assert_eq!(&statuses[..5], &[200; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_guesser_on_another_address_cannot_lock_a_person_out_but_cannot_guess_on() {
    let app = spawn_app_without_worker(&[
        ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ("LOGIN_RATE_PER_ACCOUNT_AND_IP", "5"),
        ("LOGIN_RATE_PER_ACCOUNT", "20"),
        ("LOGIN_RATE_PER_IP", "100"),
    ])
    .await;
    let person = app.create_user(Role::Editor).await;
    // Five wrong passwords from the guesser's address: it is stopped there …
    for _ in 0..5 {
        assert_eq!(login_from(&app, "203.0.113.66", &person.email, "guess").await, 401);
    }
    assert_eq!(login_from(&app, "203.0.113.66", &person.email, &person.password).await, 429);
    // … while the person, elsewhere, signs in as usual.
    assert_eq!(login_from(&app, "198.51.100.7", &person.email, &person.password).await, 200);

    // Guessing from many addresses meets the account's own, looser limit.
    let mut last = StatusCode::OK;
    for i in 0..30 {
        last = login_from(&app, &format!("203.0.113.{i}"), &person.email, "guess").await;
        if last == 429 {
            break;
        }
    }
    assert_eq!(last, 429, "the account's limit stops guesses spread over addresses");
    app.cleanup().await;
}

#[tokio::test]
async fn share_link_passwords_are_limited_per_visitor_address_too() {
    let app =
        spawn_app_without_worker(&[("TRUSTED_PROXIES", "127.0.0.1/32"), ("LOGIN_RATE_PER_ACCOUNT_AND_IP", "3")]).await;
    let upload = app.upload(&[("quay.png", common::png(64, 48))]).await;
    let id = upload.json::<Value>().await.unwrap()["accepted"][0]["id"].as_str().unwrap().to_owned();
    let expires = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let link: Value = app
        .client
        .post(app.url("/api/shares"))
        .json(&json!({"asset_id": id, "expires_at": expires, "password": "harbour lights"}))
        .fetch_json()
        .await;
    let token = link["path"].as_str().unwrap().trim_start_matches("/s/").to_owned();
    let unlock = |address: &'static str, password: &'static str| {
        let token = token.clone();
        let app = &app;
        async move {
            browser_client()
                .post(app.url("/api/fn/unlock_share"))
                .header("origin", &app.address)
                .header("x-forwarded-for", address)
                .form(&[("token", token.as_str()), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..3 {
        assert_eq!(unlock("203.0.113.5", "wrong").await, 403);
    }
    assert_eq!(unlock("203.0.113.5", "harbour lights").await, 429);
    assert_eq!(unlock("198.51.100.9", "harbour lights").await, 200, "another visitor is not locked out");
    app.cleanup().await;
}

/// A Redis of the test's own, so it can be stopped under the running application.
struct OwnRedis {
    child: std::process::Child,
    url: String,
}

impl OwnRedis {
    async fn start() -> Self {
        let port = common::free_port();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed");
        let url = format!("redis://127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        OwnRedis { child, url }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn without_redis_nobody_signs_in_because_guesses_cannot_be_counted() {
    let redis = OwnRedis::start().await;
    let app = spawn_app_without_worker(&[("REDIS_URL", &redis.url)]).await;
    let person = app.create_user(Role::Viewer).await;
    assert_eq!(login_from(&app, "127.0.0.1", &person.email, &person.password).await, 200);
    drop(redis);
    let response = browser_client()
        .post(app.url("/api/auth/login"))
        .header("origin", &app.address)
        .json(&json!({ "email": person.email, "password": person.password }))
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(response).await;
    assert_eq!(status, 503);
    assert!(error.contains("signing in is paused for a moment"), "{error}");
    domain::db::drop_database(&app.services.config.migration_database_url).await.unwrap();
    let _ = std::fs::remove_dir_all(&app.storage_dir);
}

/// Someone checking where they are signed in sees "Safari on iPhone", not a user-agent string.
#[tokio::test]
async fn sessions_are_listed_by_the_device_they_were_opened_on() {
    let app = spawn_app_without_worker(&[]).await;
    let user = app.create_user(Role::Viewer).await;
    let phone = browser_client();
    let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    let signed_in = phone
        .post(app.url("/api/auth/login"))
        .header("origin", &app.address)
        .header("user-agent", iphone)
        .json(&json!({ "email": user.email, "password": user.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let script = app.sign_in(&user).await;
    let sessions: Value = script.get(app.url("/api/v1/sessions")).fetch_json().await;
    let devices: Vec<&Value> = sessions["items"].as_array().unwrap().iter().map(|s| &s["device"]).collect();
    assert!(devices.contains(&&json!("Safari on iPhone")), "{sessions}");
    assert!(devices.contains(&&Value::Null), "a client that names no browser has no device name: {sessions}");
    app.cleanup().await;
}
