//! Resumable uploads (tus 1.0) with the real `tus-js-client` from npm running in Node, against
//! the server in-process and as a real `dam-server` process that is killed and started again; plus
//! the protocol's refusals, checked request by request.

mod common;

use common::FetchJson as _;

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use common::{sha256_hex, spawn_app_without_worker, start_server, wait_until_up, TestApp};
use domain::{dto::AssetView, policy::Role};
use reqwest::StatusCode;

const MIB: usize = 1 << 20;

/// A PDF-looking file of `size` bytes, written to `dir`.
fn sample_file(dir: &Path, size: usize, seed: u32) -> (PathBuf, Vec<u8>) {
    let bytes = common::pdf_like(size, seed);
    let path = dir.join(format!("sample-{seed}.pdf"));
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

fn tus_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/tus/upload.mjs")
}

/// Runs the Node client to the end (off the test's runtime thread, which serves the app); returns
/// its JSON events.
async fn run_client(endpoint: &str, token: &str, file: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut command = Command::new("node");
    command.arg(tus_script()).args([endpoint, token]).arg(file).args(extra);
    let out = tokio::task::spawn_blocking(move || command.output().expect("node is installed")).await.unwrap();
    let events: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert!(out.status.success(), "tus client failed: {events:?} {}", String::from_utf8_lossy(&out.stderr));
    events
}

fn last_with<'a>(events: &'a [serde_json::Value], key: &str) -> &'a serde_json::Value {
    events.iter().rev().find(|e| e.get(key).is_some()).unwrap_or_else(|| panic!("no {key} in {events:?}"))
}

async fn asset(app: &TestApp, id: &str) -> AssetView {
    app.client.get(app.url(&format!("/api/assets/{id}"))).fetch_json().await
}

