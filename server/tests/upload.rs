//! Upload → job → thumbnail, through the real HTTP API, Postgres, Redis, storage and worker.

mod common;

use common::FetchJson as _;

use common::{jpeg, png, sha256_hex, spawn_app, spawn_app_with, spawn_app_without_worker};
use domain::dto::{AssetStatus, DerivativeKind, SearchResults, UploadReport};
use sea_orm::EntityTrait;
use serde_json::Value;

#[tokio::test]
async fn uploaded_jpeg_is_processed_into_a_320px_thumbnail() {
    let app = spawn_app().await;
    let original = jpeg(1200, 800);

    let response = app.upload(&[("holiday.jpg", original.clone())]).await;
    assert_eq!(response.status(), 201);
    let report: UploadReport = response.json().await.unwrap();
    assert!(report.rejected.is_empty());
    let uploaded = &report.accepted[0];
    assert_eq!(uploaded.filename, "holiday.jpg");
    assert_eq!(uploaded.mime, "image/jpeg");
    assert_eq!(uploaded.size, original.len() as i64);
    assert_eq!(uploaded.checksum, sha256_hex(&original));

    let asset = app.wait_until_settled(uploaded.id).await;
    assert_eq!(asset.status, AssetStatus::Processed, "failure: {:?}", asset.failure_reason);
    assert_eq!((asset.width, asset.height), (Some(1200), Some(800)));

    let thumbnail = app.client.get(app.url(asset.thumbnail_url.as_deref().unwrap())).send().await.unwrap();
    assert_eq!(thumbnail.status(), 200);
    assert_eq!(thumbnail.headers()["content-type"], "image/jpeg");
    let decoded = image::load_from_memory(&thumbnail.bytes().await.unwrap()).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (320, 213));

    // The original downloads byte for byte, as an attachment.
    let download = app.client.get(app.url(&asset.original_url)).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"holiday.jpg\""));
    assert_eq!(download.bytes().await.unwrap().as_ref(), original.as_slice());
    app.cleanup().await;
}

#[tokio::test]
async fn text_file_named_jpg_is_refused_with_415_and_nothing_is_stored() {
    let app = spawn_app().await;

    let response = app.upload(&[("notes.jpg", b"meeting notes, definitely not a photo\n".to_vec())]).await;
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.unwrap();
    let message = body["detail"].as_str().unwrap();
    assert!(message.contains("“notes.jpg” is not an image: its content looks like plain text"), "{message}");

    let page: SearchResults = app.client.get(app.url("/api/assets")).fetch_json().await;
    assert_eq!(page.total, 0);
    assert!(app.stored_files("originals").is_empty());
    assert!(app.stored_files(".tmp").is_empty());
    app.cleanup().await;
}

#[tokio::test]
async fn each_file_of_a_multi_file_upload_is_judged_on_its_own() {
    let app = spawn_app().await;

    let response = app
        .upload(&[
            ("a.png", png(640, 480)),
            ("b.pdf.jpg", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3".to_vec()),
            ("c.jpg", jpeg(300, 900)),
        ])
        .await;
    assert_eq!(response.status(), 415, "a refused file sets the status");
    let report: UploadReport = response.json().await.unwrap();
    assert_eq!(report.accepted.iter().map(|a| a.filename.as_str()).collect::<Vec<_>>(), ["a.png", "c.jpg"]);
    assert_eq!(report.rejected.len(), 1);
    assert!(report.rejected[0].error.contains("application/pdf"), "{}", report.rejected[0].error);

    for accepted in &report.accepted {
        assert_eq!(app.wait_until_settled(accepted.id).await.status, AssetStatus::Processed);
    }
    // Portrait source: the long side is the height.
    let portrait = app.asset(report.accepted[1].id).await;
    let thumb = portrait.derivatives.iter().find(|d| d.kind == DerivativeKind::Thumbnail && d.label == "webp").unwrap();
    assert_eq!((thumb.width, thumb.height), (107, 320));
    let preview = portrait.derivatives.iter().find(|d| d.kind == DerivativeKind::Preview && d.label == "jpg").unwrap();
    assert_eq!((preview.width, preview.height), (300, 900), "never upscaled");
    let webp = app.client.get(app.url(&thumb.url)).send().await.unwrap();
    assert_eq!(webp.headers()["content-type"], "image/webp");
    let decoded = image::load_from_memory(&webp.bytes().await.unwrap()).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (107, 320));
    assert_eq!(app.stored_files("originals").len(), 2);
    app.cleanup().await;
}

#[tokio::test]
async fn corrupt_image_ends_failed_with_a_reason() {
    let app = spawn_app().await;
    let mut broken = jpeg(800, 600);
    broken.truncate(600); // the JPEG signature survives, the picture does not

    let response = app.upload(&[("broken.jpg", broken)]).await;
    assert_eq!(response.status(), 201, "the content is recognisably a JPEG, so it is stored");
    let report: UploadReport = response.json().await.unwrap();

    let asset = app.wait_until_settled(report.accepted[0].id).await;
    assert_eq!(asset.status, AssetStatus::Failed);
    let reason = asset.failure_reason.unwrap();
    assert!(reason.contains("corrupt or truncated"), "{reason}");
    assert!(asset.thumbnail_url.is_none());
    app.cleanup().await;
}

