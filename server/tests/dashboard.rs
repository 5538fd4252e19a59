//! The admin dashboard's figures (`GET /api/admin/overview`) follow what happens: uploads,
//! downloads and views of today (also before Redis is flushed, and not twice after), storage by
//! originals and derivatives, most downloaded, failures with their reasons.

mod common;

use common::{jpeg, png, spawn_app};
use domain::{
    dto::{AssetStatus, Overview, UploadReport},
    policy::Role,
};
use reqwest::StatusCode;

#[tokio::test]
async fn the_overview_counts_what_happened_today() {
    let app = spawn_app().await;
    let admin = app.create_user(Role::Admin).await;
    let admin = common::bearer_client(&app.token_for(&admin).await);
    let overview = || async { admin.get(app.url("/api/admin/overview")).send().await.unwrap().json::<Overview>().await.unwrap() };
    let empty = overview().await;
    assert_eq!(empty.days.len(), 30);
    assert_eq!((empty.days[29].uploads, empty.days[29].downloads, empty.original_bytes), (0, 0, 0));

    let mut broken = jpeg(800, 600);
    broken.truncate(broken.len() / 3);
    let (wide, tall) = (png(300, 200), png(200, 300));
    let report: UploadReport = app.upload(&[("wide.png", wide.clone()), ("tall.png", tall.clone()), ("broken.jpg", broken.clone())]).await.json().await.unwrap();
    let ids: Vec<_> = report.accepted.iter().map(|a| a.id).collect();
    for id in &ids {
        app.wait_until_settled(*id).await;
    }
    assert_eq!(app.asset(ids[2]).await.status, AssetStatus::Failed);
    for _ in 0..2 {
        app.client.get(app.url(&format!("/api/assets/{}/original", ids[0]))).send().await.unwrap();
    }
    let viewed = app.client.post(app.url("/api/fn/get_asset")).form(&[("id", ids[1].to_string()), ("viewing", "true".into())]).send().await.unwrap();
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
    app.services.usage.flush(&app.services.db).await.unwrap();
    let flushed = overview().await;
    let today = flushed.days.last().unwrap();
    assert_eq!((today.uploads, today.downloads, today.views), (3, 2, 1));
    assert_eq!(flushed.most_downloaded.iter().map(|a| (a.name.as_str(), a.count)).collect::<Vec<_>>(), [("wide.png", 2)]);

    assert_eq!(app.client.get(app.url("/api/admin/overview")).send().await.unwrap().status(), StatusCode::FORBIDDEN, "editors do not see it");
    app.cleanup().await;
}
