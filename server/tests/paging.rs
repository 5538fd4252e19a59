//! Every list of the API pages the same way: `?after=…&limit=…` answered with `{ items, next }`.
//! The lists are found in the OpenAPI document (an operation taking `after` and `limit`), so a
//! new list is walked here without being named; an operation answering a bare array fails.

mod common;

use common::{bearer_client, png, spawn_app_without_worker, FetchJson as _, TestApp};
use domain::{
    audit::Actor,
    dto::{NewCollection, NewShareLink, NewToken, UploadReport},
    policy::Role,
};
use edge::routes;
use serde_json::{json, Value};
use uuid::Uuid;

/// Short lists of a bounded length, not of things people make: one entry per processing queue;
/// the few best tag suggestions for what someone is typing.
const NOT_PAGED: &[&str] = &["queue_reports", "suggest_tags"];

/// Three or more of everything a list shows, made by (or for) `admin`; returns an asset with
/// three file versions.
async fn three_of_everything(app: &TestApp, admin: &reqwest::Client, actor: &Actor) -> Uuid {
    let db = &app.db();
    let mut assets = Vec::new();
    for width in 30..36 {
        let form = common::form(&[("p.png", png(width, 30))]);
        let report: UploadReport = admin.post(app.url("/api/assets")).multipart(form).fetch_json().await;
        assets.push(report.accepted[0].id);
    }
    domain::library::trash::trash(db, actor, &assets[3..]).await.unwrap();
    for width in [50, 51] {
        let form = reqwest::multipart::Form::new()
            .text("asset", assets[0].to_string())
            .part("file", reqwest::multipart::Part::bytes(png(width, 41)).file_name("next.png"));
        let response = admin.post(app.url(&format!("/api/assets/{}/versions", assets[0]))).multipart(form);
        assert!(response.send().await.unwrap().status().is_success());
    }
    let user_id = actor.user_id.unwrap();
    let user = domain::accounts::users::get(db, user_id).await.unwrap();
    for (n, asset) in assets.iter().take(3).enumerate() {
        let collection = NewCollection { name: format!("paged {n}"), description: String::new() };
        domain::library::collections::create(db, &edge::links::API, actor, collection).await.unwrap();
        let link = NewShareLink {
            asset_id: Some(*asset),
            collection_id: None,
            expires_at: None,
            expires_in_days: Some(3),
            password: None,
            allow_download: false,
        };
        domain::sharing::links::create(db, actor, link).await.unwrap();
        let token = NewToken { name: format!("script {n}"), expires_in_days: None };
        domain::accounts::tokens::create(db, actor, user_id, token).await.unwrap();
        domain::accounts::sessions::start(db, &user, chrono::Duration::hours(1), &Default::default()).await.unwrap();
        app.create_user(Role::Viewer).await;
    }
    assets[0]
}

/// What tells two items of a list apart.
fn identity(item: &Value) -> String {
    item.get("id").or_else(|| item.get("version")).unwrap_or_else(|| panic!("no id in {item}")).to_string()
}

#[tokio::test]
async fn every_list_pages_with_one_cursor_and_a_walk_sees_each_item_once() {
    let app = spawn_app_without_worker(&[("API_RATE_PER_SECOND", "10000"), ("API_RATE_BURST", "10000")]).await;
    let admin_user = app.create_user(Role::Admin).await;
    let admin = bearer_client(&app.token_for(&admin_user).await);
    let actor = Actor::user(&domain::accounts::users::get(&app.db(), admin_user.id).await.unwrap(), None)
        .in_workspace(app.workspace);
    let versioned = three_of_everything(&app, &admin, &actor).await;
    let document: Value = app.anonymous.get(app.url("/api/openapi.json")).fetch_json().await;

    let mut walked = Vec::new();
    for route in routes::all() {
        let id = route.spec.id;
        let operation = &document["paths"][route.path][route.method.to_ascii_lowercase()];
        let answer = &operation["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(answer["type"] != "array" || NOT_PAGED.contains(&id), "{id} answers a list that cannot be paged");
        let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
        let takes = |name: &str| parameters.iter().any(|p| p["name"] == name && p["in"] == "query");
        if !(takes("after") && takes("limit")) {
            continue;
        }
        let input = if !route.path_params().is_empty() { json!({ "id": versioned }) } else { json!({}) };
        let whole: Value = common::operation_request(&app, &admin, &route, &input).fetch_json().await;
        let all: Vec<String> =
            whole["items"].as_array().unwrap_or_else(|| panic!("{id}: {whole}")).iter().map(identity).collect();
        assert!(all.len() >= 3, "{id}: the fixture made at least three, got {all:?}");
        assert!(whole["next"].is_null(), "{id}: everything fits one default page");

        // Two at a time, following `next`: the same items in the same order, none twice.
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut page_input = input.clone();
            page_input["limit"] = json!(2);
            if let Some(cursor) = &after {
                page_input["after"] = json!(cursor);
            }
            let page: Value = common::operation_request(&app, &admin, &route, &page_input).fetch_json().await;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 2, "{id}: a page holds at most `limit` items");
            seen.extend(items.iter().map(identity));
            match page["next"].as_str() {
                Some(next) => after = Some(next.to_owned()),
                None => break,
            }
            assert!(seen.len() <= all.len(), "{id}: the walk does not end");
        }
        assert_eq!(seen, all, "{id}: walking the pages gives the whole list");

        // A cursor someone made up is a clear 400, not a 500 and not the first page again.
        let mut forged = input.clone();
        forged["after"] = json!("bm90IGEgY3Vyc29y");
        let response = common::operation_request(&app, &admin, &route, &forged).send().await.unwrap();
        assert_eq!(response.status(), 400, "{id}");
        let problem: Value = response.json().await.unwrap();
        assert!(problem["detail"].as_str().unwrap().contains("cursor"), "{id}: {problem}");
        walked.push(id);
    }
    let mut expected = vec![
        "list_audit",
        "list_collections",
        "list_sessions",
        "list_shares",
        "list_tokens",
        "list_trash",
        "list_users",
        "list_versions",
        "search_assets",
    ];
    walked.sort();
    expected.sort();
    assert_eq!(walked, expected);
    app.cleanup().await;
}
