//! A file that takes its worker down every time (a decoder fault, running out of memory) must not
//! be handed from worker to worker forever: after 3 interrupted claims it is failed with a reason,
//! and other files keep being processed. Real `dam-worker` processes: one runs out of memory under
//! `prlimit --as` on a large image, two are killed with SIGKILL while they hold it.

mod common;

use std::time::Duration;

use common::{png, spawn_app_without_worker, TestApp};
use domain::{
    dto::{AssetStatus, UploadReport},
    entities::asset,
};
use sea_orm::EntityTrait;
use uuid::Uuid;

/// 64 megapixels: about 190 MB once decoded, 1.5 MB as a file (a smooth gradient).
fn large_image() -> Vec<u8> {
    let img = image::RgbImage::from_fn(8000, 8000, |x, y| image::Rgb([(x / 32) as u8, (y / 32) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The address space an idle `dam-worker` of this installation reaches (its threads, libraries
/// and allocator arenas), read from the kernel.
async fn idle_worker_address_space(app: &TestApp) -> u64 {
    let mut child = app.spawn_worker_process(&[]);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmPeak:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmPeak in /proc/<pid>/status");
    let _ = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = tokio::task::spawn_blocking(move || child.wait()).await;
    kib * 1024
}

async fn row(app: &TestApp, id: Uuid) -> asset::Model {
    asset::Entity::find_by_id(id).one(&app.db()).await.unwrap().unwrap()
}

/// Waits for a worker process to end by itself (it crashed).
async fn wait_for_exit(mut child: std::process::Child) -> std::process::ExitStatus {
    tokio::time::timeout(Duration::from_secs(120), tokio::task::spawn_blocking(move || child.wait().unwrap()))
        .await
        .expect("the worker ran out of memory on the large image")
        .unwrap()
}

#[tokio::test]
async fn a_file_that_takes_its_worker_down_three_times_is_failed_and_others_keep_flowing() {
    let mut app = spawn_app_without_worker(&[]).await;
    // Measured before anything is uploaded: the calibrating worker must have nothing to claim.
    let limit = idle_worker_address_space(&app).await + 96 * 1024 * 1024;
    let report: UploadReport = app.upload(&[("poster-scan.png", large_image())]).await.json().await.unwrap();
    let poison = report.accepted[0].id;

    // 1. Out of memory: the worker dies by itself while it holds the asset.
    let limited = app.spawn_worker_process(&["prlimit", &format!("--as={limit}")]);
    app.wait_for_processing(poison).await;
    let exit = wait_for_exit(limited).await;
    assert!(!exit.success(), "the worker crashed: {exit:?}");
    let held = row(&app, poison).await;
    assert_eq!((held.status, held.interrupted_claims), (AssetStatus::Processing, 1), "still held by the dead worker");

    // 2 and 3. Killed while holding it (each new worker first hands it back from the dead one).
    for crash in 2..=3 {
        let mut child = app.spawn_worker_process(&[]);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        while row(&app, poison).await.interrupted_claims < crash {
            assert!(tokio::time::Instant::now() < deadline, "a new worker claimed the asset again (crash {crash})");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }

    // Another file uploaded meanwhile, and a healthy worker: the other file is processed, the
    // one that took three workers down is failed, with a reason a person understands.
    let report: UploadReport = app.upload(&[("logo.png", png(300, 200))]).await.json().await.unwrap();
    let other = report.accepted[0].id;
    app.start_worker();
    let settled = app.wait_until_settled(other).await;
    assert_eq!(settled.status, AssetStatus::Processed, "{:?}", settled.failure_reason);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let failed = loop {
        let asset = app.asset(poison).await;
        if asset.status.is_settled() {
            break asset;
        }
        assert!(tokio::time::Instant::now() < deadline, "the poison file was never given up: {:?}", asset.status);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(failed.status, AssetStatus::Failed, "not handed to a fourth worker");
    let reason = failed.failure_reason.unwrap_or_default();
    assert!(reason.contains("stopped the worker 3 times"), "{reason}");
    app.cleanup().await;
}
