//! A real `dam-worker` process stopped in the middle of a job. SIGKILL: another worker takes the
//! asset over once the dead one's heartbeat has stopped, and it still ends processed. SIGTERM (what
//! Docker and Swarm send): the job in flight finishes before the process exits.

mod common;

use std::{process::Command, time::Duration};

use common::spawn_app_without_worker;
use domain::dto::{AssetStatus, AssetView, DerivativeKind, UploadReport};

#[tokio::test]
async fn an_image_job_interrupted_by_sigkill_is_finished_by_another_worker() {
    // Big enough (64 MP) that decoding takes a while, small on disk (a smooth gradient).
    let big = {
        let img = image::RgbImage::from_fn(8000, 8000, |x, y| image::Rgb([(x / 32) as u8, (y / 32) as u8, 128]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let asset = kill_mid_job("huge.png", big, Duration::ZERO, DerivativeKind::Preview).await;
    assert_eq!((asset.width, asset.height), (Some(8000), Some(8000)));
}

/// An 8 s 1080p clip: its transcode takes seconds.
fn long_clip() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("long.mp4");
    let made = Command::new("ffmpeg")
        .args([
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1920x1080:rate=30",
            "-f",
            "lavfi",
            "-i",
            "sine",
            "-t",
            "8",
        ])
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"])
        .arg(&clip)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::read(&clip).unwrap()
}

#[tokio::test]
async fn sigterm_lets_the_transcode_in_flight_finish_before_the_worker_exits() {
    let app = spawn_app_without_worker(&[]).await;
    let report: UploadReport = app.upload(&[("long.mp4", long_clip())]).await.json().await.unwrap();
    let id = report.accepted[0].id;
    let mut child = app.spawn_worker_process(&[]);
    app.wait_for_processing(id).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let exit = tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap();
    assert!(exit.success(), "an orderly stop: {exit:?}");
    let asset = app.asset(id).await;
    assert_eq!(
        asset.status,
        AssetStatus::Processed,
        "the job in flight was finished, not dropped: {:?}",
        asset.failure_reason
    );
    assert_eq!(asset.derivatives.iter().filter(|d| d.kind == DerivativeKind::Transcode).count(), 2);
    app.cleanup().await;
}

#[tokio::test]
async fn a_transcode_interrupted_by_sigkill_is_finished_by_another_worker() {
    // The poster comes first and takes a fraction of a second; the transcode takes seconds.
    let asset = kill_mid_job("long.mp4", long_clip(), Duration::from_millis(1500), DerivativeKind::Transcode).await;
    let mut renditions: Vec<_> = asset
        .derivatives
        .iter()
        .filter(|d| d.kind == DerivativeKind::Transcode)
        .map(|d| (d.label.as_str(), d.width, d.height))
        .collect();
    renditions.sort();
    assert_eq!(renditions, [("1080p", 1920, 1080), ("720p", 1280, 720)]);
}

/// Uploads `bytes`, lets a separate `dam-worker` process start on it, kills it with SIGKILL
/// `into_job` after the asset turned `processing` (before it stored any `unfinished` derivative),
/// then starts a worker in the test and returns the asset once it settled (asserting it ended
/// processed, with that derivative).
async fn kill_mid_job(name: &str, bytes: Vec<u8>, into_job: Duration, unfinished: DerivativeKind) -> AssetView {
    let mut app = spawn_app_without_worker(&[]).await;
    let report: UploadReport = app.upload(&[(name, bytes)]).await.json().await.unwrap();
    let id = report.accepted[0].id;

    let mut child = app.spawn_worker_process(&[]);
    // Wait until that worker is in the middle of the job, then kill it without warning.
    app.wait_for_processing(id).await;
    tokio::time::sleep(into_job).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let killed = app.asset(id).await;
    assert_eq!(killed.status, AssetStatus::Processing, "killed mid-job: nobody finished it");
    assert!(
        killed.derivatives.iter().all(|d| d.kind != unfinished),
        "killed before any {unfinished:?} was stored: {:?}",
        killed.derivatives
    );

    // A new worker finds the orphan once the dead one's heartbeat is old enough.
    app.start_worker();
    let asset = app.wait_until_settled(id).await;
    assert_eq!(asset.status, AssetStatus::Processed, "{:?}", asset.failure_reason);
    assert!(asset.derivatives.iter().any(|d| d.kind == unfinished), "the other worker made the {unfinished:?}");
    app.cleanup().await;
    asset
}
