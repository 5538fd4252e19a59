//! The web UI's server side: the server-rendered gallery and the server functions it calls.

mod common;

use common::{form, png, spawn_app, spawn_app_without_worker, FetchJson as _};
use domain::dto::{AssetStatus, SearchResults, UploadReport};

#[tokio::test]
async fn gallery_is_server_rendered_with_the_assets() {
    let app = spawn_app().await;
    let report: UploadReport = app.upload(&[("sunset.png", png(64, 48))]).await.json().await.unwrap();
    app.wait_until_settled(report.accepted[0].id).await;

    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Library"));
    assert!(html.contains("sunset.png"), "the asset is in the server-rendered HTML");
    assert!(html.contains(&format!("/api/v1/assets/{}/thumbnail", report.accepted[0].id)));
    let bundle = server::bundle::name(&app.services.config.site_root);
    assert!(html.contains(&format!("/pkg/{bundle}.js")), "hydration script is linked");
    app.cleanup().await;
}

/// What `make front` built is what browsers get: pages link the content-hashed files, which come
/// precompressed and are cached for good, while the pages themselves are asked for again each time.
#[tokio::test]
async fn the_browser_bundle_is_served_precompressed_under_hashed_names() {
    let app = spawn_app_without_worker(&[]).await;
    let site_root = app.services.config.site_root.clone();
    let bundle = server::bundle::name(&site_root);
    assert_ne!(bundle, "dam", "`make front` names the bundle after its content (pkg/bundle.txt)");

    let page = app.anonymous.get(app.url("/login")).send().await.unwrap();
    assert!(page.headers()["cache-control"].to_str().unwrap().contains("no-cache"), "pages revalidate");
    let html = page.text().await.unwrap();
    for kind in ["js", "wasm", "css"] {
        assert!(html.contains(&format!("/pkg/{bundle}.{kind}")), "the page links {bundle}.{kind}");
    }

    let pkg = site_root.join("pkg");
    for kind in ["js", "wasm", "css"] {
        let file = format!("{bundle}.{kind}");
        for (accept, encoding, stored) in [
            ("br", Some("br"), format!("{file}.br")),
            ("gzip", Some("gzip"), format!("{file}.gz")),
            ("identity", None, file.clone()),
        ] {
            let response = app
                .anonymous
                .get(app.url(&format!("/pkg/{file}")))
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{file} with {accept}");
            let headers = response.headers().clone();
            assert_eq!(headers.get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{file} with {accept}");
            assert!(headers["cache-control"].to_str().unwrap().contains("immutable"), "{file} is cached for good");
            let body = response.bytes().await.unwrap();
            assert_eq!(body.as_ref(), std::fs::read(pkg.join(&stored)).unwrap(), "{file} with {accept} is {stored}");
        }
    }
    let wasm = app.anonymous.get(app.url(&format!("/pkg/{bundle}.wasm"))).send().await.unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm", "browsers stream-compile only application/wasm");

    let missing = app.anonymous.get(app.url("/pkg/dam-0123456789abcdef.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        !missing.headers()["cache-control"].to_str().unwrap().contains("immutable"),
        "a 404 is not cached for good"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn upload_server_function_stores_and_reports_each_file() {
    let app = spawn_app().await;
    let files = [("one.png", png(500, 100)), ("two.jpg", b"just text".to_vec())];
    let response = app.client.post(app.url("/api/fn/upload_files")).multipart(form(&files)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let report: UploadReport = response.json().await.unwrap();
    assert_eq!(report.accepted.len(), 1);
    assert_eq!(report.rejected[0].filename, "two.jpg");
    assert!(
        report.rejected[0].error.contains("is not an image: its content looks like"),
        "{}",
        report.rejected[0].error
    );
    assert_eq!(app.wait_until_settled(report.accepted[0].id).await.status, AssetStatus::Processed);

    let listed =
        app.client.post(app.url("/api/fn/search_assets")).form(&[("input[limit]", "10")]).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    let page: SearchResults = listed.json().await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].filename, "one.png");
    app.cleanup().await;
}

#[tokio::test]
async fn the_asset_page_shows_the_preview_and_metadata() {
    let app = spawn_app().await;
    let report: UploadReport = app.upload(&[("harbour.png", png(2000, 1000))]).await.json().await.unwrap();
    let id = report.accepted[0].id;
    app.wait_until_settled(id).await;

    let page = app.client.get(app.url(&format!("/assets/{id}"))).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("harbour.png"));
    assert!(html.contains(&format!("/api/v1/assets/{id}/preview?format=jpg")), "the 1600 px preview is shown");
    assert!(html.contains("2000 × 1000"));
    assert!(html.contains(&report.accepted[0].checksum));
    let missing = app
        .client
        .get(app.url(&format!("/assets/{}", uuid::Uuid::now_v7())))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(missing.contains("asset not found"));
    app.cleanup().await;
}

/// Every page, loaded hundreds of times by a signed-in browser 20 at a time, renders (no error,
/// no panic) with the page policy naming the nonce its own inline script carries, never the
/// locked-down policy meant for stored files (which would show the page without styles or scripts);
/// and with the same data for the browser every time: a page whose rendering makes its resources
/// a varying number of times (Leptos re-runs view closures inside `<Suspense>` while it waits)
/// sends data the browser cannot match up, and its hydration fails.
// Several threads, as the server runs in production: pages render in parallel.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_page_under_concurrent_loads_carries_the_page_policy_with_its_nonce() {
    use futures::{stream, StreamExt};
    use serde_json::{json, Value};

    let app = spawn_app().await;
    let admin = app.create_user(domain::policy::Role::Admin).await;
    let browser = app.sign_in(&admin).await;
    let api = common::bearer_client(&app.token_for(&admin).await);
    let report: UploadReport = app.upload(&[("pier.png", png(300, 200))]).await.json().await.unwrap();
    let asset = report.accepted[0].id;
    app.wait_until_settled(asset).await;
    let collection: Value =
        api.post(app.url("/api/collections")).json(&json!({"name": "Pier", "description": "d"})).fetch_json().await;
    let collection = collection["id"].as_str().unwrap().to_owned();
    let added = api
        .post(app.url(&format!("/api/collections/{collection}/assets")))
        .json(&json!({"assets": [asset]}))
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success(), "{}", added.status());
    let expires = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let link: Value =
        api.post(app.url("/api/shares")).json(&json!({"asset_id": asset, "expires_at": expires})).fetch_json().await;

    let pages = [
        "/".to_owned(),
        format!("/assets/{asset}"),
        format!("/?collection={collection}"),
        "/collections".into(),
        "/trash".into(),
        "/settings".into(),
        "/admin".into(),
        "/admin/users".into(),
        "/admin/audit".into(),
        link["path"].as_str().unwrap().to_owned(),
    ];
    const LOADS_PER_PAGE: usize = 40;
    let nonce_attr = regex::Regex::new(r#"<script nonce="([^"]+)""#).unwrap();
    let resource = regex::Regex::new(r"__RESOLVED_RESOURCES\[(\d+)\]").unwrap();
    let resources_by_page =
        std::sync::Mutex::new(std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new());
    let loads = pages.iter().flat_map(|page| std::iter::repeat_n(page.clone(), LOADS_PER_PAGE));
    let failures: Vec<String> = stream::iter(loads)
        .map(|page| {
            let (browser, url, nonce_attr, resource, resources_by_page) =
                (&browser, app.url(&page), &nonce_attr, &resource, &resources_by_page);
            async move {
                let response = browser.get(&url).header("accept", "text/html").send().await.unwrap();
                let status = response.status();
                let policy = response
                    .headers()
                    .get("content-security-policy")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                let html = response.text().await.unwrap();
                let nonce = nonce_attr.captures(&html).map(|c| c[1].to_owned());
                // Which ones, in any order (they are sent as each is ready).
                let mut resources: Vec<u32> = resource.captures_iter(&html).map(|c| c[1].parse().unwrap()).collect();
                resources.sort();
                resources_by_page.lock().unwrap().entry(page.clone()).or_default().insert(format!("{resources:?}"));
                match nonce {
                    _ if status != 200 => {
                        Some(format!("{page}: {status}: {}", html.chars().take(200).collect::<String>()))
                    }
                    None => Some(format!("{page}: no inline script with a nonce")),
                    Some(nonce) if !policy.contains(&format!("'nonce-{nonce}'")) || policy.contains("sandbox") => {
                        Some(format!("{page}: policy {policy:?} does not allow its script's nonce {nonce}"))
                    }
                    Some(_) => None,
                }
            }
        })
        .buffer_unordered(20)
        .filter_map(|failure| async move { failure })
        .collect()
        .await;
    assert!(failures.is_empty(), "{} of {} loads failed: {failures:#?}", failures.len(), pages.len() * LOADS_PER_PAGE);
    let varying: Vec<_> =
        resources_by_page.into_inner().unwrap().into_iter().filter(|(_, seen)| seen.len() > 1).collect();
    assert!(varying.is_empty(), "pages whose resources differ between loads (ids sent): {varying:#?}");
    app.cleanup().await;
}
