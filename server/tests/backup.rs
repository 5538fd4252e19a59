//! What an operator does with `dam` when things go wrong or grow: back up, restore a wiped
//! installation, move the objects from local disk to S3. Checked the way a person would: the
//! library comes back, and every file downloads byte for byte as it was.

mod common;

use common::FetchJson as _;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use common::{
    files_under, free_port, fresh_config, jpeg, png, run_dam, s3_server::S3Server, sha256_hex, spawn_app,
    start_server_for, wait_until_up, TestApp,
};
use domain::{
    dto::{AssetStatus, AssetView, FileVersionView, Page, UploadReport},
    Config,
};
use uuid::Uuid;

/// Runs the `dam` command line against the installation `config` describes.
fn dam(config: &Config, args: &[&str], extra: &[(&str, String)]) -> (bool, String, String) {
    let mut env = vec![
        ("DATABASE_URL", config.database_url.clone()),
        ("QUEUE_NAMESPACE", config.queue_namespace.clone()),
        ("STORAGE_DIR", config.storage_dir.to_string_lossy().into_owned()),
    ];
    env.extend(extra.iter().cloned());
    run_dam(&env, args, None)
}

/// Every stored file under `dir` (its path there → SHA-256), scratch space left out.
fn fingerprint(dir: &Path) -> BTreeMap<String, String> {
    files_under(dir)
        .into_iter()
        .map(|path| (path.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), path))
        .filter(|(relative, _)| !relative.starts_with(".tmp"))
        .map(|(relative, path)| (relative, sha256_hex(&std::fs::read(path).unwrap())))
        .collect()
}

