//! The `dam` command line against a real database.

mod common;

use common::spawn_app_without_worker;
use domain::dto::UserView;
use serde_json::json;

fn dam(database_url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    common::run_dam(&[("DATABASE_URL", database_url.to_owned())], args, stdin)
}

#[tokio::test]
async fn users_are_added_given_passwords_and_roles_from_the_command_line() {
    let app = spawn_app_without_worker(&[]).await;
    let db = app.services.config.database_url.clone();
    let sign_in = |email: &'static str, password: String| {
        let client = common::browser_client();
        let url = app.url("/api/auth/login");
        let origin = app.address.clone();
        async move {
            let r = client
                .post(url)
                .header("origin", origin)
                .json(&json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
        }
    };

    let (ok, out, err) = dam(
        &db,
        &["user", "add", "cli@example.test", "--role", "editor", "--password-stdin"],
        Some("typed on stdin 123\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("added cli@example.test (editor in Default)"), "{out}");
    let (status, me) = sign_in("cli@example.test", "typed on stdin 123".into()).await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_value::<UserView>(me).unwrap().role, domain::policy::Role::Editor);

    let (ok, out, _) = dam(&db, &["user", "role", "cli@example.test", "admin"], None);
    assert!(ok && out.contains("is now admin"), "{out}");
    let (ok, out, _) = dam(&db, &["user", "passwd", "cli@example.test"], None);
    assert!(ok);
    let generated =
        out.lines().find_map(|l| l.strip_prefix("password: ")).expect("a generated password is printed").to_owned();
    let (status, me) = sign_in("cli@example.test", generated).await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "admin");
    assert_eq!(sign_in("cli@example.test", "typed on stdin 123".into()).await.0, 401, "the old password is gone");

    let (ok, _, err) = dam(&db, &["user", "role", "nobody@example.test", "admin"], None);
    assert!(!ok && err.contains("no user with the e-mail nobody@example.test"), "{err}");
    let (ok, _, err) = dam(&db, &["user", "role", "cli@example.test", "root"], None);
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, out, _) = dam(&db, &["user", "list"], None);
    assert!(ok && out.contains("cli@example.test") && out.contains("admin"), "{out}");

    // Workspaces and operators.
    let (ok, out, err) = dam(&db, &["workspace", "add", "Acme Brand (EU)", "--admin", "cli@example.test"], None);
    assert!(ok && out.contains("/w/acme-brand-eu"), "{out}{err}");
    let (ok, out, _) = dam(&db, &["workspace", "list"], None);
    assert!(ok && out.contains("acme-brand-eu") && out.contains("default"), "{out}");
    let (ok, out, err) = dam(&db, &["workspace", "add", "Nobody's", "--admin", "nobody@example.test"], None);
    assert!(!ok && err.contains("no user with the e-mail nobody@example.test"), "{out}{err}");
    let (ok, out, _) = dam(&db, &["user", "operator", "cli@example.test"], None);
    assert!(ok && out.contains("cli@example.test is an operator"), "{out}");
    let (ok, out, _) = dam(&db, &["user", "operator", "cli@example.test", "--off"], None);
    assert!(ok && out.contains("no longer an operator"), "{out}");
    let (ok, out, err) = dam(&db, &["user", "add", "x@example.test", "--workspace", "nowhere"], None);
    assert!(!ok && err.contains("no workspace at /w/nowhere"), "{out}{err}");
    app.cleanup().await;
}