#[tokio::test]
async fn empty_and_oversized_files_are_refused_and_leave_nothing_behind() {
    let app = spawn_app_with(&[("MAX_UPLOAD_BYTES", "20000")]).await;

    let empty = app.upload(&[("empty.jpg", Vec::new())]).await;
    assert_eq!(empty.status(), 400);
    let body: Value = empty.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("is empty"));

    let big = jpeg(1600, 1200);
    assert!(big.len() > 20_000);
    let too_large = app.upload(&[("big.jpg", big)]).await;
    assert_eq!(too_large.status(), 413);
    let body: Value = too_large.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("larger than the limit of 19.5 KB"),
        "sizes as people read them: {body}"
    );

    let page: SearchResults = app.client.get(app.url("/api/assets")).fetch_json().await;
    assert_eq!(page.total, 0);
    assert!(app.stored_files("originals").is_empty());
    assert!(app.stored_files(".tmp").is_empty(), "partial upload left in .tmp");
    app.cleanup().await;
}

#[tokio::test]
async fn a_request_without_files_is_a_400() {
    let app = spawn_app().await;
    let not_multipart = app.client.post(app.url("/api/assets")).body("hello").send().await.unwrap();
    assert_eq!(not_multipart.status(), 400);
    let no_files = app
        .client
        .post(app.url("/api/assets"))
        .multipart(reqwest::multipart::Form::new().text("title", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_files.status(), 400);
    let body: Value = no_files.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("no files"));
    app.cleanup().await;
}

#[tokio::test]
async fn assets_are_listed_newest_first_in_pages() {
    let app = spawn_app().await;
    // Different content each: the same content again would be the same asset.
    for (width, name) in [(32, "first.png"), (33, "second.png"), (34, "third.png")] {
        assert_eq!(app.upload(&[(name, png(width, 32))]).await.status(), 201);
    }

    let page1: SearchResults = app.client.get(app.url("/api/assets?limit=2")).fetch_json().await;
    assert_eq!(page1.total, 3);
    assert_eq!(page1.items.iter().map(|a| a.filename.as_str()).collect::<Vec<_>>(), ["third.png", "second.png"]);
    let next = page1.next.expect("a second page");
    let page2: SearchResults = app.client.get(app.url(&format!("/api/assets?limit=2&after={next}"))).fetch_json().await;
    assert_eq!(page2.items.iter().map(|a| a.filename.as_str()).collect::<Vec<_>>(), ["first.png"]);
    assert!(page2.next.is_none(), "the last page says so");
    let bad_cursor = app.client.get(app.url("/api/assets?after=not-a-cursor")).send().await.unwrap();
    assert_eq!(bad_cursor.status(), 400);

    let missing = app.client.get(app.url(&format!("/api/assets/{}", uuid::Uuid::now_v7()))).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let not_an_id = app.client.get(app.url("/api/assets/not-a-uuid")).send().await.unwrap();
    assert_eq!(not_an_id.status(), 422, "an id that is not one is input the operation cannot read");
    app.cleanup().await;
}

#[tokio::test]
async fn waiting_assets_are_requeued_when_the_queue_was_lost() {
    // Upload while no worker runs, then lose Redis' contents (it keeps nothing on disk here).
    let mut app = spawn_app_without_worker(&[]).await;
    let report: UploadReport = app.upload(&[("late.png", png(400, 400))]).await.json().await.unwrap();
    // Dispatched to Redis as a worker's feeder does, then lost with Redis' contents.
    let image = domain::pipeline::QueueName::Image;
    assert_eq!(worker::feeder::feed_once(&app.services, image, 16).await.unwrap(), 1);
    let waiting = || async { app.services.jobs.depth(image).await.unwrap().waiting };
    assert_eq!(waiting().await, 1, "the upload's job is in Redis");
    app.flush_queues().await;
    assert_eq!(waiting().await, 0, "the job is gone from Redis");
    assert_eq!(app.asset(report.accepted[0].id).await.status, AssetStatus::Uploaded);

    app.start_worker();
    let asset = app.wait_until_settled(report.accepted[0].id).await;
    assert_eq!(asset.status, AssetStatus::Processed);
    app.cleanup().await;
}

/// One id follows an upload: the caller's (or a new) request id comes back on the response and
/// stays with the asset, whose processing logs it.
#[tokio::test]
async fn an_upload_keeps_the_id_of_its_request() {
    let app = spawn_app_without_worker(&[]).await;
    let traced = app
        .client
        .post(app.url("/api/assets"))
        .header("x-request-id", "trace-me-123")
        .multipart(common::form(&[("a.png", png(20, 10))]))
        .send()
        .await
        .unwrap();
    assert_eq!(traced.headers()["x-request-id"], "trace-me-123");
    let traced: UploadReport = traced.json().await.unwrap();

    let fresh = app
        .client
        .post(app.url("/api/assets"))
        .header("x-request-id", "not a token!")
        .multipart(common::form(&[("b.png", png(20, 12))]))
        .send()
        .await
        .unwrap();
    let given = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&given).is_ok(), "a new id replaces one that is not a plain token: {given}");
    let fresh: UploadReport = fresh.json().await.unwrap();

    let db = &app.db();
    let request_id = |id: uuid::Uuid| async move {
        domain::entities::asset::Entity::find_by_id(id).one(db).await.unwrap().unwrap().request_id
    };
    assert_eq!(request_id(traced.accepted[0].id).await.as_deref(), Some("trace-me-123"));
    assert_eq!(request_id(fresh.accepted[0].id).await, Some(given));
    app.cleanup().await;
}
