//! The web UI's server side: the server-rendered gallery and the server functions it calls.

mod common;

use common::{form, png, spawn_app};
use domain::dto::{AssetStatus, SearchResults, UploadReport};

#[tokio::test]
async fn gallery_is_server_rendered_with_the_assets() {
    let app = spawn_app().await;
    let report: UploadReport = app.upload(&[("sunset.png", png(64, 48))]).await.json().await.unwrap();
    app.wait_until_settled(report.accepted[0].id).await;

    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Library"));
    assert!(html.contains("sunset.png"), "the asset is in the server-rendered HTML");
    assert!(html.contains(&format!("/api/assets/{}/thumbnail", report.accepted[0].id)));
    assert!(html.contains("/pkg/dam.js"), "hydration script is linked");
    app.cleanup().await;
}

#[tokio::test]
async fn upload_server_function_stores_and_reports_each_file() {
    let app = spawn_app().await;
    let files = [("one.png", png(500, 100)), ("two.jpg", b"just text".to_vec())];
    let response = app.client.post(app.url("/api/fn/upload_files")).multipart(form(&files)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let report: UploadReport = response.json().await.unwrap();
    assert_eq!(report.accepted.len(), 1);
    assert_eq!(report.rejected[0].filename, "two.jpg");
    assert!(
        report.rejected[0].error.contains("is not an image: its content looks like"),
        "{}",
        report.rejected[0].error
    );
    assert_eq!(app.wait_until_settled(report.accepted[0].id).await.status, AssetStatus::Processed);

    let listed =
        app.client.post(app.url("/api/fn/search_assets")).form(&[("query[limit]", "10")]).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    let page: SearchResults = listed.json().await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].filename, "one.png");
    app.cleanup().await;
}

#[tokio::test]
async fn the_asset_page_shows_the_preview_and_metadata() {
    let app = spawn_app().await;
    let report: UploadReport = app.upload(&[("harbour.png", png(2000, 1000))]).await.json().await.unwrap();
    let id = report.accepted[0].id;
    app.wait_until_settled(id).await;

    let page = app.client.get(app.url(&format!("/assets/{id}"))).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("harbour.png"));
    assert!(html.contains(&format!("/api/assets/{id}/preview?format=jpg")), "the 1600 px preview is shown");
    assert!(html.contains("2000 × 1000"));
    assert!(html.contains(&report.accepted[0].checksum));
    let missing = app
        .client
        .get(app.url(&format!("/assets/{}", uuid::Uuid::now_v7())))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(missing.contains("asset not found"));
    app.cleanup().await;
}
