//! A bulk import of 20 000 assets drains completely without any worker failing, and a new upload
//! made meanwhile is processed ahead of it.

mod common;

use std::time::{Duration, Instant};

use common::{png, spawn_app_without_worker};
use domain::dto::{AssetStatus, UploadReport};
use sea_orm::{ConnectionTrait, Statement};

const BACKLOG: i64 = 20_000;

async fn count(app: &common::TestApp, status: &str) -> i64 {
    let row = app
        .db()
        .query_one(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!("SELECT count(*) AS n FROM assets WHERE status = '{status}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

#[tokio::test]
async fn a_twenty_thousand_asset_backlog_drains_and_new_uploads_go_first() {
    let mut app = spawn_app_without_worker(&[("WORKER_IMAGE_CONCURRENCY", "4")]).await;
    // One small stored original shared by every row keeps the test about the queues, not the disk.
    let original = png(48, 32);
    std::fs::create_dir_all(app.storage_dir.join("originals")).unwrap();
    std::fs::write(app.storage_dir.join("originals/shared.png"), &original).unwrap();
    app.db()
        .execute(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            r#"INSERT INTO assets (id, original_path, original_filename, status, kind, mime, size, checksum, priority, created_at)
               SELECT gen_random_uuid(), 'originals/shared.png', 'import-' || n || '.png', 'uploaded', 'image', 'image/png', $1, 'x', 5,
                      now() - interval '1 hour' + n * interval '1 millisecond'
               FROM generate_series(1, $2) AS n"#,
            [(original.len() as i64).into(), BACKLOG.into()],
        ))
        .await
        .unwrap();

    let started = Instant::now();
    app.start_worker();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let report: UploadReport = app.upload(&[("urgent.png", png(64, 64))]).await.json().await.unwrap();
    let urgent = app.wait_until_settled(report.accepted[0].id).await;
    assert_eq!(urgent.status, AssetStatus::Processed);
    let still_waiting = count(&app, "uploaded").await;
    assert!(still_waiting > BACKLOG / 2, "the new upload was done while {still_waiting} imports still waited");

    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let (done, failed) = (count(&app, "processed").await, count(&app, "failed").await);
        assert_eq!(failed, 0, "no asset may fail");
        if done == BACKLOG + 1 {
            break;
        }
        assert!(Instant::now() < deadline, "only {done} of {} processed after 15 minutes", BACKLOG + 1);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    eprintln!("drained {BACKLOG} assets in {:.1} s", started.elapsed().as_secs_f64());
    app.cleanup().await;
}
