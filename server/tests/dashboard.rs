//! The admin dashboard's figures (`GET /api/admin/overview`) follow what happens: uploads,
//! downloads and views of today (also before Redis is flushed, and not twice after), storage by
//! originals and derivatives, most downloaded, failures with their reasons; the queues' figures
//! and the same as Prometheus metrics.

mod common;

use common::FetchJson as _;

use common::{jpeg, png, spawn_app};
use domain::{
    dto::{AssetStatus, Overview, QueueReport, UploadReport},
    policy::Role,
};
use reqwest::StatusCode;

#[tokio::test]
async fn the_overview_counts_what_happened_today() {
    let app = spawn_app().await;
    let admin = app.create_user(Role::Admin).await;
    let admin = common::bearer_client(&app.token_for(&admin).await);
    let overview = || async { admin.get(app.url("/api/admin/overview")).fetch_json::<Overview>().await };
    let empty = overview().await;
    assert_eq!(empty.days.len(), 30);
    assert_eq!((empty.days[29].uploads, empty.days[29].downloads, empty.original_bytes), (0, 0, 0));
    // The charts' other spans, and a sentence for one they cannot cover.
    for days in [7, 90, 365] {
        let chosen: Overview = admin.get(app.url(&format!("/api/admin/overview?days={days}"))).fetch_json().await;
        assert_eq!(chosen.days.len(), days);
    }
    for (days, status) in [
        ("0", StatusCode::BAD_REQUEST),
        ("366", StatusCode::BAD_REQUEST),
        ("-3", StatusCode::BAD_REQUEST),
        ("many", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let refused = admin.get(app.url(&format!("/api/admin/overview?days={days}"))).send().await.unwrap();
        assert_eq!(refused.status(), status, "days={days}");
        let problem: serde_json::Value = refused.json().await.unwrap();
        assert!(problem["detail"].as_str().unwrap_or_default().contains("day"), "days={days}: {problem}");
    }

    let mut broken = jpeg(800, 600);
    broken.truncate(broken.len() / 3);
    let (wide, tall) = (png(300, 200), png(200, 300));
    let report: UploadReport = app
        .upload(&[("wide.png", wide.clone()), ("tall.png", tall.clone()), ("broken.jpg", broken.clone())])
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<_> = report.accepted.iter().map(|a| a.id).collect();
    for id in &ids {
        app.wait_until_settled(*id).await;
    }
    assert_eq!(app.asset(ids[2]).await.status, AssetStatus::Failed);
    for _ in 0..2 {
        app.client.get(app.url(&format!("/api/assets/{}/original", ids[0]))).send().await.unwrap();
    }
    let viewed = app
        .client
        .post(app.url("/api/fn/get_asset"))
        .form(&[("input[id]", ids[1].to_string()), ("input[viewing]", "true".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(viewed.status(), StatusCode::OK);

    // Before the counters are flushed, today's figures already include them.
    let live = overview().await;
    let today = live.days.last().unwrap();
    assert_eq!((today.uploads, today.downloads, today.views), (3, 2, 1));
    assert_eq!(live.kinds.iter().map(|k| (k.kind.as_str(), k.assets)).collect::<Vec<_>>(), [("image", 3)]);
    assert_eq!(live.original_bytes, (wide.len() + tall.len() + broken.len()) as i64);
    assert!(live.derivative_bytes > 0);
    assert_eq!(live.latest.len(), 3);
    assert_eq!(live.failed_total, 1);
    assert_eq!(live.failed[0].name, "broken.jpg");
    assert!(!live.failed[0].reason.is_empty());

    // After the flush: the same figures (not counted twice), and the most downloaded list.
    app.services.usage.flush(&app.db()).await.unwrap();
    let flushed = overview().await;
    let today = flushed.days.last().unwrap();
    assert_eq!((today.uploads, today.downloads, today.views), (3, 2, 1));
    assert_eq!(
        flushed.most_downloaded.iter().map(|a| (a.name.as_str(), a.count)).collect::<Vec<_>>(),
        [("wide.png", 2)]
    );

    assert_eq!(
        app.client.get(app.url("/api/admin/overview")).send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "editors do not see it"
    );

    // The queues: what was done, how fast, how long it took. (apalis acknowledges a job a moment
    // after its outcome is recorded; until then Redis still counts it as active.)
    let mut queues: Vec<QueueReport> = Vec::new();
    for _ in 0..50 {
        queues = admin.get(app.url("/api/queues")).fetch_json().await;
        if queues.iter().all(|q| q.backlog == 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let image = queues.iter().find(|q| q.queue == "image").unwrap();
    assert_eq!((image.backlog, image.completed, image.failed), (0, 2, 1));
    assert!(image.jobs_per_minute > 0.0 && image.median_seconds.is_some_and(|s| s >= 0.0), "{image:?}");
    assert!(!image.workers.is_empty(), "the test's worker is alive");

    // The same figures for Prometheus, for admins only.
    let metrics = admin.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(metrics.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = metrics.text().await.unwrap();
    for line in [
        "dam_queue_backlog{queue=\"image\"} 0.0",
        "dam_queue_completed{queue=\"image\"} 2.0",
        "dam_queue_failed{queue=\"image\"} 1.0",
        "dam_usage_today{event=\"download\"} 2.0",
        "dam_assets{kind=\"image\"} 3.0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing from:\n{text}");
    }
    assert!(text.contains("# TYPE dam_queue_backlog gauge"));
    // Request times per route pattern (ids do not make new series).
    assert!(text.contains("# TYPE dam_http_request_duration_seconds histogram"), "{text}");
    let queues_route = text
        .lines()
        .find(|l| l.starts_with("dam_http_request_duration_seconds_count") && l.contains("route=\"/api/queues\""))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(queues_route.contains("method=\"GET\"") && queues_route.contains("status=\"2xx\""), "{queues_route}");
    let asset_routes: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("dam_http_request_duration_seconds_count") && l.contains("route=\"/api/assets/"))
        .collect();
    assert!(!asset_routes.is_empty() && asset_routes.iter().all(|l| l.contains("{id}")), "{asset_routes:?}");
    assert_eq!(app.anonymous.get(app.url("/metrics")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.client.get(app.url("/metrics")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    app.cleanup().await;
}

/// `/healthz` says the process is up; `/readyz` whether it can work — and which dependency is
/// missing when it cannot (the reason itself goes to the log, not to anonymous callers).
#[tokio::test]
async fn readiness_follows_the_dependencies_and_says_which_is_missing() {
    let app = common::spawn_app_without_worker(&[]).await;
    let ready = || async {
        let response = app.anonymous.get(app.url("/readyz")).send().await.unwrap();
        (response.status(), response.json::<serde_json::Value>().await.unwrap())
    };
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, serde_json::json!({"ready": true, "postgres": "ok", "redis": "ok", "storage": "ok"}));

    // The storage directory goes away (an unmounted volume): not ready, alive all the same.
    let moved = app.storage_dir.with_extension("away");
    std::fs::rename(&app.storage_dir, &moved).unwrap();
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, serde_json::json!({"ready": false, "postgres": "ok", "redis": "ok", "storage": "unavailable"}));
    assert_eq!(app.anonymous.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);

    std::fs::rename(&moved, &app.storage_dir).unwrap();
    assert_eq!(ready().await.0, StatusCode::OK);
    app.cleanup().await;
}

/// A worker serves its own figures (WORKER_METRICS_ADDR): jobs by queue and outcome, and how long
/// they took; with /healthz and /readyz for the orchestrator.
#[tokio::test]
async fn a_worker_reports_its_jobs_for_prometheus() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let app = common::spawn_app_with(&[("WORKER_METRICS_ADDR", addr.as_str())]).await;
    let mut broken = jpeg(640, 480);
    broken.truncate(broken.len() / 3);
    let report: UploadReport =
        app.upload(&[("fine.png", png(64, 48)), ("broken.jpg", broken)]).await.json().await.unwrap();
    for asset in &report.accepted {
        app.wait_until_settled(asset.id).await;
    }

    let worker = reqwest::Client::new();
    let text = worker.get(format!("http://{addr}/metrics")).send().await.unwrap().text().await.unwrap();
    for line in [
        "dam_jobs_total{queue=\"image\",outcome=\"processed\"} 1",
        "dam_jobs_total{queue=\"image\",outcome=\"failed\"} 1",
        "dam_job_duration_seconds_count{queue=\"image\",outcome=\"processed\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing from:\n{text}");
    }
    assert_eq!(worker.get(format!("http://{addr}/healthz")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(worker.get(format!("http://{addr}/readyz")).send().await.unwrap().status(), StatusCode::OK);
    app.cleanup().await;
}
