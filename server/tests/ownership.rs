//! Whose things a person may touch (the `Reach` column of `domain::policy`): editors describe,
//! tag and collect anyone's assets, but replace files, trash and restore, delete collections,
//! and list or turn off share links only for what they made; admins may do everything; viewers
//! never see the trash. Checked through the JSON API and the server functions alike.

mod common;

use common::FetchJson as _;

use common::{bearer_client, png, spawn_app_without_worker, TestApp, TestUser};
use domain::policy::Role;
use reqwest::Client;
use serde_json::{json, Value};
use uuid::Uuid;

/// The items of a page of a list.
fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("a page has items")
}

struct Person {
    api: Client,
}

async fn person(app: &TestApp, role: Role) -> Person {
    let user: TestUser = app.create_user(role).await;
    Person { api: bearer_client(&app.token_for(&user).await) }
}

async fn upload(app: &TestApp, who: &Person, width: u32) -> Uuid {
    let form = common::form(&[("mine.png", png(width, 40))]);
    let report: Value = who.api.post(app.url("/api/assets")).multipart(form).fetch_json().await;
    report["accepted"][0]["id"].as_str().unwrap().parse().unwrap()
}

async fn status(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.unwrap().status().as_u16()
}

fn version_form(asset: Uuid, width: u32) -> reqwest::multipart::Form {
    // The asset id comes first: the server function reads fields in order.
    reqwest::multipart::Form::new()
        .text("asset", asset.to_string())
        .part("file", reqwest::multipart::Part::bytes(png(width, 41)).file_name("v2.png"))
}

#[tokio::test]
async fn editors_replace_trash_and_restore_only_what_they_uploaded() {
    let app = spawn_app_without_worker(&[]).await;
    let (owner, other, admin) =
        (person(&app, Role::Editor).await, person(&app, Role::Editor).await, person(&app, Role::Admin).await);
    let asset = upload(&app, &owner, 50).await;
    let url = |path: &str| app.url(&format!("/api/assets/{asset}{path}"));

    // Anyone's asset: describe and tag.
    assert_eq!(status(other.api.patch(url("")).json(&json!({"title": "Quay"}))).await, 200);
    assert_eq!(status(other.api.post(url("/tags")).json(&json!({"tags": ["harbour"]}))).await, 200);
    // Not someone else's file versions, through either surface.
    let versions = |who: &Person, w| who.api.post(url("/versions")).multipart(version_form(asset, w));
    assert_eq!(status(versions(&other, 51)).await, 403);
    let fn_version = other.api.post(app.url("/api/fn/upload_version")).multipart(version_form(asset, 52));
    assert_eq!(status(fn_version).await, 403);
    assert_eq!(status(versions(&owner, 53)).await, 201);
    assert_eq!(status(versions(&admin, 54)).await, 201);
    // Not someone else's trash.
    assert_eq!(status(other.api.delete(url(""))).await, 403);
    let fn_trash = other.api.post(app.url("/api/fn/trash_assets")).form(&[("input[assets][0]", asset.to_string())]);
    assert_eq!(status(fn_trash).await, 403);
    assert_eq!(status(other.api.post(app.url("/api/library/trash")).json(&json!({"assets": [asset]}))).await, 403);
    assert_eq!(status(owner.api.delete(url(""))).await, 204);
    // In the trash it is out of the other editor's sight: restore, show, files all say 404.
    assert_eq!(status(other.api.post(url("/restore"))).await, 404);
    assert_eq!(status(other.api.get(url(""))).await, 404);
    let trash: Value = other.api.get(app.url("/api/trash")).fetch_json().await;
    assert!(
        items(&trash).iter().all(|a| a["id"] != asset.to_string().as_str()),
        "another editor's trash is not listed"
    );
    let theirs: Value = owner.api.get(app.url("/api/trash")).fetch_json().await;
    assert!(items(&theirs).iter().any(|a| a["id"] == asset.to_string().as_str()));
    assert_eq!(status(admin.api.post(url("/restore"))).await, 200);
    assert_eq!(status(owner.api.delete(url(""))).await, 204);
    assert_eq!(status(owner.api.post(url("/restore"))).await, 200);
    app.cleanup().await;
}

