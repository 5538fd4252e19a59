//! Live status: `/api/events` announces every status change of an asset as it happens.

mod common;

use common::FetchJson as _;

use std::time::Duration;

use common::{png, spawn_app};
use domain::dto::UploadReport;

#[tokio::test]
async fn the_event_stream_announces_uploaded_processing_and_processed() {
    let app = spawn_app().await;
    assert_eq!(app.anonymous.get(app.url("/api/events")).send().await.unwrap().status(), 401);

    let mut stream = app.client.get(app.url("/api/events")).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    tokio::time::sleep(Duration::from_millis(200)).await; // the listener is subscribed

    let report: UploadReport = app.upload(&[("live.png", png(100, 80))]).await.json().await.unwrap();
    let id = report.accepted[0].id.to_string();

    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    // Each event names its asset's workspace (a stream passes on only its own workspace's).
    let announced =
        |status: &str| format!(r#"{{"id" : "{id}", "status" : "{status}", "workspace" : "{}"}}"#, app.workspace);
    while !seen.contains(&announced("processed")) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("processed event in time")
            .unwrap()
            .expect("stream open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    // Where each status was first announced: all three, in the order they happened.
    let at: Vec<Option<usize>> =
        ["uploaded", "processing", "processed"].into_iter().map(|status| seen.find(&announced(status))).collect();
    assert!(at.iter().all(Option::is_some), "every status announced: {seen}");
    assert!(at.windows(2).all(|w| w[0] < w[1]), "announced in order: {seen}");
    assert!(seen.contains("event: asset"));
    app.cleanup().await;
}

/// On SIGTERM the server stops at once even with a browser listening to live events: the stream
/// ends (the browser reconnects, to another replica) instead of holding the process until it is
/// killed.
#[tokio::test]
async fn a_stopping_server_ends_event_streams_and_exits() {
    let app = common::spawn_app_without_worker(&[]).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = common::start_server(&app, port);
    common::wait_until_up(port).await;
    let token = app.token_for(&app.create_user(domain::policy::Role::Viewer).await).await;
    let client = common::bearer_client(&token);
    let mut stream = client.get(format!("http://127.0.0.1:{port}/api/events")).send().await.unwrap();
    assert_eq!(stream.status(), 200);

    let stop = std::process::Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(stop.success());
    let ended =
        tokio::time::timeout(Duration::from_secs(10), async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(ended.is_ok(), "the event stream ended after SIGTERM");
    let exited = tokio::task::spawn_blocking(move || {
        for _ in 0..100 {
            if let Some(status) = server.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        server.kill().unwrap();
        None
    })
    .await
    .unwrap();
    assert!(exited.is_some_and(|s| s.success()), "dam-server exited by itself, cleanly: {exited:?}");
    app.cleanup().await;
}

/// A stream opened with a token stops once the token is revoked (and one opened with a session,
/// once that session ends): it does not keep telling a signed-out person what happens.
#[tokio::test]
async fn the_event_stream_ends_when_its_token_or_session_is_revoked() {
    let app = common::spawn_app_without_worker(&[]).await;
    let user = app.create_user(domain::policy::Role::Viewer).await;
    let browser = app.sign_in(&user).await;
    let token = app.token_for(&user).await;
    let script = common::bearer_client(&token);
    let mut by_token = script.get(app.url("/api/events")).send().await.unwrap();
    let mut by_session = browser.get(app.url("/api/events")).send().await.unwrap();
    assert_eq!((by_token.status().as_u16(), by_session.status().as_u16()), (200, 200));

    let tokens: serde_json::Value = script.get(app.url("/api/tokens")).fetch_json().await;
    let tokens = &tokens["items"];
    let revoked = browser
        .delete(app.url(&format!("/api/tokens/{}", tokens[0]["id"].as_str().unwrap())))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let ended =
        tokio::time::timeout(Duration::from_secs(25), async { while let Ok(Some(_)) = by_token.chunk().await {} })
            .await;
    assert!(ended.is_ok(), "the token's stream ended after the token was revoked");

    let out = browser.post(app.url("/api/auth/logout")).header("origin", &app.address).send().await.unwrap();
    assert!(out.status().is_success(), "{}", out.status());
    let ended =
        tokio::time::timeout(Duration::from_secs(25), async { while let Ok(Some(_)) = by_session.chunk().await {} })
            .await;
    assert!(ended.is_ok(), "the session's stream ended after signing out");
    app.cleanup().await;
}
