//! The examples of docs/API.md, run in order against a real server with curl, as a reader would
//! paste them: a guide whose examples stopped working fails here.

mod common;

use common::{png, spawn_app_without_worker};
use domain::policy::Role;

/// The ```sh blocks of the guide, in order.
fn examples(guide: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in guide.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), text) => {
                block.push_str(text);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[tokio::test]
async fn every_example_of_the_api_guide_works_with_curl() {
    let app = spawn_app_without_worker(&[]).await;
    let admin = app.create_user(Role::Admin).await;
    let token = app.token_for(&admin).await;
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/API.md")).unwrap();
    let blocks = examples(&guide);
    assert!(blocks.len() >= 8, "the guide has its examples ({} found)", blocks.len());

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photo.png"), png(64, 48)).unwrap();
    std::fs::write(dir.path().join("second.png"), png(48, 64)).unwrap();
    // One shell, so a later example uses what an earlier one set (ASSET, COLLECTION).
    let script =
        blocks.iter().enumerate().map(|(i, b)| format!("echo '--- example {}'\n{b}", i + 1)).collect::<String>();
    let output = tokio::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path())
        .env("DAM", &app.address)
        .env("TOKEN", &token)
        .env("EMAIL", &admin.email)
        .env("PASSWORD", &admin.password)
        .output()
        .await
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "an example failed:\n{stdout}\n{stderr}");
    // What the examples print is what the guide says they do.
    assert!(stdout.contains(&admin.email), "who am I: {stdout}");
    assert!(stdout.contains("Made in a session") && stdout.contains("Harbour at dawn"), "{stdout}");
    assert!(stdout.to_lowercase().contains("asset-id:"), "the tus upload names its asset: {stdout}");
    app.cleanup().await;
}
