//! The S3 backend against a real S3-protocol server (s3s-fs, in-process, SigV4 checked): objects
//! large and small, multipart uploads that are completed or aborted, presigned links, the whole
//! upload → process → download path, and resumable uploads whose unaligned tails live in the
//! database while several replicas take turns.

mod common;

use common::FetchJson as _;

use std::time::Duration;

use common::{s3_server::S3Server, sha256_hex, spawn_app_with, spawn_app_without_worker, TestApp};
use domain::{
    dto::{AssetStatus, DerivativeKind},
    storage::{Storage, PART_SIZE},
    Config, Services,
};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use uuid::Uuid;

const MIB: usize = 1 << 20;

fn s3_config(server: &S3Server, bucket: &str) -> Config {
    let vars = server.config(bucket);
    let dir = std::env::temp_dir().join(format!("dam-s3-scratch-{}", Uuid::new_v4().simple()));
    Config::from_lookup(|name| match name {
        "STORAGE_DIR" => Some(dir.to_string_lossy().into_owned()),
        _ => vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()),
    })
    .unwrap()
}

/// Pseudo-random bytes that do not compress and differ by seed.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

#[tokio::test]
async fn objects_of_any_size_round_trip_and_unfinished_writes_leave_nothing() {
    let server = S3Server::start().await;
    let config = s3_config(&server, "dam-objects");
    let storage = Storage::open(&config).await.expect("connects and creates the bucket");

    // Small: one PUT.
    storage.put("thumbnails/a/320.webp", b"small").await.unwrap();
    assert_eq!(storage.read("thumbnails/a/320.webp").await.unwrap(), b"small");

    // 100 MB in 1 MiB writes: a multipart upload of 8 MiB parts (13 parts), memory one part.
    let big = noise(100_000_000, 1);
    let mut writer = storage.begin_write("originals/big.mp4").await.unwrap();
    for chunk in big.chunks(MIB) {
        writer.write(chunk).await.unwrap();
    }
    assert!(
        matches!(storage.read("originals/big.mp4").await, Err(domain::storage::StorageError::NotFound(_))),
        "not visible before commit"
    );
    writer.commit().await.unwrap();
    let back = storage.read("originals/big.mp4").await.unwrap();
    assert_eq!((back.len(), sha256_hex(&back)), (big.len(), sha256_hex(&big)));
    let stored = server.root.join("dam-objects/originals/big.mp4");
    assert_eq!(std::fs::metadata(&stored).unwrap().len(), 100_000_000);

    // A tool's scratch copy holds the same bytes and is gone when dropped.
    let copy = storage.local_file("originals/big.mp4").await.unwrap();
    assert_eq!(sha256_hex(&std::fs::read(&*copy).unwrap()), sha256_hex(&big));
    let copy_path = copy.to_path_buf();
    drop(copy);
    assert!(!copy_path.exists(), "scratch copy left behind");

    // Abandoned after two parts went out: no object, and the parts are aborted.
    let mut abandoned = storage.begin_write("originals/abandoned.mp4").await.unwrap();
    abandoned.write(&big[..2 * PART_SIZE + 10]).await.unwrap();
    assert!(!server.leftover_entries().is_empty(), "two parts were sent");
    drop(abandoned);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !server.leftover_entries().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "parts still there: {:?}", server.leftover_entries());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(matches!(storage.read("originals/abandoned.mp4").await, Err(domain::storage::StorageError::NotFound(_))));

    storage.delete("originals/big.mp4").await.unwrap();
    storage.delete("originals/big.mp4").await.expect("deleting twice is fine");
    assert!(!stored.exists());
    let _ = std::fs::remove_dir_all(&config.storage_dir);
}

async fn spawn_on_s3(server: &S3Server, with_worker: bool) -> TestApp {
    let bucket = format!("dam-{}", &Uuid::new_v4().simple().to_string()[..12]);
    let vars = server.config(&bucket);
    let overrides: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if with_worker {
        spawn_app_with(&overrides).await
    } else {
        spawn_app_without_worker(&overrides).await
    }
}

