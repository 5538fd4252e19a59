//! The library through its API: search (full text, prefixes, typos), filters, sorting and keyset
//! pages, facets, auto-tags from processing, people's tags and descriptions, and the trash.

mod common;

use common::FetchJson as _;

use common::{bearer_client, jpeg, png, spawn_app, TestApp};
use domain::{
    dto::{AssetStatus, AssetView, Page, SearchResults, UploadReport},
    policy::Role,
};
use image::{ImageFormat, Rgb, RgbImage};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;
use uuid::Uuid;

fn solid_png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    RgbImage::from_pixel(width, height, Rgb(rgb)).write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn search(app: &TestApp, query: &str) -> SearchResults {
    let response = app.client.get(app.url(&format!("/api/assets?{query}"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

fn names(results: &SearchResults) -> Vec<&str> {
    results.items.iter().map(|a| a.filename.as_str()).collect()
}

/// Uploads the files and waits until each is processed; returns them by name.
async fn library(app: &TestApp, files: &[(&str, Vec<u8>)]) -> Vec<AssetView> {
    let report: UploadReport = app.upload(files).await.json().await.unwrap();
    assert_eq!(report.accepted.len(), files.len(), "{:?}", report.rejected);
    let mut settled = Vec::new();
    for asset in report.accepted {
        let done = app.wait_until_settled(asset.id).await;
        assert_eq!(done.status, AssetStatus::Processed, "{}: {:?}", done.filename, done.failure_reason);
        settled.push(done);
    }
    settled
}

#[tokio::test]
async fn search_finds_by_words_prefixes_and_typos_filters_sorts_and_pages() {
    let app = spawn_app().await;
    let assets = library(
        &app,
        &[
            ("Sunset_Beach-2024.png", solid_png(640, 480, [30, 90, 200])),
            ("Mountain lake.png", png(300, 600)),
            ("square logo.png", png(400, 400)),
            ("sunrise-city.jpg", jpeg(1920, 1080)),
            ("teaser.mp4", common::test_clip().await),
        ],
    )
    .await;

    // Processing tagged them with what it learnt.
    let sunset = &assets[0];
    let tags: Vec<&str> = sunset.tags.iter().map(|t| t.name.as_str()).collect();
    for expected in ["sunset", "beach", "image", "png", "landscape", "sd", "blue"] {
        assert!(tags.contains(&expected), "{expected} not in {tags:?}");
    }
    assert!(sunset.tags.iter().all(|t| t.auto));
    let teaser = &assets[4];
    assert_eq!(teaser.duration_ms, Some(2000));
    assert!(teaser.tags.iter().any(|t| t.name == "short clip") && teaser.tags.iter().any(|t| t.name == "720p"));

    let all = search(&app, "").await;
    assert_eq!((all.total, all.estimated), (5, false));
    assert_eq!(names(&all)[0], "teaser.mp4", "newest first");
    let kinds: Vec<(&str, u64)> = all.facets.kinds.iter().map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(kinds, [("image", 4), ("video", 1)]);
    assert!(all.facets.tags.iter().any(|f| f.value == "image" && f.count == 4));

    assert_eq!(names(&search(&app, "q=sunset").await), ["Sunset_Beach-2024.png"]);
    assert_eq!(
        names(&search(&app, "q=beach%20sun").await),
        ["Sunset_Beach-2024.png"],
        "every word, the last as a prefix"
    );
    let sun_results = search(&app, "q=sun").await;
    let mut sun = names(&sun_results);
    sun.sort();
    assert_eq!(sun, ["Sunset_Beach-2024.png", "sunrise-city.jpg"]);
    // Longer prefixes are spelt out into the known words they begin.
    assert_eq!(names(&search(&app, "q=sunr").await), ["sunrise-city.jpg"]);
    assert_eq!(names(&search(&app, "q=Mount").await), ["Mountain lake.png"]);
    assert_eq!(names(&search(&app, "q=sunst").await), ["Sunset_Beach-2024.png"], "a typo in a name still finds it");
    assert_eq!(names(&search(&app, "q=mountian%20lake").await), ["Mountain lake.png"], "a misspelt word among others");
    assert!(names(&search(&app, "q=lanscape").await).contains(&"Sunset_Beach-2024.png"), "a misspelt tag");
    assert!(search(&app, "q=volcano").await.items.is_empty());

    let videos = search(&app, "kind=video").await;
    assert_eq!(names(&videos), ["teaser.mp4"]);
    assert_eq!(
        videos.facets.kinds.iter().find(|f| f.value == "image").map(|f| f.count),
        Some(4),
        "kind counts ignore the chosen kind"
    );
    assert_eq!(names(&search(&app, "orientation=portrait").await), ["Mountain lake.png"]);
    assert_eq!(names(&search(&app, "orientation=square").await), ["square logo.png"]);
    assert_eq!(names(&search(&app, "resolution=1080p").await), ["sunrise-city.jpg"]);
    assert_eq!(names(&search(&app, "duration=short").await), ["teaser.mp4"]);
    assert!(search(&app, "duration=long").await.items.is_empty());
    assert_eq!(names(&search(&app, "tags=landscape,png").await), ["Sunset_Beach-2024.png"], "all of the tags");
    let today = chrono::Utc::now().date_naive();
    assert_eq!(search(&app, &format!("uploaded_from={today}&uploaded_to={today}")).await.total, 5);
    assert_eq!(search(&app, &format!("uploaded_from={}", today.succ_opt().unwrap())).await.total, 0);

    assert_eq!(
        names(&search(&app, "sort=name").await),
        ["Mountain lake.png", "square logo.png", "sunrise-city.jpg", "Sunset_Beach-2024.png", "teaser.mp4"]
    );
    let by_size = search(&app, "sort=size").await;
    assert!(by_size.items.windows(2).all(|w| w[0].size >= w[1].size));

    // Keyset pages: every asset exactly once, in order, whatever the sort.
    for sort in ["newest", "oldest", "name", "size"] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let cursor = after.as_deref().map(|a| format!("&after={a}")).unwrap_or_default();
            let page = search(&app, &format!("sort={sort}&limit=2{cursor}")).await;
            seen.extend(page.items.iter().map(|a| a.id));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let whole: Vec<Uuid> = search(&app, &format!("sort={sort}")).await.items.iter().map(|a| a.id).collect();
        assert_eq!(seen, whole, "pages of {sort}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn people_tag_title_and_describe_assets_and_auto_tags_can_be_removed_for_good() {
    let app = spawn_app().await;
    let assets =
        library(&app, &[("IMG_0042.png", solid_png(320, 200, [240, 140, 20])), ("harbour.png", png(500, 300))]).await;
    let (photo, harbour) = (assets[0].id, assets[1].id);

    let tagged = app
        .client
        .post(app.url(&format!("/api/assets/{photo}/tags")))
        .json(&json!({ "tags": ["  Summer   Campaign ", "Q3"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(tagged.status(), StatusCode::OK);
    let view: AssetView = tagged.json().await.unwrap();
    assert!(view.tags.iter().any(|t| t.name == "summer campaign" && !t.auto), "{:?}", view.tags);
    assert_eq!(names(&search(&app, "q=campaign").await), ["IMG_0042.png"], "tags are searched");
    assert_eq!(names(&search(&app, "tags=summer%20campaign").await), ["IMG_0042.png"]);

    let described = app
        .client
        .patch(app.url(&format!("/api/assets/{photo}")))
        .json(&json!({ "title": "Golden  hour", "description": "Shot for the autumn catalogue" }))
        .send()
        .await
        .unwrap();
    let view: AssetView = described.json().await.unwrap();
    assert_eq!((view.title.as_str(), view.display_name()), ("Golden hour", "Golden hour"));
    assert_eq!(names(&search(&app, "q=golden").await), ["IMG_0042.png"]);
    assert_eq!(names(&search(&app, "q=catalogue").await), ["IMG_0042.png"]);
    let too_long = app
        .client
        .patch(app.url(&format!("/api/assets/{photo}")))
        .json(&json!({ "title": "x".repeat(201) }))
        .send()
        .await
        .unwrap();
    assert_eq!(too_long.status(), StatusCode::BAD_REQUEST);

    // Autocomplete: by prefix first, then close spellings.
    let suggested: serde_json::Value = app.client.get(app.url("/api/tags?q=sum")).fetch_json().await;
    assert_eq!(suggested[0]["name"], "summer campaign");

    // Bulk: one request tags a selection.
    let bulk = app
        .client
        .post(app.url("/api/library/tag"))
        .json(&json!({ "assets": [photo, harbour], "tags": ["press kit"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(bulk.status(), StatusCode::OK);
    assert_eq!(search(&app, "tags=press%20kit").await.total, 2);
    let nobody = app
        .client
        .post(app.url("/api/library/tag"))
        .json(&json!({ "assets": [Uuid::now_v7()], "tags": ["x"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(nobody.status(), StatusCode::NOT_FOUND);

    // An auto-tag removed stays removed, even when the asset is processed again.
    assert!(app.asset(photo).await.tags.iter().any(|t| t.name == "orange" && t.auto));
    let removed = app.client.delete(app.url(&format!("/api/assets/{photo}/tags/orange"))).send().await.unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
    let again = app
        .client
        .post(app.url(&format!("/api/assets/{photo}/reprocess")))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let reprocessed = app.wait_until_settled(photo).await;
    assert_eq!(reprocessed.status, AssetStatus::Processed);
    let tags: Vec<&str> = reprocessed.tags.iter().map(|t| t.name.as_str()).collect();
    assert!(!tags.contains(&"orange") && tags.contains(&"png") && tags.contains(&"summer campaign"), "{tags:?}");
    // A person's own tag is simply deleted.
    app.client.delete(app.url(&format!("/api/assets/{photo}/tags/q3"))).send().await.unwrap();
    assert!(!app.asset(photo).await.tags.iter().any(|t| t.name == "q3"));
    assert_eq!(
        app.client.delete(app.url(&format!("/api/assets/{photo}/tags/q3"))).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    let viewer = bearer_client(&app.token_for(&app.create_user(Role::Viewer).await).await);
    let refused = viewer
        .post(app.url(&format!("/api/assets/{photo}/tags")))
        .json(&json!({ "tags": ["mine"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.cleanup().await;
}

#[tokio::test]
async fn the_trash_hides_restores_and_when_emptied_removes_the_files() {
    let app = spawn_app().await;
    let assets = library(&app, &[("keep.png", png(200, 100)), ("drop.png", png(210, 100))]).await;
    let drop_id = assets[1].id;

    let trashed = app.client.delete(app.url(&format!("/api/assets/{drop_id}"))).send().await.unwrap();
    assert_eq!(trashed.status(), StatusCode::NO_CONTENT);
    assert_eq!(names(&search(&app, "").await), ["keep.png"]);
    let in_trash: Page<AssetView> = app.client.get(app.url("/api/trash")).fetch_json().await;
    let in_trash = in_trash.items;
    assert_eq!(in_trash.iter().map(|a| a.filename.as_str()).collect::<Vec<_>>(), ["drop.png"]);
    assert!(in_trash[0].deleted_at.is_some());
    // Who moved it there, by e-mail (the harness's editor).
    assert!(
        in_trash[0].deleted_by.as_deref().is_some_and(|by| by.starts_with("editor-")),
        "{:?}",
        in_trash[0].deleted_by
    );

    let restored: AssetView = app.client.post(app.url(&format!("/api/assets/{drop_id}/restore"))).fetch_json().await;
    assert!(restored.deleted_at.is_none());
    let row = domain::entities::asset::Entity::find_by_id(drop_id).one(&app.db()).await.unwrap().unwrap();
    assert_eq!(row.deleted_by, None, "a restored asset is no longer anyone's deletion");
    assert_eq!(search(&app, "").await.total, 2);

    // Editors may only delete their own uploads.
    let other_editor = bearer_client(&app.token_for(&app.create_user(Role::Editor).await).await);
    let refused = other_editor.delete(app.url(&format!("/api/assets/{drop_id}"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    app.client.delete(app.url(&format!("/api/assets/{drop_id}"))).send().await.unwrap();
    let files_before = app.stored_files("thumbnails").len();
    assert_eq!(
        app.client.delete(app.url("/api/trash")).send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "emptying is for admins"
    );
    let admin = bearer_client(&app.token_for(&app.create_user(Role::Admin).await).await);
    let emptied: serde_json::Value = admin.delete(app.url("/api/trash")).fetch_json().await;
    assert_eq!(emptied["changed"], 1);
    assert_eq!(
        app.client.get(app.url(&format!("/api/assets/{drop_id}"))).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !app.stored_files("originals").iter().any(|p| p.to_string_lossy().contains(&drop_id.to_string())),
        "the original is gone"
    );
    assert!(app.stored_files("thumbnails").len() < files_before, "its derivatives are gone");
    assert!(
        app.stored_files("originals").iter().any(|p| p.to_string_lossy().contains(&assets[0].id.to_string())),
        "the other asset is untouched"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn collections_group_assets_and_are_searched_like_the_library() {
    let app = spawn_app().await;
    let assets = library(
        &app,
        &[("launch-hero.png", png(300, 200)), ("launch-banner.png", png(301, 200)), ("unrelated.png", png(302, 200))],
    )
    .await;
    let (hero, banner) = (assets[0].id, assets[1].id);

    let created = app
        .client
        .post(app.url("/api/collections"))
        .json(&json!({ "name": "  Spring   launch ", "description": "Everything for April" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let collection: domain::dto::CollectionView = created.json().await.unwrap();
    assert_eq!((collection.name.as_str(), collection.asset_count), ("Spring launch", 0));
    let twice =
        app.client.post(app.url("/api/collections")).json(&json!({ "name": "spring LAUNCH" })).send().await.unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert!(twice.text().await.unwrap().contains("already a collection"));

    let id = collection.id;
    let added: serde_json::Value = app
        .client
        .post(app.url(&format!("/api/collections/{id}/assets")))
        .json(&json!({ "assets": [hero, banner, hero] }))
        .fetch_json()
        .await;
    assert_eq!(added["added"], 2);
    let inside = search(&app, &format!("collection={id}")).await;
    let mut found = names(&inside);
    found.sort();
    assert_eq!(found, ["launch-banner.png", "launch-hero.png"]);
    assert_eq!(
        names(&search(&app, &format!("collection={id}&q=hero")).await),
        ["launch-hero.png"],
        "search works inside a collection"
    );
    let listed: Page<domain::dto::CollectionView> = app.client.get(app.url("/api/collections")).fetch_json().await;
    let listed = listed.items;
    assert_eq!(listed[0].asset_count, 2);
    assert!(listed[0]
        .cover_url
        .as_deref()
        .is_some_and(|u| u.contains(&banner.to_string()) || u.contains(&hero.to_string())));

    // Taking one out leaves it in the library.
    let taken_out: serde_json::Value = app
        .client
        .delete(app.url(&format!("/api/v1/collections/{id}/assets")))
        .json(&serde_json::json!({ "assets": [banner] }))
        .fetch_json()
        .await;
    assert_eq!(taken_out["removed"], 1);
    assert_eq!(names(&search(&app, &format!("collection={id}")).await), ["launch-hero.png"]);
    assert_eq!(search(&app, "").await.total, 3);

    let viewer = bearer_client(&app.token_for(&app.create_user(Role::Viewer).await).await);
    assert_eq!(viewer.get(app.url("/api/collections")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        viewer.post(app.url("/api/collections")).json(&json!({ "name": "mine" })).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        app.client.delete(app.url(&format!("/api/collections/{id}"))).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.client.get(app.url(&format!("/api/collections/{id}"))).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(search(&app, "").await.total, 3, "deleting a collection keeps its assets");
    app.cleanup().await;
}

#[tokio::test]
async fn name_pages_hold_every_asset_once_whatever_the_letters() {
    let app = spawn_app().await;
    let names_in = ["Zebra.png", "Éclair.png", "apple.png", "Øre.png", "İzmir.png", "ÉCLAIR 2.png"];
    let files: Vec<(&str, Vec<u8>)> = names_in.iter().enumerate().map(|(i, n)| (*n, png(40 + i as u32, 30))).collect();
    library(&app, &files).await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let cursor = after.as_deref().map(|a| format!("&after={a}")).unwrap_or_default();
        let page = search(&app, &format!("sort=name&limit=1{cursor}")).await;
        seen.extend(page.items.iter().map(|a| a.filename.clone()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
        assert!(seen.len() <= names_in.len(), "pages repeat: {seen:?}");
    }
    let whole: Vec<String> = search(&app, "sort=name").await.items.iter().map(|a| a.filename.clone()).collect();
    assert_eq!(whole.len(), names_in.len());
    assert_eq!(seen, whole);
    app.cleanup().await;
}

/// Counts are exact up to 10 000 matches and estimated above (from a sample of the table), for
/// the total and the facets alike; a narrow search inside a broad one is still counted exactly.
#[tokio::test]
async fn counts_are_exact_up_to_ten_thousand_matches_and_estimated_above() {
    let app = common::spawn_app_without_worker(&[]).await;
    // 30 000 assets, interleaved: "harbour" on 18 000 (15 000 images, 3 000 videos), "beach" on the rest.
    app.db()
        .execute_unprepared(
            r#"INSERT INTO assets (id, original_path, original_filename, status, kind, mime, size, checksum, priority, created_at, width, height, tags)
               SELECT gen_random_uuid(), 'originals/x', CASE WHEN n % 5 < 3 THEN 'harbour ' ELSE 'beach ' END || n || '.jpg', 'processed',
                      CASE WHEN n % 10 = 0 THEN 'video' ELSE 'image' END, 'image/jpeg', 1000, 'x', 5, now() - n * interval '1 second', 1920, 1080,
                      CASE WHEN n % 3 = 0 THEN ARRAY['approved'] ELSE ARRAY['draft'] END
               FROM generate_series(1, 30000) AS n"#,
        )
        .await
        .unwrap();
    // Statistics are the owner's to gather.
    let owner = sea_orm::Database::connect(&app.services.config.migration_database_url).await.unwrap();
    owner.execute_unprepared("ANALYZE assets").await.unwrap();

    let broad = search(&app, "q=harbour").await;
    assert!(broad.estimated, "18 000 matches are estimated");
    assert!((15_000..=21_000).contains(&broad.total), "about 18 000, not {}", broad.total);
    let approved = broad.facets.tags.iter().find(|t| t.value == "approved").map_or(0, |t| t.count);
    assert!((4_500..=7_500).contains(&approved), "about a third approved, not {approved}");

    let videos = search(&app, "q=harbour&kind=video").await;
    assert!(!videos.estimated);
    assert_eq!(videos.total, 3000);
    let tags: Vec<(&str, u64)> = videos.facets.tags.iter().map(|t| (t.value.as_str(), t.count)).collect();
    assert_eq!(tags, [("draft", 2000), ("approved", 1000)]);
    let kinds: Vec<(&str, u64)> = videos.facets.kinds.iter().map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(kinds.iter().find(|k| k.0 == "video"), Some(&("video", 3000)), "the chosen kind's own count: {kinds:?}");
    let images = kinds.iter().find(|k| k.0 == "image").map_or(0, |k| k.1);
    assert!((12_000..=18_000).contains(&images), "about 15 000 images beside them, not {images}");

    let exact = search(&app, "q=beach&tags=approved").await;
    assert!(!exact.estimated);
    assert_eq!(exact.total, 4000);
    app.cleanup().await;
}

/// More people searching at once than the server has database connections: every search answers.
/// (An operation used to hold a connection for its transaction while the search waited for two
/// more to read its page and counts side by side; as many searches as connections then waited on
/// each other until the pool gave up, and everyone got an error.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_concurrent_searches_than_database_connections_all_answer() {
    let app = common::spawn_app_with(&[("DATABASE_POOL_SIZE", "3")]).await;
    library(&app, &[("harbour.png", png(64, 48))]).await;
    let searches = (0..12).map(|i| {
        let query = if i % 2 == 0 { "q=harbour" } else { "sort=newest" };
        app.client.get(app.url(&format!("/api/assets?{query}"))).send()
    });
    for response in futures::future::join_all(searches).await {
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let results: SearchResults = response.json().await.unwrap();
        assert_eq!(names(&results), ["harbour.png"]);
    }
    app.cleanup().await;
}
