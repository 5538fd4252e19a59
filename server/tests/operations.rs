//! Every operation of the API's one table (`edge::routes`) against every kind of caller —
//! nobody, a viewer, the editor who made the thing, an editor who did not, an admin — through its
//! JSON route and its server function. The cases are generated from the table, so an operation
//! cannot be added without being checked: one without a fixture here fails the test.

mod common;

use common::{bearer_client, png, spawn_app_without_worker, TestApp, TestUser};
use domain::{
    audit::Actor,
    dto::{NewCollection, UploadReport},
    operations::Spec,
    policy::{self, Reach, Role},
};
use edge::routes;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

struct Caller {
    label: &'static str,
    role: Option<Role>,
    client: reqwest::Client,
    /// Who made the things the operation is called on: the caller, or another editor.
    owner: usize,
    user: Option<TestUser>,
}

/// People who make things for the fixtures: [0] another editor, then the callers themselves.
struct Makers {
    users: Vec<(TestUser, reqwest::Client)>,
    /// The workspace they make things in.
    workspace: Uuid,
}

impl Makers {
    async fn actor(&self, app: &TestApp, index: usize) -> Actor {
        let user = domain::accounts::users::get(&app.db(), self.users[index].0.id).await.unwrap();
        Actor::user(&user, None).in_workspace(self.workspace)
    }
}

async fn upload_as(app: &TestApp, client: &reqwest::Client) -> Uuid {
    static SEEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    // New content each time: known content would be answered as a duplicate of another's asset.
    let width = 20 + SEEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let response =
        client.post(app.url("/api/assets")).multipart(common::form(&[("m.png", png(width, 20))])).send().await.unwrap();
    let report: UploadReport = response.json().await.unwrap();
    report.accepted[0].id
}

async fn collection_of(app: &TestApp, actor: &Actor) -> Uuid {
    let name = format!("matrix {}", Uuid::new_v4().simple());
    let new = NewCollection { name, description: String::new() };
    let db = app.services.in_workspace(actor.workspace.expect("made in a workspace"));
    domain::library::collections::create(&db, &edge::links::API, actor, new).await.unwrap().id
}