/// A library worth backing up: a PNG with a second version (its first file must survive too)
/// and a JPEG, both processed (thumbnails, previews); as the API shows them.
async fn small_library(app: &TestApp) -> Vec<AssetView> {
    let report: UploadReport =
        app.upload(&[("harbour.png", png(420, 300)), ("quay.jpg", jpeg(300, 200))]).await.json().await.unwrap();
    let ids: Vec<Uuid> = report.accepted.iter().map(|a| a.id).collect();
    assert_eq!(ids.len(), 2, "{report:?}");
    for id in &ids {
        assert_eq!(app.wait_until_settled(*id).await.status, AssetStatus::Processed);
    }
    let response = app
        .client
        .post(app.url(&format!("/api/assets/{}/versions", ids[0])))
        .multipart(common::form(&[("harbour-retouched.png", png(421, 301))]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(app.wait_until_settled(ids[0]).await.status, AssetStatus::Processed);
    let mut library = Vec::new();
    for id in ids {
        library.push(app.asset(id).await);
    }
    library
}

/// Checks, through a running server at `base`, that each asset is as it was and that its original,
/// earlier versions and derivatives download with the bytes recorded for them.
async fn assert_library_intact(client: &reqwest::Client, base: &str, before: &[AssetView]) {
    for asset in before {
        let now: AssetView = client.get(format!("{base}/api/assets/{}", asset.id)).fetch_json().await;
        assert_eq!(
            (now.status, &now.filename, now.version, &now.checksum, &now.tags),
            (asset.status, &asset.filename, asset.version, &asset.checksum, &asset.tags)
        );
        let original = client.get(format!("{base}{}", now.original_url)).send().await.unwrap();
        assert_eq!(original.status(), 200, "original of {}", asset.filename);
        assert_eq!(sha256_hex(&original.bytes().await.unwrap()), asset.checksum, "original of {}", asset.filename);
        assert!(!now.derivatives.is_empty());
        for derivative in &now.derivatives {
            let response = client.get(format!("{base}{}", derivative.url)).send().await.unwrap();
            assert_eq!(response.status(), 200, "{:?} {} of {}", derivative.kind, derivative.label, asset.filename);
            assert_eq!(response.bytes().await.unwrap().len() as i64, derivative.size);
        }
        let versions: Page<FileVersionView> =
            client.get(format!("{base}/api/assets/{}/versions", asset.id)).fetch_json().await;
        let versions = versions.items;
        assert_eq!(versions.len(), asset.version as usize);
        for version in versions {
            let file = client.get(format!("{base}{}", version.download_url)).send().await.unwrap();
            assert_eq!(
                sha256_hex(&file.bytes().await.unwrap()),
                version.checksum,
                "version {} of {}",
                version.version,
                asset.filename
            );
        }
    }
}

fn stop(mut server: std::process::Child) {
    let _ = server.kill();
    let _ = server.wait();
}

fn temp_dir(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{what}-{}", Uuid::new_v4().simple()))
}

#[tokio::test]
async fn a_wiped_installation_comes_back_from_its_backup_file_for_file() {
    let app = spawn_app().await;
    let before = small_library(&app).await;
    let files_before = fingerprint(&app.storage_dir);
    let backup_dir = temp_dir("dam-backup");
    let config = (*app.services.config).clone();

    let (ok, out, err) = dam(&config, &["backup", backup_dir.to_str().unwrap()], &[]);
    assert!(ok, "{err}");
    assert!(out.contains("objects") && out.contains("backed up the database"), "{out}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup_dir.join("manifest.json")).unwrap()).unwrap();
    let listed = manifest["objects"].as_array().unwrap();
    // Two current originals, the first file of the PNG, and each asset's derivatives.
    assert!(listed.len() >= 3 + 2, "{manifest}");
    for object in listed {
        let key = object["key"].as_str().unwrap();
        assert_eq!(
            Some(object["sha256"].as_str().unwrap()),
            files_before.get(key).map(String::as_str),
            "{key} in the manifest as stored"
        );
    }

    // Wipe: the database, the queues and every stored file go.
    let client = app.client.clone();
    app.cleanup().await;
    assert!(!config.storage_dir.exists());

    let (ok, out, err) = dam(&config, &["restore", backup_dir.to_str().unwrap()], &[]);
    assert!(ok, "{err}");
    assert!(out.contains("restored 2 assets"), "{out}");
    let port = free_port();
    let server = start_server_for(&config, port, &[]);
    wait_until_up(port).await;
    // The API token of the test's editor was in the database, so it works again too.
    assert_library_intact(&client, &format!("http://127.0.0.1:{port}"), &before).await;
    for (key, sha) in fingerprint(&config.storage_dir) {
        assert_eq!(files_before.get(&key), Some(&sha), "{key} came back as it was");
    }
    stop(server);

    // Restoring over a library that holds assets needs --replace.
    let (ok, _, err) = dam(&config, &["restore", backup_dir.to_str().unwrap()], &[]);
    assert!(!ok && err.contains("already holds 2 assets"), "{err}");
    let (ok, out, err) = dam(&config, &["restore", "--replace", backup_dir.to_str().unwrap()], &[]);
    assert!(ok && out.contains("restored 2 assets"), "{out}{err}");

    // A damaged object in the backup is named, and stops the restore before the database is
    // touched; a folder that is not a backup is refused.
    let damaged = backup_dir.join("objects").join(listed[0]["key"].as_str().unwrap());
    let mut bytes = std::fs::read(&damaged).unwrap();
    *bytes.last_mut().unwrap() ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    let fresh = fresh_config(&[]);
    let (ok, _, err) = dam(&fresh, &["restore", backup_dir.to_str().unwrap()], &[]);
    assert!(
        !ok && err.contains("does not match what was recorded") && err.contains(listed[0]["key"].as_str().unwrap()),
        "{err}"
    );
    let db = sea_orm::Database::connect(&fresh.database_url).await.unwrap();
    let tables: Vec<_> = sea_orm::ConnectionTrait::query_all(
        &db,
        sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT 1 FROM pg_tables WHERE schemaname = 'public'",
        ),
    )
    .await
    .unwrap();
    assert!(tables.is_empty(), "nothing was restored into the database");
    db.close().await.unwrap();
    let (ok, _, err) = dam(&fresh, &["restore", fresh.storage_dir.to_str().unwrap()], &[]);
    assert!(!ok && err.contains("is not a complete backup"), "{err}");

    domain::db::drop_database(&config.migration_database_url).await.unwrap();
    domain::db::drop_database(&fresh.migration_database_url).await.unwrap();
    for dir in [&backup_dir, &config.storage_dir, &fresh.storage_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

// Several threads: `dam` runs as a blocking child process while this test serves S3 to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_move_from_local_disk_to_s3_and_backups_go_to_a_bucket() {
    let app = spawn_app().await;
    let before = small_library(&app).await;
    let config = (*app.services.config).clone();
    let s3 = S3Server::start().await;
    let s3_vars = s3.config("dam-moved");
    let s3_settings: Vec<(&str, String)> = s3_vars.iter().filter(|(k, _)| *k != "STORAGE_BACKEND").cloned().collect();

    let (ok, _, err) = dam(&config, &["migrate-storage", "--to", "local"], &s3_settings);
    assert!(!ok && err.contains("local already"), "{err}");
    let (ok, out, err) = dam(&config, &["migrate-storage", "--to", "s3"], &s3_settings);
    assert!(ok, "{err}");
    assert!(out.contains("set STORAGE_BACKEND=s3"), "{out}");
    // Again (for what arrived meanwhile): the same copies, no harm.
    let (ok, _, err) = dam(&config, &["migrate-storage", "--to", "s3"], &s3_settings);
    assert!(ok, "{err}");

    // Served from S3 now, with the local copies gone: every file is there, byte for byte.
    std::fs::remove_dir_all(&config.storage_dir).unwrap();
    let port = free_port();
    let server = start_server_for(&config, port, &s3_vars);
    wait_until_up(port).await;
    assert_library_intact(&app.client, &format!("http://127.0.0.1:{port}"), &before).await;

    // A backup into a bucket, restored into a fresh installation on local disk.
    let (ok, out, err) = dam(&config, &["backup", "s3://dam-backups/nightly/monday"], &s3_vars);
    assert!(ok, "{err}");
    assert!(out.contains("to s3://dam-backups/nightly/monday"), "{out}");
    assert!(s3.root.join("dam-backups/nightly/monday/manifest.json").exists());
    stop(server);
    let fresh = fresh_config(&[]);
    let (ok, out, err) = dam(&fresh, &["restore", "s3://dam-backups/nightly/monday"], &s3_settings);
    assert!(ok, "{err}");
    assert!(out.contains("restored 2 assets"), "{out}");
    let port = free_port();
    let server = start_server_for(&fresh, port, &[]);
    wait_until_up(port).await;
    assert_library_intact(&app.client, &format!("http://127.0.0.1:{port}"), &before).await;
    stop(server);

    domain::db::drop_database(&fresh.migration_database_url).await.unwrap();
    let _ = std::fs::remove_dir_all(&fresh.storage_dir);
    let _ = std::fs::remove_dir_all(&s3.root);
    app.cleanup().await;
}
