//! Start-up: migrations are applied automatically and are safe to run again, even concurrently.

mod common;

use common::spawn_app_without_worker;
use domain::db;

#[tokio::test]
async fn migrations_are_idempotent_and_safe_to_run_concurrently() {
    let app = spawn_app_without_worker(&[]).await; // already migrated once at start
    let url = app.services.config.database_url.clone();

    let (a, b) = tokio::join!(db::connect_and_migrate(&url), db::connect_and_migrate(&url));
    a.expect("second start migrates cleanly");
    b.expect("a concurrent start migrates cleanly");

    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    app.cleanup().await;
}