/// A valid input for operation `id`, on things made by maker `owner` (fresh ones where the call
/// changes them, so every caller gets the same chance); `caller` for one's own credentials.
async fn fixture(app: &TestApp, makers: &Makers, owner: usize, caller: Option<&TestUser>, id: &str) -> Value {
    let (db, client) = (&app.services.in_workspace(makers.workspace), &makers.users[owner].1);
    let actor = makers.actor(app, owner).await;
    let unique = Uuid::new_v4().simple().to_string();
    let caller_row = match caller {
        Some(user) => Some(domain::accounts::users::get(db, user.id).await.unwrap()),
        None => None,
    };
    match id {
        "get_asset" => json!({ "id": upload_as(app, client).await, "viewing": true }),
        "reprocess_asset" | "list_versions" => json!({ "id": upload_as(app, client).await }),
        "list_shares" => json!({}),
        "create_share" => json!({ "asset_id": upload_as(app, client).await, "expires_in_days": 7 }),
        "revoke_share" => {
            let new = domain::dto::NewShareLink {
                asset_id: Some(upload_as(app, client).await),
                collection_id: None,
                expires_at: None,
                expires_in_days: Some(7),
                password: None,
                allow_download: false,
            };
            json!({ "id": domain::sharing::links::create(db, &actor, new).await.unwrap().id })
        }
        "list_tokens" | "list_sessions" | "list_users" | "dashboard_overview" | "queue_reports" => json!({}),
        "create_token" => json!({ "name": format!("script {unique}") }),
        "revoke_token" => match &caller_row {
            Some(user) => {
                let new = domain::dto::NewToken { name: "spare".into(), expires_in_days: None };
                let token = domain::accounts::tokens::create(
                    db,
                    &Actor::user(user, None).in_workspace(app.workspace),
                    user.id,
                    new,
                )
                .await
                .unwrap();
                json!({ "id": token.token.id })
            }
            None => json!({ "id": Uuid::now_v7() }),
        },
        "revoke_session" => match &caller_row {
            Some(user) => {
                let ttl = chrono::Duration::hours(1);
                let (session, _) = domain::accounts::sessions::start(db, user, ttl, &Default::default()).await.unwrap();
                json!({ "id": session.id })
            }
            None => json!({ "id": Uuid::now_v7() }),
        },
        "create_user" => json!({ "email": format!("new-{unique}@example.test"), "role": "viewer" }),
        "update_user" => {
            json!({ "id": app.create_user(Role::Viewer).await.id, "display_name": format!("renamed {unique}") })
        }
        "list_audit" => json!({ "action": "asset.", "limit": 10 }),
        "reprocess_many" => json!({ "selection": "failed" }),
        "search_assets" => json!({ "q": "" }),
        "suggest_tags" => json!({ "q": "ma" }),
        "describe_asset" => json!({ "id": upload_as(app, client).await, "title": format!("t {unique}") }),
        "tag_asset" => json!({ "id": upload_as(app, client).await, "tags": ["matrix"] }),
        "untag_asset" => {
            let asset = upload_as(app, client).await;
            domain::library::tags::add(db, &actor, &[asset], &["matrix".into()]).await.unwrap();
            json!({ "id": asset, "tag": "matrix" })
        }
        "tag_assets" => json!({ "assets": [upload_as(app, client).await], "tags": ["matrix"] }),
        "trash_asset" => json!({ "id": upload_as(app, client).await }),
        "trash_assets" => json!({ "assets": [upload_as(app, client).await] }),
        "restore_asset" | "restore_assets" => {
            let asset = upload_as(app, client).await;
            domain::library::trash::trash(db, &actor, &[asset]).await.unwrap();
            if id == "restore_asset" {
                json!({ "id": asset })
            } else {
                json!({ "assets": [asset] })
            }
        }
        "list_trash" | "empty_trash" | "list_collections" => json!({}),
        "create_collection" => json!({ "name": format!("new {unique}") }),
        "get_collection" | "delete_collection" => json!({ "id": collection_of(app, &actor).await }),
        "update_collection" => json!({ "id": collection_of(app, &actor).await, "name": format!("renamed {unique}") }),
        "add_to_collection" => {
            json!({ "id": collection_of(app, &actor).await, "assets": [upload_as(app, client).await] })
        }
        "remove_from_collection" => {
            let (collection, asset) = (collection_of(app, &actor).await, upload_as(app, client).await);
            domain::library::collections::add(db, &actor, collection, &[asset]).await.unwrap();
            json!({ "id": collection, "assets": [asset] })
        }
        other => panic!("operation {other} has no fixture in tests/operations.rs; add one"),
    }
}

/// What the policy says `caller` gets from an operation declared as `spec` (any of these).
fn expected(spec: &Spec, caller: &Caller, success: StatusCode) -> Vec<StatusCode> {
    let Some(role) = caller.role else {
        return vec![if spec.admits(None) { success } else { StatusCode::UNAUTHORIZED }];
    };
    if !spec.admits(Some(role)) {
        return vec![StatusCode::FORBIDDEN];
    }
    let reaches_only_own = spec.permission.and_then(|p| policy::reach(role, p)) == Some(Reach::Own);
    if spec.owned && reaches_only_own && caller.owner == 0 {
        // Refused; or, for what only its owner sees (another's trash), not found at all.
        return vec![StatusCode::FORBIDDEN, StatusCode::NOT_FOUND];
    }
    vec![success]
}

/// `input` as the form fields of a server function's single `input` argument
/// (`input[name]=…`, `input[assets][0]=…`).
fn server_fn_form(value: &Value, prefix: &str, fields: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| server_fn_form(v, &format!("{prefix}[{k}]"), fields)),
        Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| server_fn_form(v, &format!("{prefix}[{i}]"), fields))
        }
        Value::Null => {}
        Value::String(s) => fields.push((prefix.to_owned(), s.clone())),
        other => fields.push((prefix.to_owned(), other.to_string())),
    }
}

fn server_fn_paths() -> Vec<String> {
    leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect()
}

