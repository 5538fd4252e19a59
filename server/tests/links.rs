//! Files are served from signed, short-lived links: the app checks access and redirects; the link
//! alone opens that one file until it expires; a changed or expired link gets 403.

mod common;

use common::{png, spawn_app};
use domain::dto::{AssetStatus, UploadReport};

#[tokio::test]
async fn files_open_through_signed_links_that_cannot_be_altered_or_reused_late() {
    let app = spawn_app().await;
    let original = png(640, 480);
    let report: UploadReport = app.upload(&[("Été à Nice.png", original.clone())]).await.json().await.unwrap();
    let asset = app.wait_until_settled(report.accepted[0].id).await;
    assert_eq!(asset.status, AssetStatus::Processed);

    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let token = app.token_for(&app.create_user(domain::policy::Role::Viewer).await).await;
    let viewer = common::bearer_client_no_redirect(&token);
    let redirect = viewer.get(app.url(&asset.original_url)).send().await.unwrap();
    assert_eq!(redirect.status(), 307);
    let link = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(link.starts_with("/files/originals/") && link.contains("sig="), "{link}");
    assert_eq!(
        no_redirects.get(app.url(&asset.original_url)).send().await.unwrap().status(),
        401,
        "the app URL still checks who asks"
    );

    // The link alone is enough: no session, no token.
    let download = no_redirects.get(app.url(&link)).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-security-policy"], "default-src 'none'; sandbox");
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''%C3%89t%C3%A9%20%C3%A0%20Nice.png"));
    assert!(download.bytes().await.unwrap() == original);

    // Byte ranges, for players and resumable downloads.
    let thumbnail = viewer.get(app.url(asset.thumbnail_url.as_deref().unwrap())).send().await.unwrap().headers()
        ["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let ranged = no_redirects.get(app.url(&thumbnail)).header("range", "bytes=0-9").send().await.unwrap();
    assert_eq!((ranged.status().as_u16(), ranged.bytes().await.unwrap().len()), (206, 10));

    // Any change breaks it.
    let (path, query) = link.split_once('?').unwrap();
    let other_key = path.replace("originals/", "originals/x");
    let tampered = [
        format!("{other_key}?{query}"),
        link.replace("expires=", "expires=9"),
        link.replacen("sig=", "sig=A", 1),
        link.split("&name=").next().unwrap().to_owned()
            + "&"
            + query.split('&').find(|p| p.starts_with("sig=")).unwrap(),
        path.to_owned(),
    ];
    for url in tampered {
        let response = no_redirects.get(app.url(&url)).send().await.unwrap();
        assert!(matches!(response.status().as_u16(), 400 | 403), "{url}: {}", response.status());
    }
    let refused = no_redirects.get(app.url(&link.replacen("sig=", "sig=A", 1))).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("not valid"));

    // And it stops working once expired.
    let key = path.trim_start_matches("/files/");
    let expired = app.services.signer.url_expiring(key, None, chrono::Utc::now().timestamp() - 1);
    let late = no_redirects.get(app.url(&expired)).send().await.unwrap();
    assert_eq!(late.status(), 403);
    assert!(late.text().await.unwrap().contains("expired"));
    app.cleanup().await;
}
