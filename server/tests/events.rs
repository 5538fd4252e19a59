//! Live status: `/api/events` announces every status change of an asset as it happens.

mod common;

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
    while !seen.contains(&format!(r#"{{"id" : "{id}", "status" : "processed"}}"#)) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk()).await.expect("processed event in time").unwrap().expect("stream open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let order: Vec<&str> = ["uploaded", "processing", "processed"]
        .into_iter()
        .filter(|status| seen.contains(&format!(r#"{{"id" : "{id}", "status" : "{status}"}}"#)))
        .collect();
    assert_eq!(order, ["uploaded", "processing", "processed"], "events: {seen}");
    assert!(seen.contains("event: asset"));
    app.cleanup().await;
}
