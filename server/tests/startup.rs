//! Start-up: migrations are applied automatically and are safe to run again, even concurrently.

mod common;

use common::spawn_app_without_worker;
use domain::db;

#[tokio::test]
async fn migrations_are_idempotent_and_safe_to_run_concurrently() {
    let app = spawn_app_without_worker(&[]).await; // already migrated once at start
    let url = app.services.config.database_url.clone();

    let (a, b) = tokio::join!(db::connect_and_migrate(&url, 4), db::connect_and_migrate(&url, 4));
    a.expect("second start migrates cleanly");
    b.expect("a concurrent start migrates cleanly");

    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    app.cleanup().await;
}

/// The derivatives table was renamed (it was `asset_versions`): a library made before keeps every
/// derivative, found through the new name; the previous release, still running during a rolling
/// upgrade, reads and writes through the old name, which is now a view of the new table.
#[tokio::test]
async fn a_library_made_before_the_derivatives_rename_keeps_its_derivatives() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Database, Statement};

    let config = common::fresh_config(&[]);
    let url = config.database_url.clone();
    // The database as the previous release left it: every migration but the rename.
    drop(db::connect_and_migrate(&url, 4).await.expect("a fresh database"));
    let old = Database::connect(&url).await.unwrap();
    Migrator::down(&old, Some(1)).await.expect("back to the previous schema");
    let exec = |sql: &str| old.execute(Statement::from_string(sea_orm::DatabaseBackend::Postgres, sql.to_owned()));
    let (asset, derivative) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    exec(&format!(
        "INSERT INTO assets (id, original_path, original_filename, status, kind, mime, size, checksum)
         VALUES ('{asset}', 'originals/a.png', 'harbour.png', 'processed', 'image', 'image/png', 10, 'c0ffee')"
    ))
    .await
    .unwrap();
    exec(&format!(
        "INSERT INTO asset_versions (id, asset_id, kind, label, path, mime, width, height, size)
         VALUES ('{derivative}', '{asset}', 'thumbnail', 'jpg', 'derived/a-320.jpg', 'image/jpeg', 320, 240, 4000)"
    ))
    .await
    .unwrap();
    drop(old);

    // The new release starts: it migrates, and the asset shows its thumbnail as before.
    let db = db::connect_and_migrate(&url, 4).await.expect("the new release migrates the old library");
    let view =
        domain::catalog::get_asset(&db, &edge::links::API, &domain::audit::Actor::system("test"), asset).await.unwrap();
    assert_eq!(view.derivatives.len(), 1);
    assert_eq!((view.derivatives[0].width, view.derivatives[0].size), (320, 4000));
    assert!(view.thumbnail_url.is_some_and(|u| u.starts_with("/api/v1/assets/") && u.contains("/thumbnail")));
    // An old worker records a derivative the way it did (an upsert into the old name).
    let sql = |text: String| Statement::from_string(sea_orm::DatabaseBackend::Postgres, text);
    db.execute(sql(format!(
        "INSERT INTO asset_versions (id, asset_id, kind, label, path, mime, width, height, size)
         VALUES ('{}', '{asset}', 'preview', 'jpg', 'derived/a-1600.jpg', 'image/jpeg', 1600, 1200, 90000)
         ON CONFLICT (asset_id, kind, label) DO UPDATE SET size = EXCLUDED.size",
        uuid::Uuid::now_v7()
    )))
    .await
    .expect("the previous release writes through the old name");
    let row = db
        .query_one(sql("SELECT (SELECT relkind::text FROM pg_class WHERE relname = 'asset_versions') AS old_name,
                    (SELECT count(*) FROM derivatives) AS kept,
                    (SELECT count(*) FROM asset_versions) AS seen_by_old"
            .into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "old_name").unwrap(), "v", "the old name is only a view");
    assert_eq!(row.try_get::<i64>("", "kept").unwrap(), 2);
    assert_eq!(row.try_get::<i64>("", "seen_by_old").unwrap(), 2);
    // And the rename can be undone (down) and done again.
    Migrator::down(&db, Some(1)).await.expect("down");
    Migrator::up(&db, None).await.expect("up again");
    drop(db);
    db::drop_database(&url).await.expect("drop test database");
}