#[tokio::test]
async fn viewers_never_see_the_trash_or_what_is_in_it() {
    let app = spawn_app_without_worker(&[]).await;
    let (editor, viewer) = (person(&app, Role::Editor).await, person(&app, Role::Viewer).await);
    let asset = upload(&app, &editor, 60).await;
    let url = |path: &str| app.url(&format!("/api/assets/{asset}{path}"));
    assert_eq!(status(viewer.api.get(url(""))).await, 200);
    assert_eq!(status(editor.api.delete(url(""))).await, 204);

    for path in ["", "/original", "/thumbnail", "/preview", "/versions", "/versions/1/original"] {
        assert_eq!(status(viewer.api.get(url(path))).await, 404, "viewer GET {path}");
    }
    let fn_get = viewer.api.post(app.url("/api/fn/get_asset")).form(&[("input[id]", asset.to_string())]);
    assert_eq!(status(fn_get).await, 404);
    let fn_versions = viewer.api.post(app.url("/api/fn/list_versions")).form(&[("input[id]", asset.to_string())]);
    assert_eq!(status(fn_versions).await, 404);
    let zip = viewer.api.post(app.url("/api/downloads/zip")).form(&[("ids", asset.to_string())]);
    assert_eq!(status(zip).await, 404);
    assert_eq!(status(viewer.api.get(app.url("/api/trash"))).await, 403);
    assert_eq!(status(viewer.api.post(app.url("/api/fn/list_trash"))).await, 403);
    let found: Value = viewer.api.get(app.url("/api/assets?q=mine")).fetch_json().await;
    assert_eq!(found["total"], 0, "search never shows the trash");
    // The one who trashed it still sees it (to restore it).
    assert_eq!(status(editor.api.get(url(""))).await, 200);
    app.cleanup().await;
}

#[tokio::test]
async fn editors_delete_only_their_collections_and_see_and_turn_off_only_their_links() {
    let app = spawn_app_without_worker(&[]).await;
    let (maker, other, admin) =
        (person(&app, Role::Editor).await, person(&app, Role::Editor).await, person(&app, Role::Admin).await);
    let asset = upload(&app, &maker, 70).await;
    let collection: Value = maker
        .api
        .post(app.url("/api/collections"))
        .json(&json!({"name": format!("Launch {}", Uuid::new_v4())}))
        .fetch_json()
        .await;
    let collection = collection["id"].as_str().unwrap().to_owned();
    // Anyone's asset goes into anyone's collection.
    let add =
        other.api.post(app.url(&format!("/api/collections/{collection}/assets"))).json(&json!({"assets": [asset]}));
    assert_eq!(status(add).await, 200);

    let expires = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let make_link =
        |who: &Person| who.api.post(app.url("/api/shares")).json(&json!({"asset_id": asset, "expires_at": expires}));
    let link: Value = make_link(&maker).fetch_json().await;
    assert_eq!(status(make_link(&other)).await, 201, "editors share any asset");
    let link_id = link["id"].as_str().unwrap();

    // The other editor lists only their own links — not the maker's password-free one.
    for listing in [
        other.api.get(app.url("/api/shares")),
        other.api.get(app.url(&format!("/api/shares?asset_id={asset}"))),
        other.api.post(app.url("/api/fn/list_shares")).form(&[("input[asset_id]", asset.to_string())]),
    ] {
        let links: Value = listing.fetch_json().await;
        let links = items(&links);
        assert_eq!(links.len(), 1, "{links:?}");
        assert_ne!(links[0]["id"], link["id"]);
    }
    let all: Value = admin.api.get(app.url("/api/shares")).fetch_json().await;
    assert_eq!(items(&all).len(), 2, "admins see every link");
    assert_eq!(status(other.api.delete(app.url(&format!("/api/shares/{link_id}")))).await, 403);
    let fn_revoke = other.api.post(app.url("/api/fn/revoke_share")).form(&[("input[id]", link_id)]);
    assert_eq!(status(fn_revoke).await, 403);
    assert_eq!(status(maker.api.delete(app.url(&format!("/api/shares/{link_id}")))).await, 200);

    let delete = |who: &Person| who.api.delete(app.url(&format!("/api/collections/{collection}")));
    assert_eq!(status(delete(&other)).await, 403);
    let fn_delete = other.api.post(app.url("/api/fn/delete_collection")).form(&[("input[id]", collection.as_str())]);
    assert_eq!(status(fn_delete).await, 403);
    assert_eq!(status(delete(&admin)).await, 204);
    app.cleanup().await;
}
