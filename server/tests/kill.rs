//! A worker killed with SIGKILL in the middle of a job: another worker takes the asset over once
//! the dead one's heartbeat has stopped, and it still ends processed.

mod common;

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use common::spawn_app_without_worker;
use domain::dto::{AssetStatus, UploadReport};

/// The `dam-worker` binary built beside this test.
fn worker_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|deps| deps.parent()).unwrap().join("dam-worker")
}

#[tokio::test]
async fn a_job_interrupted_by_sigkill_is_finished_by_another_worker() {
    let mut app = spawn_app_without_worker(&[]).await;
    // Big enough (64 MP) that decoding takes a while, small on disk (a smooth gradient).
    let big = {
        let img = image::RgbImage::from_fn(8000, 8000, |x, y| image::Rgb([(x / 32) as u8, (y / 32) as u8, 128]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let report: UploadReport = app.upload(&[("huge.png", big)]).await.json().await.unwrap();
    let id = report.accepted[0].id;

    let config = &app.services.config;
    let mut child = Command::new(worker_binary())
        .env("DATABASE_URL", &config.database_url)
        .env("QUEUE_NAMESPACE", &config.queue_namespace)
        .env("STORAGE_DIR", &config.storage_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("dam-worker is built with the tests");

    // Wait until that worker is in the middle of the job, then kill it without warning.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if app.asset(id).await.status == AssetStatus::Processing {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the worker never started the job");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.asset(id).await.status, AssetStatus::Processing, "killed mid-job: nobody finished it");

    // A new worker finds the orphan once the dead one's heartbeat is old enough.
    app.start_worker();
    let asset = app.wait_until_settled(id).await;
    assert_eq!(asset.status, AssetStatus::Processed, "{:?}", asset.failure_reason);
    assert_eq!((asset.width, asset.height), (Some(8000), Some(8000)));
    app.cleanup().await;
}
