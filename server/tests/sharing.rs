//! Share links, ZIP downloads and usage counting through the real server: what a visitor without
//! an account can open, and what they cannot; archives checked by an independent ZIP reader;
//! views and downloads counted in Redis and flushed into Postgres per day.

mod common;

use common::FetchJson as _;

use chrono::{Duration, Utc};
use common::{browser_client, jpeg, png, sha256_hex, spawn_app, unzip, TestApp};
use domain::{
    dto::{AssetStatus, AssetView, CollectionView, Page, ShareLinkView, UploadReport},
    policy::Role,
};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use uuid::Uuid;

async fn processed(app: &TestApp, files: &[(&str, Vec<u8>)]) -> Vec<AssetView> {
    let report: UploadReport = app.upload(files).await.json().await.unwrap();
    assert_eq!(report.accepted.len(), files.len(), "{:?}", report.rejected);
    let mut out = Vec::new();
    for asset in report.accepted {
        let done = app.wait_until_settled(asset.id).await;
        assert_eq!(done.status, AssetStatus::Processed);
        out.push(done);
    }
    out
}

async fn share(app: &TestApp, body: serde_json::Value) -> reqwest::Response {
    app.client.post(app.url("/api/shares")).json(&body).send().await.unwrap()
}

async fn collection_of(app: &TestApp, name: &str, assets: &[&AssetView]) -> Uuid {
    let created: CollectionView =
        app.client.post(app.url("/api/collections")).json(&json!({ "name": name })).fetch_json().await;
    let ids: Vec<Uuid> = assets.iter().map(|a| a.id).collect();
    let added = app
        .client
        .post(app.url(&format!("/api/collections/{}/assets", created.id)))
        .json(&json!({ "assets": ids }))
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success());
    created.id
}