#[tokio::test]
async fn every_operation_answers_every_caller_as_the_policy_says_through_route_and_server_function() {
    let app = spawn_app_without_worker(&[("API_RATE_PER_SECOND", "10000"), ("API_RATE_BURST", "10000")]).await;
    let other_editor = app.create_user(Role::Editor).await;
    let other_client = bearer_client(&app.token_for(&other_editor).await);
    let mut makers = Makers { users: vec![(other_editor, other_client)], workspace: app.workspace };
    let mut callers =
        vec![Caller { label: "anonymous", role: None, client: reqwest::Client::new(), owner: 0, user: None }];
    for (label, role, owns) in [
        ("viewer", Role::Viewer, false),
        ("editor", Role::Editor, true),
        ("other editor", Role::Editor, false),
        ("admin", Role::Admin, true),
    ] {
        let user = app.create_user(role).await;
        let client = bearer_client(&app.token_for(&user).await);
        let owner = if owns {
            makers.users.push((user.clone(), client.clone()));
            makers.users.len() - 1
        } else {
            0
        };
        callers.push(Caller { label, role: Some(role), client, owner, user: Some(user) });
    }

    let server_fns = server_fn_paths();
    let (mut failures, mut checked) = (Vec::new(), 0);
    for route in routes::all() {
        let spec = route.spec;
        let server_fn = format!("/api/fn/{}", spec.id);
        let has_server_fn = server_fns.contains(&server_fn);
        for caller in &callers {
            let success = routes::documented_statuses(&spec, route.method)[0];
            let input = fixture(&app, &makers, caller.owner, caller.user.as_ref(), spec.id).await;
            let response = common::operation_request(&app, &caller.client, &route, &input).send().await.unwrap();
            let status = response.status();
            let want = expected(&spec, caller, StatusCode::from_u16(success).unwrap());
            checked += 1;
            if !want.contains(&status) {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{:<12} {:<24} JSON: got {status}, expected {want:?}: {body}",
                    caller.label, spec.id
                ));
            } else if !status.is_success() {
                let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
                let problem: Value = response.json().await.unwrap();
                if content_type != "application/problem+json" || !problem["detail"].is_string() {
                    failures
                        .push(format!("{} {}: a refusal is not a problem document: {problem}", caller.label, spec.id));
                }
            }
            if has_server_fn {
                let input = fixture(&app, &makers, caller.owner, caller.user.as_ref(), spec.id).await;
                let mut fields = Vec::new();
                server_fn_form(&input, "input", &mut fields);
                let response = caller.client.post(app.url(&server_fn)).form(&fields).send().await.unwrap();
                let status = response.status();
                let want = expected(&spec, caller, StatusCode::OK);
                checked += 1;
                if !want.contains(&status) {
                    let body = response.text().await.unwrap_or_default();
                    failures.push(format!(
                        "{:<12} {:<24} server fn: got {status}, expected {want:?}: {body}",
                        caller.label, spec.id
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    app.cleanup().await;
}

/// Server functions that are not operations of the table: signing in and out and changing one's
/// password set or end cookies and sessions; uploads stream multipart bodies; a share page's
/// visitor is no account. The list may only shrink: a new server function is an operation.
const OUTSIDE_THE_TABLE: &[&str] = &[
    "current_user",
    "login",
    "logout",
    "change_password",
    "sso_options",
    "upload_files",
    "upload_version",
    "open_share",
    "unlock_share",
];

#[test]
fn every_server_function_is_an_operation_of_the_table() {
    let ids: Vec<&str> = routes::all().iter().map(|r| r.spec.id).collect();
    let mut strays = Vec::new();
    for path in server_fn_paths() {
        let Some(name) = path.strip_prefix("/api/fn/") else {
            strays.push(path);
            continue;
        };
        if !ids.contains(&name) && !OUTSIDE_THE_TABLE.contains(&name) {
            strays.push(path);
        }
    }
    assert!(strays.is_empty(), "server functions that are no operation: {strays:?}");
    let mut seen = std::collections::HashSet::new();
    assert!(ids.iter().all(|id| seen.insert(*id)), "operation ids are unique");
}

#[tokio::test]
async fn today_paths_answer_as_aliases_of_v1() {
    let app = spawn_app_without_worker(&[]).await;
    for path in ["/api/collections", "/api/v1/collections"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let list: Value = response.json().await.unwrap();
        assert_eq!(list, json!({ "items": [], "next": null }), "{path}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn unreadable_input_is_a_problem_that_names_the_field() {
    let app = spawn_app_without_worker(&[]).await;
    // Not JSON at all: 400.
    let response = app
        .client
        .post(app.url("/api/v1/collections"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 400);
    assert!(problem["detail"].as_str().unwrap().contains("not valid JSON"), "{problem}");

    // JSON, but a field of the wrong type: 422 naming it.
    let response =
        app.client.post(app.url("/api/v1/library/trash")).json(&json!({ "assets": ["nope"] })).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "assets[0]", "{problem}");
    assert_eq!(problem["title"], "Unprocessable Entity");

    // A server function called with fields it does not take: 400, never a 500.
    let response = app
        .client
        .post(app.url("/api/fn/trash_assets"))
        .form(&[("assets[0]", Uuid::nil().to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    // A path that cannot be read is refused; the body never stands in for it.
    let decoy = json!({ "id": Uuid::now_v7() });
    let response = app.client.delete(app.url("/api/v1/assets/%FF")).json(&decoy).send().await.unwrap();
    assert_eq!(response.status(), 400);

    // A path parameter that is not an id: 422 too, never a 500.
    let response = app.client.get(app.url("/api/v1/collections/not-an-id")).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "id", "{problem}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_operation_of_the_table() {
    let app = spawn_app_without_worker(&[]).await;
    let response = app.anonymous.get(app.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    for route in routes::all() {
        let operation = &document["paths"][route.path][route.method.to_ascii_lowercase()];
        let id = route.spec.id;
        assert_eq!(operation["operationId"], id);
        assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{id} has a summary");
        for status in routes::documented_statuses(&route.spec, route.method) {
            assert!(operation["responses"][status.to_string()].is_object(), "{id} documents {status}");
        }
        for name in route.path_params() {
            let documented =
                operation["parameters"].as_array().unwrap().iter().any(|p| p["name"] == name && p["in"] == "path");
            assert!(documented, "{id} documents its path parameter {name}");
        }
        if !route.reads_query() && operation.get("requestBody").is_some() {
            assert!(
                operation["requestBody"]["content"]["application/json"]["example"].is_object(),
                "{id} has an example"
            );
        }
    }
    // Every reference points at a schema the document has.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(document["components"]["schemas"][name].is_object(), "schema {name} is missing");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn the_api_reference_is_served_from_here_under_a_policy_that_allows_only_this_origin() {
    let app = spawn_app_without_worker(&[]).await;
    let response = app.anonymous.get(app.url("/api/docs")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    let html = response.text().await.unwrap();
    assert!(!html.contains("https://"), "nothing from elsewhere: {html}");
    for script in ["/api/docs/swagger-ui-bundle.js", "/api/docs/init.js", "/api/docs/swagger-ui.css"] {
        assert!(html.contains(script), "{script}");
        let response = app.anonymous.get(app.url(script)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{script} is served (make build copies it)");
    }
    app.cleanup().await;
}

/// One's own credentials are one's own: someone else's token or session is not found, except for
/// an admin, who may revoke anyone's (a leaked token is stopped without resetting a password).
#[tokio::test]
async fn only_admins_revoke_someone_elses_tokens_and_sessions() {
    let app = spawn_app_without_worker(&[]).await;
    let owner = app.create_user(Role::Viewer).await;
    let owner_row = domain::accounts::users::get(&app.db(), owner.id).await.unwrap();
    let db = &app.db();
    let new = domain::dto::NewToken { name: "spare".into(), expires_in_days: None };
    let token =
        domain::accounts::tokens::create(db, &Actor::user(&owner_row, None).in_workspace(app.workspace), owner.id, new)
            .await
            .unwrap();
    let origin = Default::default();
    let ttl = chrono::Duration::hours(1);
    let (session, _) = domain::accounts::sessions::start(db, &owner_row, ttl, &origin).await.unwrap();
    let (token, session) = (token.token.id, session.id);
    let editor = bearer_client(&app.token_for(&app.create_user(Role::Editor).await).await);
    let admin = bearer_client(&app.token_for(&app.create_user(Role::Admin).await).await);

    for path in [format!("/api/v1/tokens/{token}"), format!("/api/v1/sessions/{session}")] {
        let refused = editor.delete(app.url(&path)).send().await.unwrap();
        assert_eq!(refused.status(), 404, "{path}: another person's credential is not found");
        assert_eq!(admin.delete(app.url(&path)).send().await.unwrap().status(), 204, "{path}: an admin revokes it");
    }
    assert!(!domain::accounts::tokens::is_active(&app.db(), token).await.unwrap());
    assert!(!domain::accounts::sessions::is_active(&app.db(), session).await.unwrap());
    app.cleanup().await;
}

/// Every uuid in an operation's input (the things it names).
fn named_ids(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(s) if Uuid::parse_str(s).is_ok() => into.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| named_ids(v, into)),
        Value::Object(fields) => fields.values().for_each(|v| named_ids(v, into)),
        _ => {}
    }
}

/// A digest of every row workspace `db` holds, to tell whether a call changed any.
async fn digest(db: &domain::db::WorkspaceDb) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let mut all = String::new();
    for table in ["assets", "tags", "asset_tags", "collections", "collection_assets", "share_links", "asset_files"] {
        let sql = format!("SELECT COALESCE(md5(string_agg(row_to_json(t)::text, ',' ORDER BY row_to_json(t)::text)), '') AS d FROM {table} t");
        let row = db.query_one(Statement::from_string(sea_orm::DbBackend::Postgres, sql)).await.unwrap().unwrap();
        all.push_str(&row.try_get::<String>("", "d").unwrap());
    }
    all
}

/// Operations on one's own sign-ins and tokens name the caller's own things, not a workspace's.
const OWN_CREDENTIALS: &[&str] = &["revoke_token", "revoke_session", "update_user"];

#[tokio::test]
async fn a_member_of_one_workspace_finds_and_changes_nothing_of_another_through_any_operation() {
    let app = spawn_app_without_worker(&[("API_RATE_PER_SECOND", "10000"), ("API_RATE_BURST", "10000")]).await;
    let other = domain::workspaces::create(&app.services.db, &Actor::system("test"), "Other brand").await.unwrap();
    let mut makers = Makers { users: Vec::new(), workspace: other.id };
    for role in [Role::Editor, Role::Admin] {
        let user = app.create_member(other.id, role).await;
        let client = bearer_client(&app.token_in(&user, other.id).await);
        makers.users.push((user, client));
    }
    // The caller: an admin of the Default workspace, who may do everything there.
    let admin = app.create_user(Role::Admin).await;
    let client = bearer_client(&app.token_for(&admin).await);
    let theirs = app.services.in_workspace(other.id);
    let mut their_ids = Vec::new();
    let (mut failures, mut checked) = (Vec::new(), 0);
    for route in routes::all() {
        let spec = route.spec;
        if OWN_CREDENTIALS.contains(&spec.id) {
            continue;
        }
        let input = fixture(&app, &makers, 1, Some(&admin), spec.id).await;
        let mut named = Vec::new();
        named_ids(&input, &mut named);
        their_ids.extend(named.iter().cloned());
        let before = digest(&theirs).await;
        let response = common::operation_request(&app, &client, &route, &input).send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        checked += 1;
        if !named.is_empty() && status != StatusCode::NOT_FOUND {
            failures
                .push(format!("{:<24} with the other workspace's ids: got {status}, expected 404: {body}", spec.id));
        }
        if let Some(id) = their_ids.iter().find(|id| body.contains(id.as_str())) {
            failures.push(format!("{:<24} answered with the other workspace's {id}: {body}", spec.id));
        }
        if digest(&theirs).await != before {
            failures.push(format!("{:<24} changed the other workspace's rows (answered {status})", spec.id));
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    app.cleanup().await;
}