/// The link the app redirects a signed-in viewer to.
async fn link_of(app: &TestApp, path: &str) -> String {
    let token = app.token_for(&app.create_user(domain::policy::Role::Viewer).await).await;
    let response = common::bearer_client_no_redirect(&token).get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT, "{path}");
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn assets_on_s3_are_processed_and_served_from_presigned_links() {
    let server = S3Server::start().await;
    let app = spawn_on_s3(&server, true).await;

    let photo = common::jpeg(1600, 1200);
    let clip = common::test_clip().await;

    let response = app.upload(&[("photo.jpg", photo.clone()), ("clip.mp4", clip.clone())]).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let report: domain::dto::UploadReport = response.json().await.unwrap();
    let (photo_id, clip_id) = (report.accepted[0].id, report.accepted[1].id);
    for id in [photo_id, clip_id] {
        let settled = app.wait_until_settled(id).await;
        assert_eq!(settled.status, AssetStatus::Processed, "{:?}", settled.failure_reason);
    }
    assert_eq!(common::derivative_size(&app.asset(photo_id).await, DerivativeKind::Thumbnail, "jpg"), (320, 240));
    assert_eq!(common::derivative_size(&app.asset(clip_id).await, DerivativeKind::Transcode, "720p"), (1280, 720));

    // Everything is in the bucket under the usual keys; nothing on local disk but scratch.
    let bucket_dir = server.root.join(app.services.config.s3.as_ref().unwrap().bucket.as_str());
    assert!(bucket_dir.join(format!("originals/{photo_id}.jpg")).exists());
    assert!(bucket_dir.join(format!("transcodes/{clip_id}/720p.mp4")).exists());
    assert!(app.stored_files("originals").is_empty() && app.stored_files("thumbnails").is_empty());
    assert!(app.stored_files(".tmp").is_empty(), "scratch copies left behind: {:?}", app.stored_files(".tmp"));

    // The app checks access, then redirects to a presigned link on the store itself.
    let original = link_of(&app, &format!("/api/assets/{photo_id}/original")).await;
    assert!(original.starts_with(&server.endpoint), "{original}");
    assert!(original.contains("X-Amz-Signature=") && original.contains("response-content-disposition="), "{original}");
    let fetched = app.anonymous.get(&original).send().await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(sha256_hex(&fetched.bytes().await.unwrap()), sha256_hex(&photo));
    assert_eq!(
        app.anonymous.get(app.url(&format!("/api/assets/{photo_id}/original"))).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // Players seek with byte ranges on the rendition's link.
    let rendition = link_of(&app, &format!("/api/assets/{clip_id}/transcode?format=720p")).await;
    let range = app.anonymous.get(&rendition).header("range", "bytes=0-99").send().await.unwrap();
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.bytes().await.unwrap().len(), 100);

    // A changed link is refused by the store; so is one past its time.
    let tampered = original.replace(&format!("originals/{photo_id}.jpg"), &format!("originals/{clip_id}.mp4"));
    assert_eq!(app.anonymous.get(&tampered).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let Storage::S3(s3) = &app.services.storage else { panic!("S3 storage") };
    let short = s3.presigned_get(&format!("originals/{photo_id}.jpg"), None, 1).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(app.anonymous.get(&short).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    // The same content uploaded again is the same asset; nothing is stored or processed twice.
    let again = app.upload(&[("photo copy.jpg", photo.clone())]).await;
    assert_eq!(again.status(), StatusCode::OK, "nothing was created");
    let again: domain::dto::UploadReport = again.json().await.unwrap();
    assert!(again.accepted.is_empty());
    assert_eq!(again.duplicates[0].existing.id, photo_id);
    assert!(again.duplicates[0].existing.thumbnail_url.is_some(), "the existing asset as it is now");
    assert!(again.duplicates[0].message.contains("is already in the library as"), "{}", again.duplicates[0].message);
    assert_eq!(std::fs::read_dir(bucket_dir.join("originals")).unwrap().count(), 2);

    app.cleanup().await;
}

struct Replica {
    address: String,
}

/// A second server process's worth of state (its own connections, no shared memory) on the same
/// database and bucket, as another replica behind a load balancer would be.
async fn second_replica(app: &TestApp) -> Replica {
    let services = Services::start((*app.services.config).clone()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::serve(listener, server::router(services)));
    Replica { address }
}

async fn patch(
    client: &reqwest::Client,
    base: &str,
    upload: &str,
    offset: usize,
    bytes: &[u8],
    checksum: Option<&[u8]>,
) -> reqwest::Response {
    let mut request = client
        .patch(format!("{base}{upload}"))
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", offset)
        .header("content-type", "application/offset+octet-stream")
        .body(bytes.to_vec());
    if let Some(sum) = checksum {
        use base64::Engine;
        request = request
            .header("upload-checksum", format!("sha256 {}", base64::engine::general_purpose::STANDARD.encode(sum)));
    }
    request.send().await.unwrap()
}

async fn create_upload(app: &TestApp, length: usize, name: &str) -> String {
    use base64::Engine;
    let metadata = format!("filename {}", base64::engine::general_purpose::STANDARD.encode(name));
    let created = app
        .client
        .post(app.url("/api/uploads"))
        .header("tus-resumable", "1.0.0")
        .header("upload-length", length)
        .header("upload-metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    created.headers()["location"].to_str().unwrap().trim_start_matches(&app.address).to_owned()
}

async fn staged_row(app: &TestApp, upload: &str) -> (usize, usize, i64) {
    let id: Uuid = upload.rsplit('/').next().unwrap().parse().unwrap();
    let row = domain::entities::upload::Entity::find_by_id(id).one(&app.db()).await.unwrap().unwrap();
    (row.parts.len(), row.tail.map_or(0, |t| t.len()), row.received)
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

#[tokio::test]
async fn resumable_uploads_on_s3_send_whole_parts_and_keep_the_tail_in_the_database_across_replicas() {
    let server = S3Server::start().await;
    let app = spawn_on_s3(&server, false).await;
    let other = second_replica(&app).await;
    let (a, b) = (app.address.clone(), other.address.clone());
    let bytes = common::pdf_like(21 * MIB + 12_345, 7);
    let upload = create_upload(&app, bytes.len(), "brochure.pdf").await;

    // 3 MiB: less than a part, so all of it is the tail, kept in Postgres.
    assert_eq!(patch(&app.client, &a, &upload, 0, &bytes[..3 * MIB], None).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(staged_row(&app, &upload).await, (0, 3 * MIB, 3 * MIB as i64));
    // On the other replica: 6 MiB more makes one 8 MiB part; 1 MiB stays behind.
    assert_eq!(
        patch(&app.client, &b, &upload, 3 * MIB, &bytes[3 * MIB..9 * MIB], None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(staged_row(&app, &upload).await, (1, MIB, 9 * MIB as i64));
    // A request whose checksum fails sent part 2 on its way, but counts for nothing…
    let failed = patch(&app.client, &a, &upload, 9 * MIB, &bytes[9 * MIB..19 * MIB], Some(&[0u8; 32])).await;
    assert_eq!(failed.status().as_u16(), 460);
    assert_eq!(staged_row(&app, &upload).await, (1, MIB, 9 * MIB as i64));
    // …and the same bytes sent again (other replica) replace it.
    let chunk = &bytes[9 * MIB..19 * MIB];
    assert_eq!(
        patch(&app.client, &b, &upload, 9 * MIB, chunk, Some(&sha256(chunk))).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(staged_row(&app, &upload).await, (2, 3 * MIB, 19 * MIB as i64));
    let last = patch(&app.client, &a, &upload, 19 * MIB, &bytes[19 * MIB..], None).await;
    assert_eq!(last.status(), StatusCode::NO_CONTENT);
    let asset_id: Uuid = last.headers()["asset-id"].to_str().unwrap().parse().unwrap();

    let asset = domain::entities::asset::Entity::find_by_id(asset_id).one(&app.db()).await.unwrap().unwrap();
    assert_eq!((asset.size as usize, asset.checksum.as_str()), (bytes.len(), sha256_hex(&bytes).as_str()));
    let stored = app.services.storage.read(&asset.original_path).await.unwrap();
    assert!(stored == bytes, "the object is the file, byte for byte");
    assert!(server.leftover_entries().is_empty(), "multipart state left: {:?}", server.leftover_entries());

    // The same content again: the same asset, and the new multipart upload is aborted.
    let again = create_upload(&app, bytes.len(), "brochure again.pdf").await;
    let done = patch(&app.client, &b, &again, 0, &bytes, None).await;
    assert_eq!(done.headers()["asset-id"].to_str().unwrap(), asset_id.to_string());
    assert!(server.leftover_entries().is_empty(), "{:?}", server.leftover_entries());

    // Cancelled half-way: its parts go too.
    let cancelled = create_upload(&app, bytes.len(), "cancelled.pdf").await;
    patch(&app.client, &a, &cancelled, 0, &bytes[..10 * MIB], None).await;
    assert!(!server.leftover_entries().is_empty());
    let deleted = app.client.delete(app.url(&cancelled)).header("tus-resumable", "1.0.0").send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(server.leftover_entries().is_empty(), "{:?}", server.leftover_entries());

    app.cleanup().await;
}

#[tokio::test]
async fn a_browser_can_put_straight_to_s3_and_the_api_checks_what_arrived() {
    use domain::dto::{AssetView, DirectUploadTicket, NewDirectUpload};
    let server = S3Server::start().await;
    let app = spawn_on_s3(&server, false).await;
    let bucket_dir = server.root.join(app.services.config.s3.as_ref().unwrap().bucket.as_str());
    let start = |filename: &str, size: usize| {
        let new = NewDirectUpload { filename: filename.into(), size: size as u64, bulk: false };
        let request = app.client.post(app.url("/api/uploads/direct")).json(&new);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            response.json::<DirectUploadTicket>().await.unwrap()
        }
    };

    let photo = common::jpeg(1200, 800);
    let ticket = start("launch poster.jpg", photo.len()).await;
    assert!(
        ticket.put_url.starts_with(&server.endpoint) && ticket.put_url.contains("X-Amz-Signature="),
        "{}",
        ticket.put_url
    );
    let early = app.client.post(app.url(&ticket.confirm_url)).send().await.unwrap();
    assert_eq!(early.status(), StatusCode::CONFLICT, "nothing was PUT yet");
    // The link is the permission: no token, as from a browser.
    let put = app.anonymous.put(&ticket.put_url).body(photo.clone()).send().await.unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    let confirmed = app.client.post(app.url(&ticket.confirm_url)).send().await.unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert!(confirmed.headers().get("asset-duplicate").is_none(), "new content");
    let asset: AssetView = confirmed.json().await.unwrap();
    assert_eq!(
        (asset.filename.as_str(), asset.mime.as_str(), asset.size),
        ("launch poster.jpg", "image/jpeg", photo.len() as i64)
    );
    let original = std::fs::read(bucket_dir.join(format!("originals/{}.jpg", asset.id))).unwrap();
    assert!(original == photo);
    assert!(!bucket_dir.join(format!("incoming/{}", ticket.id)).exists(), "the incoming copy is removed");
    let again: AssetView = app.client.post(app.url(&ticket.confirm_url)).fetch_json().await;
    assert_eq!(again.id, asset.id, "confirming twice is the same asset");

    // The same content sent again: the answer is the asset that has it, marked, and nothing is kept.
    let ticket = start("poster again.jpg", photo.len()).await;
    app.anonymous.put(&ticket.put_url).body(photo.clone()).send().await.unwrap();
    let duplicate = app.client.post(app.url(&ticket.confirm_url)).send().await.unwrap();
    assert_eq!(duplicate.status(), StatusCode::OK);
    assert_eq!(duplicate.headers().get("asset-duplicate").map(|v| v.to_str().unwrap()), Some("?1"));
    assert_eq!(duplicate.json::<AssetView>().await.unwrap().id, asset.id);
    let asked_again = app.client.post(app.url(&ticket.confirm_url)).send().await.unwrap();
    assert_eq!(
        asked_again.headers().get("asset-duplicate").map(|v| v.to_str().unwrap()),
        Some("?1"),
        "the same answer"
    );
    let originals = std::fs::read_dir(bucket_dir.join("originals")).unwrap().count();
    assert_eq!(originals, 1, "the second copy was not kept");
    assert_eq!(
        app.anonymous.post(app.url(&ticket.confirm_url)).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // Content, not the name, decides; a refused file is removed from the store.
    let disguised = b"<html><script>alert(1)</script></html>".to_vec();
    let ticket = start("innocent.jpg", disguised.len()).await;
    app.anonymous.put(&ticket.put_url).body(disguised).send().await.unwrap();
    let refused = app.client.post(app.url(&ticket.confirm_url)).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(!bucket_dir.join(format!("incoming/{}", ticket.id)).exists());

    // Fewer bytes than announced: refused, and the PUT can be made again.
    let ticket = start("short.png", 5000).await;
    app.anonymous.put(&ticket.put_url).body(common::png(8, 8)).send().await.unwrap();
    let short = app.client.post(app.url(&ticket.confirm_url)).send().await.unwrap();
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    assert!(short.text().await.unwrap().contains("send the file again"));

    app.cleanup().await;
}