/// A visitor's GET of a page of the site, as a browser asks for it.
async fn visit(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = client.get(app.url(path)).header("accept", "text/html").send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Follows the app's redirect to the signed file link, as a browser would.
async fn fetch(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, Vec<u8>) {
    let mut response = client.get(app.url(path)).send().await.unwrap();
    if response.status() == StatusCode::TEMPORARY_REDIRECT {
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        response = client.get(app.url(&location)).send().await.unwrap();
    }
    (response.status(), response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_share_link_opens_only_its_assets_on_its_terms_until_it_expires_or_is_revoked() {
    let app = spawn_app().await;
    let photo = jpeg(800, 600);
    let assets = processed(
        &app,
        &[("harbour.jpg", photo.clone()), ("secret-plan.png", png(300, 200)), ("logo.png", png(64, 64))],
    )
    .await;
    let (harbour, secret, logo) = (&assets[0], &assets[1], &assets[2]);
    let visitor = browser_client();

    // View-only link to one asset: its page and previews open, its original and the ZIP do not.
    let link: ShareLinkView =
        share(&app, json!({ "asset_id": harbour.id, "expires_at": Utc::now() + Duration::days(7) }))
            .await
            .json()
            .await
            .unwrap();
    assert!(link.path.starts_with("/s/") && link.path.len() > 40, "a long random token: {}", link.path);
    let (status, page) = visit(&visitor, &app, &link.path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("harbour.jpg") && !page.contains("secret-plan"), "the page shows the shared asset only");
    let files = format!("{}/assets/{}", link.path, harbour.id);
    let (status, thumbnail) = fetch(&visitor, &app, &format!("{files}/thumbnail?format=jpg")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(image::load_from_memory(&thumbnail).is_ok());
    assert_eq!(fetch(&visitor, &app, &format!("{files}/original")).await.0, StatusCode::FORBIDDEN, "view-only link");
    assert_eq!(fetch(&visitor, &app, &format!("{}/download.zip", link.path)).await.0, StatusCode::FORBIDDEN);
    let probe = format!("{}/assets/{}/thumbnail", link.path, secret.id);
    assert_eq!(fetch(&visitor, &app, &probe).await.0, StatusCode::NOT_FOUND, "another asset through this link");

    // A collection behind a password, with downloads.
    let collection = collection_of(&app, "Press kit", &[harbour, logo]).await;
    let protected: ShareLinkView =
        share(&app, json!({ "collection_id": collection, "expires_at": Utc::now() + Duration::days(1), "password": "open sesame", "allow_download": true })).await.json().await.unwrap();
    assert!(protected.has_password && protected.allow_download);
    let (status, page) = visit(&visitor, &app, &protected.path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("protected") && !page.contains("harbour.jpg"), "nothing shows before the password");
    assert_eq!(fetch(&visitor, &app, &format!("{}/download.zip", protected.path)).await.0, StatusCode::FORBIDDEN);
    let token = protected.path.trim_start_matches("/s/");
    let unlock = |password: &'static str| {
        visitor
            .post(app.url("/api/fn/unlock_share"))
            .header("origin", &app.address)
            .form(&[("token", token), ("password", password)])
            .send()
    };
    assert_eq!(unlock("guess").await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(unlock("open sesame").await.unwrap().status(), StatusCode::OK);
    let (_, page) = visit(&visitor, &app, &protected.path).await;
    assert!(page.contains("Press kit") && page.contains("harbour.jpg") && page.contains("logo.png"));
    let (status, archive) = fetch(&visitor, &app, &format!("{}/download.zip", protected.path)).await;
    assert_eq!(status, StatusCode::OK);
    let entries = unzip(archive).await;
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["harbour.jpg", "logo.png"], "in the order they were added");
    assert_eq!(sha256_hex(&entries[0].1), sha256_hex(&photo), "the original, byte for byte");
    let (status, original) = fetch(&visitor, &app, &format!("{}/assets/{}/original", protected.path, logo.id)).await;
    assert_eq!((status, sha256_hex(&original)), (StatusCode::OK, logo.checksum.clone()));
    // Another browser without the password still sees nothing.
    assert_eq!(
        fetch(&browser_client(), &app, &format!("{}/download.zip", protected.path)).await.0,
        StatusCode::FORBIDDEN
    );

    // Revoked: 410 for the page and every file. Only its maker or an admin may revoke.
    let other_editor = app.create_user(Role::Editor).await;
    let other = common::bearer_client(&app.token_for(&other_editor).await);
    assert_eq!(
        other.delete(app.url(&format!("/api/shares/{}", link.id))).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let revoked: ShareLinkView = app.client.delete(app.url(&format!("/api/shares/{}", link.id))).fetch_json().await;
    assert_eq!(revoked.state, domain::dto::ShareState::Revoked);
    let (status, page) = visit(&visitor, &app, &link.path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("turned off"), "says why");
    assert_eq!(fetch(&visitor, &app, &format!("{files}/thumbnail")).await.0, StatusCode::GONE);

    // Expired: 410 too, with the date.
    app.db()
        .execute(Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            format!("UPDATE share_links SET expires_at = now() - interval '1 hour' WHERE id = '{}'", protected.id),
        ))
        .await
        .unwrap();
    let (status, page) = visit(&visitor, &app, &protected.path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("expired on"));
    assert_eq!(fetch(&visitor, &app, &format!("{}/download.zip", protected.path)).await.0, StatusCode::GONE);
    assert_eq!(visit(&visitor, &app, "/s/no-such-link").await.0, StatusCode::NOT_FOUND);

    // The maker sees how often a link was opened.
    let listed: Page<ShareLinkView> =
        app.client.get(app.url(&format!("/api/shares?collection_id={collection}"))).fetch_json().await;
    let listed = listed.items;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].opens, listed[0].state),
        (1, domain::dto::ShareState::Expired),
        "opened once after the password"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn share_links_are_refused_with_reasons() {
    let app = spawn_app().await;
    let asset = &processed(&app, &[("a.png", png(40, 40))]).await[0];
    let soon = Utc::now() + Duration::days(1);
    for (body, why) in [
        (json!({ "asset_id": asset.id, "expires_at": Utc::now() - Duration::hours(1) }), "future"),
        (json!({ "asset_id": asset.id, "expires_at": Utc::now() + Duration::days(400) }), "at most"),
        (json!({ "asset_id": asset.id, "collection_id": Uuid::now_v7(), "expires_at": soon }), "either"),
        (json!({ "asset_id": asset.id, "expires_at": soon, "password": "123" }), "at least"),
    ] {
        let response = share(&app, body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let error = response.json::<serde_json::Value>().await.unwrap()["detail"].as_str().unwrap().to_owned();
        assert!(error.contains(why), "{error}");
    }
    assert_eq!(
        share(&app, json!({ "asset_id": Uuid::now_v7(), "expires_at": soon })).await.status(),
        StatusCode::NOT_FOUND
    );
    let viewer = app.create_user(Role::Viewer).await;
    let viewer = common::bearer_client(&app.token_for(&viewer).await);
    let refused = viewer
        .post(app.url("/api/shares"))
        .json(&json!({ "asset_id": asset.id, "expires_at": soon }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.cleanup().await;
}

#[tokio::test]
async fn a_selection_downloads_as_one_zip_with_unique_names() {
    let app = spawn_app().await;
    let (first, second) = (png(120, 80), png(80, 120));
    let assets =
        processed(&app, &[("same.png", first.clone()), ("same.png", second.clone()), ("gone.png", png(10, 10))]).await;
    let trashed = app.client.delete(app.url(&format!("/api/assets/{}", assets[2].id))).send().await.unwrap();
    assert!(trashed.status().is_success());

    let ids = assets.iter().map(|a| a.id.to_string()).collect::<Vec<_>>().join(",");
    let response = app.client.post(app.url("/api/downloads/zip")).form(&[("ids", ids)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains(".zip"));
    let entries = unzip(response.bytes().await.unwrap().to_vec()).await;
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["same.png", "same (2).png"], "trashed assets stay out; equal names do not overwrite");
    assert_eq!(entries[0].1, first);
    assert_eq!(entries[1].1, second);

    let bad = app.client.post(app.url("/api/downloads/zip")).form(&[("ids", "not-an-id")]).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // A collection, by its own link.
    let collection = collection_of(&app, "Both", &[&assets[1], &assets[0]]).await;
    let response =
        app.client.get(app.url(&format!("/api/collections/{collection}/download.zip"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("Both.zip"));
    let names: Vec<String> =
        unzip(response.bytes().await.unwrap().to_vec()).await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["same.png", "same (2).png"]);
    app.cleanup().await;
}

async fn usage(app: &TestApp, asset: Uuid) -> (i64, i64, i64, i64) {
    let sql = format!(
        "SELECT COALESCE((SELECT views FROM usage_daily WHERE asset_id = '{asset}' AND day = current_date), 0) AS dv,
                COALESCE((SELECT downloads FROM usage_daily WHERE asset_id = '{asset}' AND day = current_date), 0) AS dd,
                COALESCE((SELECT views FROM usage_stats WHERE asset_id = '{asset}'), 0) AS tv,
                COALESCE((SELECT downloads FROM usage_stats WHERE asset_id = '{asset}'), 0) AS td"
    );
    let row =
        app.db().query_one(Statement::from_string(sea_orm::DatabaseBackend::Postgres, sql)).await.unwrap().unwrap();
    (
        row.try_get("", "dv").unwrap(),
        row.try_get("", "dd").unwrap(),
        row.try_get("", "tv").unwrap(),
        row.try_get("", "td").unwrap(),
    )
}

#[tokio::test]
async fn views_and_downloads_are_counted_per_asset_per_day() {
    let app = spawn_app().await;
    let clip = common::test_clip().await;
    let assets = processed(&app, &[("photo.jpg", jpeg(640, 480)), ("clip.mp4", clip)]).await;
    let (photo, clip) = (&assets[0], &assets[1]);
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    let editor = app.create_user(Role::Editor).await;
    let secret = app.token_for(&editor).await;
    let bearer = [(reqwest::header::AUTHORIZATION, format!("Bearer {secret}").parse().unwrap())];
    let client = no_redirect.default_headers(reqwest::header::HeaderMap::from_iter(bearer)).build().unwrap();

    for _ in 0..2 {
        assert_eq!(
            client.get(app.url(&format!("/api/assets/{}/original", photo.id))).send().await.unwrap().status(),
            StatusCode::TEMPORARY_REDIRECT
        );
    }
    // Playing a rendition is not a download; saving one is (and is named after the original).
    client.get(app.url(&format!("/api/assets/{}/transcode?format=720p", clip.id))).send().await.unwrap();
    let saved = client
        .get(app.url(&format!("/api/assets/{}/transcode?format=720p&download=true", clip.id)))
        .send()
        .await
        .unwrap();
    let location = saved.headers()["location"].to_str().unwrap().to_owned();
    let file = client.get(app.url(&location)).send().await.unwrap();
    assert!(file.headers()["content-disposition"].to_str().unwrap().contains("clip-720p.mp4"));
    // Opening the asset page counts a view; the page refreshing itself does not.
    for viewing in ["true", "true", "false"] {
        let response = client
            .post(app.url("/api/fn/get_asset"))
            .form(&[("input[id]", photo.id.to_string()), ("input[viewing]", viewing.into())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(usage(&app, photo.id).await, (0, 0, 0, 0), "nothing reaches Postgres before a flush");

    let rows = app.services.usage.flush(&app.db()).await.unwrap();
    assert_eq!(rows, 2);
    assert_eq!(usage(&app, photo.id).await, (2, 2, 2, 2));
    assert_eq!(usage(&app, clip.id).await, (0, 1, 0, 1));
    assert_eq!(app.services.usage.flush(&app.db()).await.unwrap(), 0, "a flush moves counts once");

    // Counts add up across flushes, and a flush that died half-way is taken up later.
    client.get(app.url(&format!("/api/assets/{}/original", photo.id))).send().await.unwrap();
    let redis_url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let mut conn = redis::Client::open(redis_url).unwrap().get_multiplexed_async_connection().await.unwrap();
    let abandoned =
        format!("{}:usage:flushing:{}:dead", app.services.config.queue_namespace, Utc::now().timestamp() - 3600);
    let _: () = redis::cmd("HSET")
        .arg(&abandoned)
        .arg(format!("{}:{}:v", photo.id, Utc::now().date_naive()))
        .arg(5)
        .query_async(&mut conn)
        .await
        .unwrap();
    app.services.usage.flush(&app.db()).await.unwrap();
    assert_eq!(usage(&app, photo.id).await, (7, 3, 7, 3));
    let left: bool = redis::cmd("EXISTS").arg(&abandoned).query_async(&mut conn).await.unwrap();
    assert!(!left, "the abandoned flush's counts are moved once");
    app.cleanup().await;
}

#[tokio::test]
async fn counts_still_in_redis_reach_postgres_when_the_server_stops() {
    let app = spawn_app().await;
    let photo = &processed(&app, &[("stop.png", png(30, 20))]).await[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // An interval far longer than the test: only the flush at shutdown can move the count.
    let flusher = tokio::spawn(app.services.usage.clone().flush_periodically(
        app.services.db.clone(),
        std::time::Duration::from_secs(3600),
        async {
            let _ = stopped.await;
        },
    ));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await; // past the interval's first, immediate tick
    app.client.get(app.url(&format!("/api/assets/{}/original", photo.id))).send().await.unwrap();
    assert_eq!(usage(&app, photo.id).await.1, 0);
    stop.send(()).unwrap();
    flusher.await.unwrap();
    assert_eq!(usage(&app, photo.id).await.1, 1, "flushed at shutdown");
    app.cleanup().await;
}
