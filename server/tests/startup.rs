//! Start-up: migrations are applied automatically and are safe to run again, even concurrently.

mod common;

use common::spawn_app_without_worker;
use domain::db;

#[tokio::test]
async fn migrations_are_idempotent_and_safe_to_run_concurrently() {
    let app = spawn_app_without_worker(&[]).await; // already migrated once at start
    let (url, owner) = (app.services.config.database_url.clone(), app.services.config.migration_database_url.clone());

    let (a, b) = tokio::join!(db::connect_and_migrate(&url, &owner, 4), db::connect_and_migrate(&url, &owner, 4));
    a.expect("second start migrates cleanly");
    b.expect("a concurrent start migrates cleanly");

    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    app.cleanup().await;
}

/// An installation from before workspaces becomes the workspace Default: its assets, derivatives,
/// share links and people are all there, seen through the application's role, and the change can
/// be undone and done again.
#[tokio::test]
async fn a_library_made_before_workspaces_becomes_the_default_workspace() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Database, Statement};

    let config = common::fresh_config(&[]);
    let (url, owner_url) = (config.database_url.clone(), config.migration_database_url.clone());
    // The database as the previous release left it: every migration but the three of workspaces.
    drop(db::connect_and_migrate(&url, &owner_url, 4).await.expect("a fresh database"));
    let old = Database::connect(&owner_url).await.unwrap();
    Migrator::down(&old, Some(3)).await.expect("back to the previous schema");
    let (asset, derivative, user, link) =
        (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    old.execute_unprepared(&format!(
        "INSERT INTO users (id, email, display_name, role, password_hash) VALUES ('{user}', 'old@example.test', 'Old', 'admin', NULL);
         INSERT INTO assets (id, original_path, original_filename, status, kind, mime, size, checksum)
         VALUES ('{asset}', 'originals/a.png', 'harbour.png', 'processed', 'image', 'image/png', 10, 'c0ffee');
         INSERT INTO derivatives (id, asset_id, kind, label, path, mime, width, height, size)
         VALUES ('{derivative}', '{asset}', 'thumbnail', 'jpg', 'derived/a-320.jpg', 'image/jpeg', 320, 240, 4000);
         INSERT INTO share_links (id, token, asset_id, created_by, expires_at)
         VALUES ('{link}', 'old-link-token', '{asset}', '{user}', now() + interval '3 days');"
    ))
    .await
    .unwrap();
    drop(old);

    // The new release starts: it migrates, and everything is in Default, as before.
    let app_db = db::connect_and_migrate(&url, &owner_url, 4).await.expect("the new release migrates the old library");
    let default = domain::workspaces::default_workspace(&app_db).await.unwrap();
    let in_default = domain::db::WorkspaceDb::new(app_db.clone(), default.id);
    let view = domain::catalog::get_asset(&in_default, &edge::links::API, &domain::audit::Actor::system("test"), asset)
        .await
        .unwrap();
    assert_eq!(view.derivatives.len(), 1);
    assert_eq!((view.derivatives[0].width, view.derivatives[0].size), (320, 4000));
    let person = domain::accounts::users::get(&app_db, user).await.unwrap();
    assert!(person.operator, "an admin from before runs the installation");
    let memberships = domain::workspaces::memberships_of(&app_db, user).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!((memberships[0].workspace.slug.as_str(), memberships[0].role), ("default", domain::policy::Role::Admin));
    let shared = app_db
        .query_one(Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT dam_share_link_workspace('old-link-token') AS w".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shared.try_get::<uuid::Uuid>("", "w").unwrap(), default.id, "an old share link still opens");
    drop(app_db);
    // And the change can be undone (down) and done again.
    let owner = Database::connect(&owner_url).await.unwrap();
    Migrator::down(&owner, Some(3)).await.expect("down");
    Migrator::up(&owner, None).await.expect("up again");
    drop(owner);
    db::drop_database(&owner_url).await.expect("drop test database");
}
