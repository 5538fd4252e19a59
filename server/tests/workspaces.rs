//! Workspaces kept apart: by the application (the principal's workspace), and by Postgres itself
//! (row-level security on the application's role, which owns no table).

mod common;

use common::{bearer_client, png, spawn_app_without_worker};
use domain::{audit::Actor, dto::UploadReport, policy::Role};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::Value;
use uuid::Uuid;

async fn count(db: &impl ConnectionTrait, sql: &str) -> Result<i64, sea_orm::DbErr> {
    let row = db.query_one(Statement::from_string(DbBackend::Postgres, sql)).await?.expect("one row");
    row.try_get("", "n")
}

async fn upload(app: &common::TestApp, client: &reqwest::Client, name: &str, bytes: Vec<u8>) -> UploadReport {
    let response =
        client.post(app.url("/api/v1/assets")).multipart(common::form(&[(name, bytes)])).send().await.unwrap();
    assert!(response.status().is_success(), "upload {name}: {}", response.status());
    response.json().await.unwrap()
}

/// An upload the server refuses: its status, and the per-file report the problem carries.
async fn refused(app: &common::TestApp, client: &reqwest::Client, name: &str, bytes: Vec<u8>) -> (u16, UploadReport) {
    let response =
        client.post(app.url("/api/v1/assets")).multipart(common::form(&[(name, bytes)])).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn the_applications_connection_sees_only_the_current_workspaces_rows() {
    let app = spawn_app_without_worker(&[]).await;
    let other = domain::workspaces::create(&app.services.db, &Actor::system("test"), "Other").await.unwrap();
    let member = app.create_member(other.id, Role::Editor).await;
    let theirs = bearer_client(&app.token_in(&member, other.id).await);
    upload(&app, &app.client, "ours.png", png(30, 20)).await;
    upload(&app, &theirs, "theirs-1.png", png(31, 20)).await;
    upload(&app, &theirs, "theirs-2.png", png(32, 20)).await;

    // The role the application connects as cannot step around the policies.
    let role = app
        .services
        .db
        .query_one(Statement::from_string(
            DbBackend::Postgres,
            "SELECT rolsuper OR rolbypassrls AS exempt FROM pg_roles WHERE rolname = current_user",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(!role.try_get::<bool>("", "exempt").unwrap(), "the application's role bypasses row-level security");

    // No workspace filter in the query: Postgres applies the workspace's own.
    let sql = "SELECT count(*) AS n FROM assets";
    assert_eq!(count(&app.db(), sql).await.unwrap(), 1);
    assert_eq!(count(&app.services.in_workspace(other.id), sql).await.unwrap(), 2);
    assert_eq!(count(&app.services.db, sql).await.unwrap(), 0, "outside any workspace nothing is seen");
    for table in ["asset_files", "search_words", "uploads", "derivatives", "usage_daily", "tags", "collections"] {
        let sql = format!("SELECT count(*) AS n FROM {table} WHERE workspace_id <> dam_workspace()");
        assert_eq!(count(&app.db(), &sql).await.unwrap(), 0, "{table} shows another workspace's rows");
    }
    // Nor can a row be written into another workspace.
    let sql = format!("UPDATE assets SET title = 'x' WHERE workspace_id = '{}'", other.id);
    let changed = app.db().execute(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap();
    assert_eq!(changed.rows_affected(), 0);
    let sql = format!(
        "INSERT INTO tags (id, name, created_at, workspace_id) VALUES (gen_random_uuid(), 'sneaky', now(), '{}')",
        other.id
    );
    assert!(app.db().execute(Statement::from_string(DbBackend::Postgres, sql)).await.is_err());
    app.cleanup().await;
}

#[tokio::test]
async fn the_same_file_in_another_workspace_is_a_new_asset_not_a_duplicate() {
    let app = spawn_app_without_worker(&[]).await;
    let other = domain::workspaces::create(&app.services.db, &Actor::system("test"), "Other").await.unwrap();
    let member = app.create_member(other.id, Role::Editor).await;
    let theirs = bearer_client(&app.token_in(&member, other.id).await);
    let file = png(40, 40);
    let ours = upload(&app, &app.client, "same.png", file.clone()).await;
    let again = upload(&app, &app.client, "same-again.png", file.clone()).await;
    assert!(again.accepted.is_empty() && again.duplicates.len() == 1, "in one workspace it is a duplicate");
    let report = upload(&app, &theirs, "same.png", file).await;
    assert_eq!(report.accepted.len(), 1, "another workspace learns nothing of ours: {report:?}");
    assert_ne!(report.accepted[0].id, ours.accepted[0].id);
    app.cleanup().await;
}

#[tokio::test]
async fn search_tags_and_totals_hold_only_the_workspaces_own() {
    let app = spawn_app_without_worker(&[]).await;
    let other = domain::workspaces::create(&app.services.db, &Actor::system("test"), "Other").await.unwrap();
    let member = app.create_member(other.id, Role::Editor).await;
    let theirs = bearer_client(&app.token_in(&member, other.id).await);
    let report = upload(&app, &theirs, "zebrafish-secret.png", png(50, 20)).await;
    let id = report.accepted[0].id;
    let tagged = theirs
        .post(app.url(&format!("/api/v1/assets/{id}/tags")))
        .json(&serde_json::json!({ "tags": ["confidential-launch"] }))
        .send()
        .await
        .unwrap();
    assert!(tagged.status().is_success(), "tagging in their own workspace: {}", tagged.status());
    upload(&app, &app.client, "ours.png", png(51, 20)).await;

    let found: Value =
        app.client.get(app.url("/api/v1/assets?q=zebrafish")).send().await.unwrap().json().await.unwrap();
    assert_eq!(found["total"], 0, "{found}");
    let everything: Value = app.client.get(app.url("/api/v1/assets")).send().await.unwrap().json().await.unwrap();
    assert_eq!(everything["total"], 1, "{everything}");
    assert!(!everything.to_string().contains("zebrafish"));
    let typo: Value = app.client.get(app.url("/api/v1/assets?q=zebrafsh")).send().await.unwrap().json().await.unwrap();
    assert!(!typo.to_string().contains("zebrafish"), "a spelling suggestion from another workspace: {typo}");
    let tags: Value = app.client.get(app.url("/api/v1/tags?q=conf")).send().await.unwrap().json().await.unwrap();
    assert!(!tags.to_string().contains("confidential"), "{tags}");
    // They find their own.
    let theirs_found: Value =
        theirs.get(app.url("/api/v1/assets?q=zebrafish")).send().await.unwrap().json().await.unwrap();
    assert_eq!(theirs_found["total"], 1, "{theirs_found}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_workspace_is_named_in_the_path_and_unknown_to_non_members() {
    let app = spawn_app_without_worker(&[]).await;
    let other = domain::workspaces::create(&app.services.db, &Actor::system("test"), "Other brand").await.unwrap();
    let member = app.create_member(other.id, Role::Viewer).await;
    // A session names the workspace in the path; a stranger's request is told it does not exist.
    let session = app.sign_in(&member).await;
    let path = format!("/api/v1/w/{}/assets", other.slug);
    assert_eq!(session.get(app.url(&path)).send().await.unwrap().status(), 200);
    // (An admin of Default, not an operator: operators run every workspace.)
    let outsider = app.create_user(Role::Editor).await;
    domain::accounts::users::update(
        &app.services.db,
        &Actor::system("test"),
        outsider.id,
        domain::dto::UserUpdate { role: Some(Role::Admin), ..Default::default() },
    )
    .await
    .unwrap();
    let outsider = app.sign_in(&outsider).await;
    assert_eq!(outsider.get(app.url(&path)).send().await.unwrap().status(), 404);
    assert_eq!(outsider.get(app.url("/api/v1/w/no-such-place/assets")).send().await.unwrap().status(), 404);
    // A token implies its workspace; naming another finds nothing.
    assert_eq!(app.client.get(app.url(&path)).send().await.unwrap().status(), 404);
    assert_eq!(app.client.get(app.url("/api/v1/w/default/assets")).send().await.unwrap().status(), 200);
    let _ = Uuid::nil();
    app.cleanup().await;
}

#[tokio::test]
async fn live_events_carry_only_the_workspaces_own_assets() {
    let app = common::spawn_app().await;
    let other = domain::workspaces::create(&app.services.db, &Actor::system("test"), "Other").await.unwrap();
    let member = app.create_member(other.id, Role::Editor).await;
    let theirs = bearer_client(&app.token_in(&member, other.id).await);
    let mut stream = app.client.get(app.url("/api/v1/events")).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await; // the listener is subscribed

    // Theirs first: its events come before ours on the one channel Postgres has.
    let their_id = upload(&app, &theirs, "theirs.png", png(60, 20)).await.accepted[0].id.to_string();
    let our_id = upload(&app, &app.client, "ours.png", png(61, 20)).await.accepted[0].id.to_string();
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while !seen.contains(&format!(r#"{{"id" : "{our_id}", "status" : "processed""#)) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk()).await.expect("our processed event in time");
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap().expect("stream open")));
    }
    assert!(!seen.contains(&their_id), "another workspace's asset in our stream: {seen}");
    assert!(!seen.contains(&other.id.to_string()), "another workspace named in our stream: {seen}");
    app.cleanup().await;
}

#[tokio::test]
async fn uploads_past_a_workspaces_quota_are_refused_at_creation_with_the_quota_named() {
    use base64::Engine;
    let app = spawn_app_without_worker(&[]).await;
    let other = domain::workspaces::create(&app.services.db, &Actor::system("test"), "Other").await.unwrap();
    let member = app.create_member(other.id, Role::Editor).await;
    let theirs = bearer_client(&app.token_in(&member, other.id).await);
    let operator = Actor::system("test");
    let first = png(70, 20);
    // Room for one more asset of about this size.
    let room = Some(Some(first.len() as i64 + 10));
    domain::workspaces::quota::set(&app.services.db, &operator, app.workspace, room, Some(Some(2))).await.unwrap();

    let accepted = upload(&app, &app.client, "fits.png", first).await;
    assert_eq!(accepted.accepted.len(), 1);
    // Multipart: the file is refused, said why, and nothing is kept.
    let (status, report) = refused(&app, &app.client, "too-big.png", png(400, 400)).await;
    assert_eq!(status, 413);
    assert!(report.accepted.is_empty(), "{report:?}");
    assert!(report.rejected[0].error.contains("storage quota"), "{:?}", report.rejected);
    assert_eq!(count(&app.db(), "SELECT count(*) AS n FROM assets").await.unwrap(), 1);
    // Resumable: refused when it is created, before a byte is sent.
    let name = base64::engine::general_purpose::STANDARD.encode("big.mov");
    let created = app
        .client
        .post(app.url("/api/v1/uploads"))
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "50000000")
        .header("upload-metadata", format!("filename {name}"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 413);
    let problem: Value = created.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("big.mov (47.7 MB) does not fit"), "{problem}");
    // The number of assets counts too (the trash included).
    domain::workspaces::quota::set(&app.services.db, &operator, app.workspace, Some(None), Some(Some(1)))
        .await
        .unwrap();
    let (status, report) = refused(&app, &app.client, "one-more.png", png(71, 20)).await;
    assert_eq!(status, 413);
    assert!(report.rejected[0].error.contains("1 of the 1 assets"), "{:?}", report.rejected);
    // Another workspace has its own (none).
    assert_eq!(upload(&app, &theirs, "theirs.png", png(400, 400)).await.accepted.len(), 1);
    // Usage, as admins are shown it.
    let usage = domain::workspaces::quota::usage(&app.db()).await.unwrap();
    assert_eq!((usage.assets, usage.quota_assets, usage.quota_bytes), (1, Some(1), None));
    app.cleanup().await;
}