async fn offset_of(app: &TestApp, token: &str, upload_url: &str) -> u64 {
    let head = common::bearer_client(token)
        .head(app.url(upload_url.trim_start_matches(&app.address)))
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    head.headers()["upload-offset"].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn tus_js_client_uploads_resumes_after_a_cut_and_identical_content_is_not_stored_twice() {
    let app = spawn_app_without_worker(&[]).await;
    let editor = app.create_user(Role::Editor).await;
    let token = app.token_for(&editor).await;
    let dir = tempfile::tempdir().unwrap();
    let (file, bytes) = sample_file(dir.path(), 24 * MIB, 1);
    let endpoint = app.url("/api/uploads");

    // Stop a third of the way in: the client aborts the request in flight (4 MiB per request).
    let cut = run_client(
        &endpoint,
        &token,
        &file,
        &["--chunk-size", &(4 * MIB).to_string(), "--abort-after", &(10 * MIB).to_string()],
    )
    .await;
    let upload_url = last_with(&cut, "aborted")["aborted"].as_str().unwrap().to_owned();
    let kept = offset_of(&app, &token, &upload_url).await;
    assert!(
        kept >= 8 * MIB as u64 && kept < bytes.len() as u64,
        "what was acknowledged before the cut is kept: {kept}"
    );

    // Resume where the server says it stands.
    let resumed = run_client(&endpoint, &token, &file, &["--upload-url", &upload_url]).await;
    let done = last_with(&resumed, "done");
    let id = done["asset"].as_str().expect("the final response names the asset").to_owned();
    let stored = asset(&app, &id).await;
    assert_eq!(
        (stored.size, stored.checksum.as_str(), stored.filename.as_str()),
        (bytes.len() as i64, sha256_hex(&bytes).as_str(), "sample-1.pdf")
    );
    let original = app.client.get(app.url(&stored.original_url)).send().await.unwrap().bytes().await.unwrap();
    assert!(original == bytes, "the stored original is the file, byte for byte");
    assert!(app.stored_files(".uploads").is_empty(), "nothing left in staging");

    // The same content again: the existing asset, no second copy.
    let again = run_client(&endpoint, &token, &file, &["--chunk-size", &(5 * MIB).to_string()]).await;
    assert_eq!(last_with(&again, "done")["asset"].as_str(), Some(id.as_str()));
    let page: serde_json::Value = app.client.get(app.url("/api/assets")).fetch_json().await;
    assert_eq!(page["total"], 1);
    assert_eq!(app.stored_files("originals").len(), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn an_upload_carries_on_after_the_server_process_is_killed_and_started_again() {
    let app = spawn_app_without_worker(&[]).await;
    let editor = app.create_user(Role::Editor).await;
    let token = app.token_for(&editor).await;
    let dir = tempfile::tempdir().unwrap();
    let (file, bytes) = sample_file(dir.path(), 40 * MIB, 2);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = start_server(&app, port);
    wait_until_up(port).await;

    let mut client = Command::new("node")
        .arg(tus_script())
        .args([&format!("http://127.0.0.1:{port}/api/uploads"), &token])
        .arg(&file)
        .args(["--chunk-size", &(4 * MIB).to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(client.stdout.take().unwrap()).lines();
    // Kill the server (no goodbye) once a third has gone, then start a new process.
    loop {
        let line = lines.next().expect("the client reports progress").unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert!(event.get("error").is_none(), "{event}");
        if event["progress"].as_u64().is_some_and(|sent| sent >= (bytes.len() / 3) as u64) {
            break;
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let mut restarted = start_server(&app, port);
    wait_until_up(port).await;

    let events: Vec<serde_json::Value> = tokio::task::spawn_blocking(move || {
        lines.map_while(Result::ok).filter_map(|l| serde_json::from_str(&l).ok()).collect()
    })
    .await
    .unwrap();
    assert!(client.wait().unwrap().success(), "{events:?}");
    let id = last_with(&events, "done")["asset"].as_str().unwrap().to_owned();
    let stored = asset(&app, &id).await;
    assert_eq!(
        (stored.size, stored.checksum),
        (bytes.len() as i64, sha256_hex(&bytes)),
        "the new process hashed the stored prefix and went on"
    );
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    app.cleanup().await;
}

#[tokio::test]
async fn the_protocol_refuses_what_it_must() {
    let app = spawn_app_without_worker(&[("MAX_UPLOAD_BYTES", "1000000")]).await;
    let tus = |request: reqwest::RequestBuilder| request.header("tus-resumable", "1.0.0");
    let create = |length: &str, name: &str| {
        let metadata = format!("filename {}", base64_of(name.as_bytes()));
        tus(app.client.post(app.url("/api/uploads")))
            .header("upload-length", length)
            .header("upload-metadata", metadata)
    };
    let patch = |url: &str, offset: u64, body: Vec<u8>| {
        tus(app.client.patch(app.url(url)))
            .header("upload-offset", offset)
            .header("content-type", "application/offset+octet-stream")
            .body(body)
    };

    let options = app.anonymous.request(reqwest::Method::OPTIONS, app.url("/api/uploads")).send().await.unwrap();
    assert_eq!(options.headers()["tus-version"], "1.0.0");
    assert!(options.headers()["tus-extension"].to_str().unwrap().contains("creation-with-upload"));
    assert_eq!(
        app.client.post(app.url("/api/uploads")).header("upload-length", "10").send().await.unwrap().status(),
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(create("2000000", "big.pdf").send().await.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(create("0", "empty.pdf").send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        tus(app.anonymous.post(app.url("/api/uploads"))).header("upload-length", "10").send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // Creation with upload: the first bytes come with the POST.
    let (_, bytes) = sample_file(tempfile::tempdir().unwrap().path(), 100_000, 3);
    let created = create(&bytes.len().to_string(), "doc.pdf")
        .header("content-type", "application/offset+octet-stream")
        .body(bytes[..30_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.headers()["upload-offset"], "30000");
    assert!(created.headers().contains_key("upload-expires"));
    let url = created.headers()["location"].to_str().unwrap().to_owned();

    assert_eq!(
        patch(&url, 10, bytes[10..20].to_vec()).send().await.unwrap().status(),
        StatusCode::CONFLICT,
        "wrong offset"
    );
    let wrong_type = tus(app.client.patch(app.url(&url)))
        .header("upload-offset", 30_000)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let bad_checksum = patch(&url, 30_000, bytes[30_000..40_000].to_vec())
        .header("upload-checksum", format!("sha256 {}", base64_of(&[0u8; 32])))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_checksum.status().as_u16(), 460, "checksum mismatch");
    let good_checksum = patch(&url, 30_000, bytes[30_000..40_000].to_vec())
        .header("upload-checksum", format!("sha256 {}", base64_of(&sha256(&bytes[30_000..40_000]))))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (good_checksum.status(), good_checksum.headers()["upload-offset"].to_str().unwrap()),
        (StatusCode::NO_CONTENT, "40000")
    );
    let past_the_end = patch(&url, 40_000, vec![0u8; 70_000]).send().await.unwrap();
    assert_eq!(past_the_end.status(), StatusCode::BAD_REQUEST);

    // A connection that breaks mid-request: what arrived is kept and counted.
    {
        use tokio::io::AsyncWriteExt;
        let token = app.token_for(&app.create_user(Role::Editor).await).await;
        let client = common::bearer_client(&token);
        let created = tus(client.post(app.url("/api/uploads")))
            .header("upload-length", bytes.len())
            .header("upload-metadata", format!("filename {}", base64_of(b"cut.pdf")))
            .send()
            .await
            .unwrap();
        let cut_url = created.headers()["location"].to_str().unwrap().to_owned();
        let mut socket = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
        let head = format!(
            "PATCH {cut_url} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {}\r\n\r\n",
            bytes.len()
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&bytes[..30_000]).await.unwrap();
        socket.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(socket);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let offset = tus(client.head(app.url(&cut_url))).send().await.unwrap().headers()["upload-offset"]
                .to_str()
                .unwrap()
                .to_owned();
            if offset == "30000" {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the 30 000 bytes before the break were not kept (offset {offset})"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(tus(client.delete(app.url(&cut_url))).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    }

    // Uploads are private to whoever started them.
    let other = common::bearer_client(&app.token_for(&app.create_user(Role::Editor).await).await);
    assert_eq!(
        other.head(app.url(&url)).header("tus-resumable", "1.0.0").send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Termination removes it, bytes and all.
    assert_eq!(tus(app.client.delete(app.url(&url))).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(tus(app.client.head(app.url(&url))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert!(app.stored_files(".uploads").is_empty());

    // The content is judged as soon as its first bytes are in.
    let disguised = create("5000", "notes.jpg").send().await.unwrap();
    let disguised_url = disguised.headers()["location"].to_str().unwrap().to_owned();
    let refused = patch(&disguised_url, 0, vec![b'a'; 5000]).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(refused.text().await.unwrap().contains("is not an image: its content looks like plain text"));
    assert_eq!(tus(app.client.head(app.url(&disguised_url))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Expired unfinished uploads answer 410 and are swept away.
    let stale = create("5000", "old.pdf")
        .header("content-type", "application/offset+octet-stream")
        .body(bytes[..100].to_vec())
        .send()
        .await
        .unwrap();
    let stale_url = stale.headers()["location"].to_str().unwrap().to_owned();
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db(),
        "UPDATE uploads SET expires_at = now() - interval '1 minute'",
    )
    .await
    .unwrap();
    assert_eq!(tus(app.client.head(app.url(&stale_url))).send().await.unwrap().status(), StatusCode::GONE);
    assert_eq!(domain::uploads::remove_expired(&app.services).await.unwrap(), 1);
    assert!(app.stored_files(".uploads").is_empty());
    app.cleanup().await;
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}
