//! File versions: a new file for an existing asset keeps the asset (title, tags, links) and its
//! earlier files, listed and downloadable; the same content again changes nothing; emptying the
//! trash removes every version's file.

mod common;

use common::FetchJson as _;

use common::{png, sha256_hex, spawn_app, TestApp};
use domain::{
    dto::{AssetStatus, FileVersionView, Page, UploadReport},
    policy::Role,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

async fn upload_version(
    client: &reqwest::Client,
    app: &TestApp,
    id: Uuid,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let response = client
        .post(app.url(&format!("/api/assets/{id}/versions")))
        .multipart(common::form(&[(name, bytes)]))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn versions(app: &TestApp, id: Uuid) -> Vec<FileVersionView> {
    let page: Page<FileVersionView> = app.client.get(app.url(&format!("/api/assets/{id}/versions"))).fetch_json().await;
    page.items
}

#[tokio::test]
async fn a_new_file_becomes_the_next_version_and_keeps_the_earlier_ones() {
    let app = spawn_app().await;
    let first = png(200, 100);
    let report: UploadReport = app.upload(&[("poster.png", first.clone())]).await.json().await.unwrap();
    let id = report.accepted[0].id;
    assert_eq!(app.wait_until_settled(id).await.status, AssetStatus::Processed);
    let described = app
        .client
        .patch(app.url(&format!("/api/assets/{id}")))
        .json(&json!({ "title": "Spring poster" }))
        .send()
        .await
        .unwrap();
    assert!(described.status().is_success());

    let second = png(100, 200);
    let (status, body) = upload_version(&app.client, &app, id, "poster-final.png", second.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["version"], 2);
    let asset = app.wait_until_settled(id).await;
    assert_eq!(asset.status, AssetStatus::Processed, "processed again");
    assert_eq!(
        (asset.id, asset.version, asset.width, asset.height),
        (id, 2, Some(100), Some(200)),
        "same asset, the new file's size"
    );
    assert_eq!((asset.title.as_str(), asset.filename.as_str()), ("Spring poster", "poster-final.png"));
    assert_eq!(asset.checksum, sha256_hex(&second));

    let listed = versions(&app, id).await;
    let summary: Vec<(i32, &str, bool)> = listed.iter().map(|v| (v.version, v.filename.as_str(), v.current)).collect();
    assert_eq!(summary, [(2, "poster-final.png", true), (1, "poster.png", false)]);
    assert!(listed.iter().all(|v| v.uploaded_by.as_deref().is_some_and(|e| e.starts_with("editor-"))));
    let old = app.client.get(app.url(&listed[1].download_url)).send().await.unwrap();
    assert_eq!(old.status(), StatusCode::OK);
    assert_eq!(old.bytes().await.unwrap().to_vec(), first, "the earlier file, byte for byte");

    // The same content as the current file: nothing changes, nothing is stored.
    let originals_before = app.stored_files("originals").len();
    let (status, body) = upload_version(&app.client, &app, id, "again.png", second).await;
    assert_eq!((status, &body["unchanged"]), (StatusCode::OK, &json!(true)));
    assert_eq!(app.asset(id).await.version, 2);
    assert_eq!(app.stored_files("originals").len(), originals_before);

    // Another kind of file, or a viewer: refused, nothing stored.
    let (status, body) = upload_version(&app.client, &app, id, "clip.mp4", common::test_clip().await).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(body["detail"].as_str().unwrap().contains("must be one too"), "{body}");
    let viewer = app.create_user(Role::Viewer).await;
    let viewer = common::bearer_client(&app.token_for(&viewer).await);
    assert_eq!(upload_version(&viewer, &app, id, "x.png", png(10, 10)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.stored_files("originals").len(), originals_before);
    assert_eq!(versions(&app, id).await.len(), 2);

    // Emptying the trash removes every version's file.
    let admin = app.create_user(Role::Admin).await;
    let admin = common::bearer_client(&app.token_for(&admin).await);
    assert!(app.client.delete(app.url(&format!("/api/assets/{id}"))).send().await.unwrap().status().is_success());
    assert!(admin.delete(app.url("/api/trash")).send().await.unwrap().status().is_success());
    assert!(app.stored_files("originals").is_empty(), "{:?}", app.stored_files("originals"));
    app.cleanup().await;
}
