//! The processing pipeline's promises: nothing gets stuck, transient errors are retried, bad input
//! fails at once, new uploads overtake bulk work, and re-running a job never duplicates anything.

mod common;

use common::FetchJson as _;

use std::time::Duration;

use common::{png, spawn_app_without_worker, TestApp};
use domain::{
    dto::{AssetStatus, QueueReport, UploadReport},
    entities::{asset, derivative},
    pipeline::{backlog, state, workers, QueueName},
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

async fn upload_pngs(app: &TestApp, count: usize, query: &str) -> Vec<Uuid> {
    // Every file new content (known content would be answered as a duplicate, not queued).
    static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let files: Vec<(String, Vec<u8>)> = (0..count)
        .map(|i| {
            let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (format!("f{i}.png"), png(24 + n % 2000, 16 + n / 2000))
        })
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let response =
        app.client.post(app.url(&format!("/api/assets{query}"))).multipart(common::form(&refs)).send().await.unwrap();
    assert_eq!(response.status(), 201);
    response.json::<UploadReport>().await.unwrap().accepted.into_iter().map(|a| a.id).collect()
}

async fn all_settle(app: &TestApp, ids: &[Uuid]) {
    for id in ids {
        let asset = app.wait_until_settled(*id).await;
        assert_eq!(asset.status, AssetStatus::Processed, "{id}: {:?}", asset.failure_reason);
    }
}

#[tokio::test]
async fn jobs_lost_with_redis_are_found_again() {
    let mut app = spawn_app_without_worker(&[]).await;
    let ids = upload_pngs(&app, 6, "").await;
    // Dispatch them to Redis, then lose Redis' contents as a restart would.
    let pushed = worker::feeder::feed_once(&app.services, QueueName::Image, 100).await.unwrap();
    assert_eq!(pushed, 6);
    app.flush_queues().await;

    app.start_worker();
    all_settle(&app, &ids).await;
    app.cleanup().await;
}

#[tokio::test]
async fn assets_held_by_a_dead_worker_are_handed_back() {
    let mut app = spawn_app_without_worker(&[]).await;
    let ids = upload_pngs(&app, 2, "").await;
    // A worker that claimed an asset and then died (SIGKILL): its heartbeat stopped.
    workers::heartbeat(&app.db(), "dead-worker", "elsewhere", &[("image", 1)]).await.unwrap();
    let claimed = state::claim(&app.db(), ids[0], "dead-worker").await.unwrap();
    assert!(claimed.is_some());
    domain::entities::worker::Entity::update_many()
        .col_expr(
            domain::entities::worker::Column::HeartbeatAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.db())
        .await
        .unwrap();

    app.start_worker();
    all_settle(&app, &ids).await;
    app.cleanup().await;
}

#[tokio::test]
async fn a_job_lost_inside_a_live_worker_is_handed_back() {
    // Seen on a Swarm: a queue consumer failed and restarted, dropping the job it had started;
    // its worker stayed alive, so nobody else would ever take the asset back.
    let mut app = spawn_app_without_worker(&[]).await;
    let ids = upload_pngs(&app, 2, "").await;
    app.start_worker();
    all_settle(&app, &ids).await;
    let worker_id =
        domain::entities::worker::Entity::find().one(&app.db()).await.unwrap().expect("the worker registered").id;
    // The live worker's claim on the first asset, a minute old, with no job running for it; and
    // a fresh claim on the second (its job may be about to register), which is left alone.
    let db = app.db();
    let claim = |id: Uuid, age: chrono::Duration| {
        asset::Entity::update_many()
            .col_expr(asset::Column::Status, sea_orm::sea_query::Expr::value(AssetStatus::Processing))
            .col_expr(asset::Column::ProcessingBy, sea_orm::sea_query::Expr::value(worker_id.clone()))
            .col_expr(asset::Column::ProcessingStartedAt, sea_orm::sea_query::Expr::value(chrono::Utc::now() - age))
            .filter(asset::Column::Id.eq(id))
            .exec(&db)
    };
    assert_eq!(claim(ids[0], chrono::Duration::minutes(1)).await.unwrap().rows_affected, 1);
    assert_eq!(claim(ids[1], chrono::Duration::zero()).await.unwrap().rows_affected, 1);

    let processed = app.wait_until_settled(ids[0]).await;
    assert_eq!(processed.status, AssetStatus::Processed, "processed again after being handed back");
    let fresh = asset::Entity::find_by_id(ids[1]).one(&app.db()).await.unwrap().unwrap();
    assert_eq!((fresh.status, fresh.processing_by.as_deref()), (AssetStatus::Processing, Some(worker_id.as_str())));
    app.cleanup().await;
}

#[tokio::test]
async fn transient_storage_errors_are_retried_with_back_off() {
    let mut app = spawn_app_without_worker(&[]).await;
    let ids = upload_pngs(&app, 1, "").await;
    let row = asset::Entity::find_by_id(ids[0]).one(&app.db()).await.unwrap().unwrap();
    let path = app.storage_dir.join(&row.original_path);
    let original = std::fs::read(&path).unwrap();
    // Reading a directory fails with an I/O error: a stand-in for a storage hiccup.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();

    app.start_worker();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let retried = loop {
        let row = asset::Entity::find_by_id(ids[0]).one(&app.db()).await.unwrap().unwrap();
        if row.attempts >= 1 {
            break row;
        }
        assert!(tokio::time::Instant::now() < deadline, "no retry scheduled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(retried.status, AssetStatus::Uploaded, "back in the backlog, not failed");
    assert!(retried.available_at > chrono::Utc::now(), "with a back-off");

    std::fs::remove_dir(&path).unwrap();
    std::fs::write(&path, original).unwrap();
    all_settle(&app, &ids).await;
    app.cleanup().await;
}

#[tokio::test]
async fn a_failed_asset_keeps_its_reason_and_can_be_retried_from_the_api() {
    let mut app = spawn_app_without_worker(&[]).await;
    let mut broken = png(300, 200);
    broken.truncate(120);
    let report: UploadReport = app.upload(&[("broken.png", broken)]).await.json().await.unwrap();
    let id = report.accepted[0].id;
    app.start_worker();
    let failed = app.wait_until_settled(id).await;
    assert_eq!(failed.status, AssetStatus::Failed);
    assert!(failed.failure_reason.unwrap().contains("corrupt or truncated"));

    // The cause is fixed (here: the stored original is replaced), then retried through the API.
    let row = asset::Entity::find_by_id(id).one(&app.db()).await.unwrap().unwrap();
    std::fs::write(app.storage_dir.join(&row.original_path), png(300, 200)).unwrap();
    let retry = app
        .client
        .post(app.url(&format!("/api/assets/{id}/reprocess")))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), 202);
    let fixed = app.wait_until_settled(id).await;
    assert_eq!(fixed.status, AssetStatus::Processed);
    assert!(fixed.failure_reason.is_none());
    app.cleanup().await;
}

#[tokio::test]
async fn a_new_upload_overtakes_a_bulk_import() {
    let mut app = spawn_app_without_worker(&[]).await;
    let bulk = upload_pngs(&app, 60, "?bulk=true").await;
    let interactive = upload_pngs(&app, 1, "").await[0];

    app.start_worker();
    app.wait_until_settled(interactive).await;
    all_settle(&app, &bulk).await;
    let order: Vec<Uuid> = asset::Entity::find()
        .order_by_asc(asset::Column::ProcessedAt)
        .all(&app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let rank = order.iter().position(|id| *id == interactive).unwrap();
    assert!(rank < 8, "the new upload was processed {rank}th of 61; it should come before the bulk import");
    app.cleanup().await;
}

#[tokio::test]
async fn the_backlog_report_counts_postgres_redis_and_workers() {
    let mut app = spawn_app_without_worker(&[]).await;
    upload_pngs(&app, 5, "").await;
    let image = |reports: Vec<QueueReport>| reports.into_iter().find(|r| r.queue == "image").unwrap();

    let before = image(backlog::report(&app.services).await.unwrap());
    assert_eq!((before.pending, before.redis_waiting, before.backlog), (5, 0, 5));
    assert!(before.workers.is_empty());
    worker::feeder::feed_once(&app.services, QueueName::Image, 2).await.unwrap();
    let fed = image(backlog::report(&app.services).await.unwrap());
    assert_eq!((fed.pending, fed.redis_waiting, fed.backlog), (3, 2, 5));

    app.start_worker();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = image(backlog::report(&app.services).await.unwrap());
        if now.backlog == 0 {
            assert_eq!(now.workers.len(), 1, "the running worker is listed");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "backlog did not drain: {now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The same figures over HTTP, for admins only.
    let admin = app.create_user(domain::policy::Role::Admin).await;
    let admin = common::bearer_client(&app.token_for(&admin).await);
    let reports: Vec<QueueReport> = admin.get(app.url("/api/queues")).fetch_json().await;
    assert_eq!(reports.iter().map(|r| r.queue.as_str()).collect::<Vec<_>>(), ["image", "video", "document"]);
    assert_eq!(app.client.get(app.url("/api/queues")).send().await.unwrap().status(), 403);
    app.cleanup().await;
}

/// Jobs repeated for a processed asset and a reprocess of everything leave one record and one
/// stored file per derivative: the same set as the first processing, nothing orphaned beside it.
#[tokio::test]
async fn repeated_jobs_and_reprocessing_never_duplicate_derivatives() {
    let mut app = spawn_app_without_worker(&[]).await;
    let ids = upload_pngs(&app, 1, "").await;
    app.start_worker();
    all_settle(&app, &ids).await;
    let derivatives = || async {
        derivative::Entity::find().filter(derivative::Column::AssetId.eq(ids[0])).all(&app.db()).await.unwrap()
    };
    let stored_files = || {
        let dir = app.storage_dir.join("thumbnails").join(ids[0].to_string());
        let mut files: Vec<String> = common::files_under(&dir)
            .iter()
            .map(|f| f.strip_prefix(&app.storage_dir).unwrap().to_string_lossy().into_owned())
            .collect();
        files.sort();
        files
    };
    let described = |rows: &[derivative::Model]| {
        let mut kinds: Vec<String> = rows.iter().map(|r| format!("{:?} {}", r.kind, r.label)).collect();
        kinds.sort();
        let mut paths: Vec<String> = rows.iter().map(|r| r.path.clone()).collect();
        paths.sort();
        (kinds, paths)
    };
    let (first_kinds, first_paths) = described(&derivatives().await);
    assert!(first_kinds.len() >= 4, "thumbnail and preview, in two formats: {first_kinds:?}");
    assert_eq!(stored_files(), first_paths, "one stored file per derivative");
    let written = || {
        first_paths
            .iter()
            .map(|p| std::fs::metadata(app.storage_dir.join(p)).unwrap().modified().unwrap())
            .collect::<Vec<_>>()
    };
    let first_written = written();

    for _ in 0..3 {
        app.services.jobs.push(QueueName::Image, domain::pipeline::ProcessAsset { asset_id: ids[0] }).await.unwrap();
    }
    let admin = app.create_user(domain::policy::Role::Admin).await;
    let admin = common::bearer_client(&app.token_for(&admin).await);
    let r = admin
        .post(app.url("/api/queues/reprocess"))
        .json(&serde_json::json!({"selection": "all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    all_settle(&app, &ids).await;
    // The repeated jobs may still be running after the reprocess settled; let them finish.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let (kinds, paths) = described(&derivatives().await);
    assert_eq!(kinds, first_kinds, "one of each derivative, as after the first processing");
    assert_eq!(stored_files(), paths, "no stored file without its record");
    assert!(
        written().iter().zip(&first_written).all(|(now, then)| now > then),
        "the reprocess made every derivative again"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_orderly_shutdown_hands_back_what_the_worker_held() {
    let app = spawn_app_without_worker(&[]).await;
    let ids = upload_pngs(&app, 1, "").await;
    state::claim(&app.db(), ids[0], "stopping-worker").await.unwrap().unwrap();
    assert_eq!(state::release_worker(&app.db(), "stopping-worker").await.unwrap(), 1);
    assert_eq!(app.asset(ids[0]).await.status, AssetStatus::Uploaded);
    app.cleanup().await;
}

/// WORKER_AUTOSCALE: the worker starts with one image slot, takes as many as the backlog calls
/// for (up to WORKER_IMAGE_CONCURRENCY) and really runs that many jobs at once, then returns to one
/// after the backlog drains; the queue report shows its slots.
#[tokio::test]
async fn an_autoscaling_worker_grows_with_the_backlog_and_shrinks_after_it_drains() {
    let mut app = spawn_app_without_worker(&[
        ("WORKER_AUTOSCALE", "true"),
        ("WORKER_IMAGE_CONCURRENCY", "4"),
        ("SCALE_JOBS_PER_WORKER", "5"),
        ("SCALE_COOLDOWN_SECONDS", "0"),
        ("SCALE_DOWN_AFTER_SECONDS", "2"),
        ("SCALE_EVERY_SECONDS", "1"),
    ])
    .await;
    // 24 photos waiting, sharing one stored original large enough to take a while each.
    let original = common::jpeg(1600, 1000);
    std::fs::create_dir_all(app.storage_dir.join("originals")).unwrap();
    std::fs::write(app.storage_dir.join("originals/shared.jpg"), &original).unwrap();
    use sea_orm::ConnectionTrait;
    app.db()
        .execute(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            r#"INSERT INTO assets (id, original_path, original_filename, status, kind, mime, size, checksum, priority, created_at)
               SELECT gen_random_uuid(), 'originals/shared.jpg', 'shoot-' || n || '.jpg', 'uploaded', 'image', 'image/jpeg', $1, 'x', 5, now()
               FROM generate_series(1, 24) AS n"#,
            [(original.len() as i64).into()],
        ))
        .await
        .unwrap();

    let image = |reports: &[QueueReport]| reports.iter().find(|r| r.queue == "image").cloned().unwrap();
    let slots = |report: &QueueReport| {
        report.workers.first().and_then(|w| w.queues.iter().position(|q| q == "image").map(|i| w.slots[i]))
    };
    app.start_worker();
    let (mut most_slots, mut most_at_once) = (0, 0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let report = image(&backlog::report(&app.services).await.unwrap());
        most_slots = most_slots.max(slots(&report).unwrap_or(0));
        most_at_once = most_at_once.max(report.workers.first().map_or(0, |w| w.processing.len()));
        if report.backlog == 0 && most_slots > 1 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the backlog drains: {report:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(most_slots, 4, "24 waiting jobs at 5 per slot call for the maximum");
    assert!(most_at_once >= 2, "more than one job ran at once: {most_at_once}");

    // Idle now: back to one slot once fewer have been enough for the delay.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while slots(&image(&backlog::report(&app.services).await.unwrap())) != Some(1) {
        assert!(tokio::time::Instant::now() < deadline, "the worker returns to one slot");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let processed =
        asset::Entity::find().filter(asset::Column::Status.eq(AssetStatus::Processed)).count(&app.db()).await.unwrap();
    assert_eq!(processed, 24);
    app.cleanup().await;
}
