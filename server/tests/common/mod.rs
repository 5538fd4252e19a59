//! Test harness: every test gets the real application — its own Postgres database, its own Redis
//! key namespace and storage directory — served on a random port, with a real worker beside it.

#![allow(dead_code)]

pub mod s3_server;

use std::{path::PathBuf, time::Duration};

use domain::{
    accounts::{tokens, users},
    audit::Actor,
    dto::{AssetView, DerivativeKind, NewToken, NewUser},
    policy::Role,
    Config, Services,
};
use image::{ImageFormat, Rgb, RgbImage};
use tokio::sync::oneshot;
use uuid::Uuid;

pub struct TestApp {
    pub address: String,
    /// Signed in (with an API token) as an editor, who may browse and upload.
    pub client: reqwest::Client,
    /// Not signed in.
    pub anonymous: reqwest::Client,
    pub services: Services,
    /// The workspace every test user joins (an installation from before workspaces is all Default).
    pub workspace: Uuid,
    pub storage_dir: PathBuf,
    namespace: String,
    worker_stop: Option<oneshot::Sender<()>>,
    worker: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// The application with a running worker.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The application with some configuration overridden, and a running worker.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let mut app = spawn_app_without_worker(overrides).await;
    app.start_worker();
    app
}

/// An installation of its own for one test: its database, Redis key namespace and storage
/// directory (nothing made yet), with some settings overridden.
pub fn fresh_config(overrides: &[(&str, &str)]) -> Config {
    let id = Uuid::new_v4().simple().to_string();
    let server = owner_server();
    let defaults = [
        // As in production: the application's own role (row-level security applies to it; a
        // superuser would bypass it and the isolation tests would prove nothing), and the
        // owner, who migrates.
        ("DATABASE_URL", app_url(&format!("{server}/dam_test_{id}"))),
        ("MIGRATION_DATABASE_URL", format!("{server}/dam_test_{id}")),
        ("QUEUE_NAMESPACE", format!("dam-test:{id}")),
        ("STORAGE_DIR", std::env::temp_dir().join(format!("dam-test-{id}")).to_string_lossy().into_owned()),
        ("LISTEN_ADDR", "127.0.0.1:0".into()),
        // The bundle `make build` made (the API reference's files are in it).
        (
            "SITE_ROOT",
            std::env::var("SITE_ROOT")
                .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").into()),
        ),
    ];
    Config::from_lookup(|name| {
        overrides
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .or_else(|| defaults.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
            .or_else(|| std::env::var(name).ok().filter(|_| name == "REDIS_URL"))
    })
    .expect("test configuration")
}

/// The Postgres server as the tables' owner (a superuser here: it also marks search operators
/// LEAKPROOF, as `make run` does).
fn owner_server() -> String {
    std::env::var("TEST_DATABASE_SERVER").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// `owner_url` as the application's role, `dam_app`.
pub fn app_url(owner_url: &str) -> String {
    let (scheme, rest) = owner_url.split_once("://").expect("a URL");
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://dam_app@{host}")
}

/// The same database as its owner.
pub fn owner_url(app_url: &str) -> String {
    let server = owner_server();
    let database = app_url.rsplit_once('/').map_or("", |(_, db)| db);
    format!("{server}/{database}")
}

pub async fn spawn_app_without_worker(overrides: &[(&str, &str)]) -> TestApp {
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
    let config = fresh_config(overrides);
    let (storage_dir, namespace) = (config.storage_dir.clone(), config.queue_namespace.clone());
    let services = Services::start(config).await.expect("services start");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let router = server::router(services.clone());
    tokio::spawn(server::serve(listener, router));

    let workspace = domain::workspaces::default_workspace(&services.db).await.expect("the Default workspace").id;
    let mut app = TestApp {
        address,
        client: reqwest::Client::new(),
        anonymous: reqwest::Client::new(),
        workspace,
        services,
        storage_dir,
        namespace,
        worker_stop: None,
        worker: None,
    };
    let editor = app.create_user(Role::Editor).await;
    app.client = bearer_client(&app.token_for(&editor).await);
    app
}

/// A person created directly in the database, with the password they sign in with.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: Uuid,
    pub email: String,
    pub password: String,
    pub role: Role,
}

/// The `dam-server` binary built beside the tests, as its own process serving `app`'s database and
/// storage on `port`.
pub fn start_server(app: &TestApp, port: u16) -> std::process::Child {
    start_server_for(&app.services.config, port, &[])
}

/// `dam-server` for an installation described by `config` (and `extra` variables, e.g. S3's).
pub fn start_server_for(config: &Config, port: u16, extra: &[(&str, String)]) -> std::process::Child {
    let exe = std::env::current_exe().unwrap();
    let binary = exe.parent().and_then(|deps| deps.parent()).unwrap().join("dam-server");
    std::process::Command::new(binary)
        .env("DATABASE_URL", &config.database_url)
        .env("MIGRATION_DATABASE_URL", &config.migration_database_url)
        .env("QUEUE_NAMESPACE", &config.queue_namespace)
        .env("STORAGE_DIR", &config.storage_dir)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("ADMIN_PASSWORD", "not used by this test")
        .env("RUST_LOG", "warn")
        .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("dam-server is built with the tests")
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub async fn wait_until_up(port: u16) {
    for _ in 0..200 {
        if reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("dam-server did not start");
}

pub fn bearer_client(secret: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {secret}").parse().unwrap());
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}

/// A bearer client that shows redirects instead of following them (to see where links point).
pub fn bearer_client_no_redirect(secret: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {secret}").parse().unwrap());
    reqwest::Client::builder().default_headers(headers).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A client that keeps cookies, as a browser would.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl TestApp {
    pub async fn create_user(&self, role: Role) -> TestUser {
        let email = format!("{}-{}@example.test", role.as_str(), Uuid::new_v4().simple());
        let password = "a perfectly good password".to_owned();
        let new = NewUser { email: email.clone(), display_name: String::new(), role, password: Some(password.clone()) };
        let created = users::create(&self.services.db, &Actor::system("test"), new).await.expect("create user");
        if role == Role::Admin {
            // As an installation from before workspaces: its admins run it (queues, metrics).
            users::set_operator(&self.services.db, &Actor::system("test"), created.user.id, true)
                .await
                .expect("operator");
        }
        TestUser { id: created.user.id, email, password, role }
    }

    /// The database as the Default workspace sees it (the application's role: row-level security
    /// applies, as in production).
    pub fn db(&self) -> domain::db::WorkspaceDb {
        self.services.in_workspace(self.workspace)
    }

    /// Someone who belongs to `workspace` only, with `role` there.
    pub async fn create_member(&self, workspace: Uuid, role: Role) -> TestUser {
        use sea_orm::EntityTrait;
        let user = self.create_user(role).await;
        domain::entities::membership::Entity::delete_by_id((self.workspace, user.id))
            .exec(&self.services.db)
            .await
            .expect("leave Default");
        domain::workspaces::set_member(&self.services.db, workspace, user.id, role).await.expect("join");
        user
    }

    /// A new API token for `user` that works in `workspace`; returns the bearer secret.
    pub async fn token_in(&self, user: &TestUser, workspace: Uuid) -> String {
        let model = users::get(&self.services.db, user.id).await.expect("the user exists");
        let actor = Actor::user(&model, None).in_workspace(workspace);
        let new = NewToken { name: "test".into(), expires_in_days: None };
        tokens::create(&self.services.db, &actor, user.id, new).await.expect("create token").secret
    }

    /// A new API token for `user`; returns the bearer secret.
    pub async fn token_for(&self, user: &TestUser) -> String {
        let model = users::get(&self.services.db, user.id).await.expect("the user exists");
        let actor = Actor::user(&model, None).in_workspace(self.workspace);
        let new = NewToken { name: "test".into(), expires_in_days: None };
        tokens::create(&self.services.db, &actor, user.id, new).await.expect("create token").secret
    }

    /// Signs in through the API as a browser would; the returned client carries the session cookie.
    pub async fn sign_in(&self, user: &TestUser) -> reqwest::Client {
        let client = browser_client();
        let response = client
            .post(self.url("/api/auth/login"))
            .header("origin", &self.address)
            .json(&serde_json::json!({ "email": user.email, "password": user.password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "sign in as {}", user.email);
        client
    }

    pub fn start_worker(&mut self) {
        let (stop, stopped) = oneshot::channel();
        let services = self.services.clone();
        self.worker = Some(tokio::spawn(worker::run(services, async {
            let _ = stopped.await;
        })));
        self.worker_stop = Some(stop);
    }

    /// A separate `dam-worker` process of this installation (built beside the tests), started
    /// through `wrapper` when given (e.g. `prlimit --as=…`); its output is discarded.
    pub fn spawn_worker_process(&self, wrapper: &[&str]) -> std::process::Child {
        let exe = std::env::current_exe().unwrap();
        let binary = exe.parent().and_then(|deps| deps.parent()).unwrap().join("dam-worker");
        let config = &self.services.config;
        let mut command = match wrapper.split_first() {
            Some((program, args)) => {
                let mut c = std::process::Command::new(program);
                c.args(args).arg(&binary);
                c
            }
            None => std::process::Command::new(&binary),
        };
        command
            .env("DATABASE_URL", &config.database_url)
            .env("MIGRATION_DATABASE_URL", &config.migration_database_url)
            .env("QUEUE_NAMESPACE", &config.queue_namespace)
            .env("STORAGE_DIR", &config.storage_dir)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dam-worker is built with the tests")
    }

    /// Waits until asset `id` is being processed (a worker claimed it).
    pub async fn wait_for_processing(&self, id: Uuid) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        while self.asset(id).await.status != domain::dto::AssetStatus::Processing {
            assert!(tokio::time::Instant::now() < deadline, "no worker started on asset {id}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Another server process of the same installation (same database, Redis namespace and
    /// storage, its own in-memory state), as a second replica behind a load balancer; its address.
    pub async fn second_replica(&self) -> String {
        let services = Services::start((*self.services.config).clone()).await.expect("services start");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(server::serve(listener, server::router(services)));
        address
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// `POST /api/assets` with the given files as multipart parts named `files`.
    pub async fn upload(&self, files: &[(&str, Vec<u8>)]) -> reqwest::Response {
        self.client.post(self.url("/api/assets")).multipart(form(files)).send().await.expect("upload request")
    }

    pub async fn asset(&self, id: Uuid) -> AssetView {
        let response = self.client.get(self.url(&format!("/api/assets/{id}"))).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET asset {id}");
        response.json().await.unwrap()
    }

    /// Polls the API the way the gallery does until processing has finished one way or the other.
    pub async fn wait_until_settled(&self, id: Uuid) -> AssetView {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let asset = self.asset(id).await;
            if asset.status.is_settled() {
                return asset;
            }
            assert!(tokio::time::Instant::now() < deadline, "asset {id} still {:?} after 60 s", asset.status);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Objects under a storage prefix such as `originals` (empty when the folder does not exist).
    pub fn stored_files(&self, prefix: &str) -> Vec<PathBuf> {
        files_under(&self.storage_dir.join(prefix))
    }

    /// Empties this test's Redis namespace, as a Redis restart would (it keeps nothing on disk).
    pub async fn flush_queues(&self) {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let client = redis::Client::open(url).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> =
            redis::cmd("KEYS").arg(format!("{}:*", self.namespace)).query_async(&mut conn).await.unwrap();
        if !keys.is_empty() {
            let _: () = redis::cmd("DEL").arg(keys).query_async(&mut conn).await.unwrap();
        }
    }

    /// Stops the worker and removes the database, queues and files this test made.
    pub async fn cleanup(mut self) {
        if let Some(stop) = self.worker_stop.take() {
            let _ = stop.send(());
        }
        if let Some(worker) = self.worker.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
        }
        self.flush_queues().await;
        domain::db::drop_database(&self.services.config.migration_database_url).await.expect("drop test database");
        let _ = std::fs::remove_dir_all(&self.storage_dir);
    }
}

/// A request whose answer a test reads as JSON: `.fetch_json().await` sends it, requires a 2xx
/// (a failure shows the status and the body, not a decoding error) and decodes the body.
#[allow(async_fn_in_trait)]
pub trait FetchJson {
    async fn fetch_json<T: serde::de::DeserializeOwned>(self) -> T;
}

impl FetchJson for reqwest::RequestBuilder {
    async fn fetch_json<T: serde::de::DeserializeOwned>(self) -> T {
        let response = self.send().await.expect("the server answers");
        let (status, url) = (response.status(), response.url().clone());
        let body = response.text().await.expect("the answer has a body");
        assert!(status.is_success(), "{url}: {status}: {body}");
        serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{url}: the answer is not the JSON expected ({e}): {body}"))
    }
}

/// Every file under `dir`, at any depth (none when it does not exist).
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                walk(&entry.path(), out)
            } else {
                out.push(entry.path())
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

/// Runs the `dam` command line with `env` (and standard input, when given): whether it succeeded,
/// its standard output and its standard error.
pub fn run_dam(env: &[(&str, String)], args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    use std::io::Write;
    // The command line migrates and backs up as the owner, like the server.
    let owner = env
        .iter()
        .find(|(k, _)| *k == "DATABASE_URL")
        .filter(|_| !env.iter().any(|(k, _)| *k == "MIGRATION_DATABASE_URL"))
        .map(|(_, url)| owner_url(url));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dam"))
        .args(args)
        .env("RUST_LOG", "warn")
        .envs(owner.iter().map(|url| ("MIGRATION_DATABASE_URL", url.as_str())))
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run dam");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn form(files: &[(&str, Vec<u8>)]) -> reqwest::multipart::Form {
    files.iter().fold(reqwest::multipart::Form::new(), |form, (name, bytes)| {
        form.part("files", reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()))
    })
}

/// A real JPEG of the given size (a gradient, so it compresses like a photo rather than a blank).
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, ImageFormat::Jpeg)
}

/// A 2-second 1280×720 H.264 clip made with the ffmpeg command line (off the test's runtime
/// thread, which may be serving the app).
pub async fn test_clip() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    let out = path.clone();
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new("ffmpeg")
            .args([
                "-y",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=1280x720:rate=25:duration=2",
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p",
            ])
            .arg(&out)
            .status()
    })
    .await
    .unwrap()
    .expect("ffmpeg is installed (make setup)");
    assert!(status.success());
    std::fs::read(path).unwrap()
}

/// A PDF-looking file of `size` bytes (accepted by the content check), the rest pseudo-random.
pub fn pdf_like(size: usize, seed: u32) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    while bytes.len() < size {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(size);
    bytes
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, ImageFormat::Png)
}

fn encode(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Width and height of an asset's derivative; panics (listing what there is) when it is missing.
pub fn derivative_size(asset: &AssetView, kind: DerivativeKind, label: &str) -> (i32, i32) {
    let d = asset
        .derivatives
        .iter()
        .find(|d| d.kind == kind && d.label == label)
        .unwrap_or_else(|| panic!("{kind:?} {label} in {:?}", asset.derivatives));
    (d.width, d.height)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The files of a ZIP archive, in order, as Python's `zipfile` (an independent reader) extracts
/// them after checking every entry's CRC.
pub async fn unzip(archive: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("archive.zip");
    std::fs::write(&zip_path, archive).unwrap();
    let out = dir.path().join("out");
    const SCRIPT: &str = "import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nbad = z.testzip()\nassert bad is None, bad\nz.extractall(sys.argv[2])\nprint(json.dumps(z.namelist()))";
    let (zip_arg, out_arg) = (zip_path.clone(), out.clone());
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3").arg("-c").arg(SCRIPT).arg(zip_arg).arg(out_arg).output()
    })
    .await
    .unwrap()
    .expect("python3 runs");
    assert!(output.status.success(), "not a valid ZIP: {}", String::from_utf8_lossy(&output.stderr));
    let names: Vec<String> = serde_json::from_slice(&output.stdout).unwrap();
    names.into_iter().map(|name| (name.clone(), std::fs::read(out.join(&name)).unwrap())).collect()
}

/// The JSON request for `route` with `input`: path parameters filled in, the rest in the query
/// string (GET) or the body.
pub fn operation_request(
    app: &TestApp,
    client: &reqwest::Client,
    route: &edge::routes::Route,
    input: &serde_json::Value,
) -> reqwest::RequestBuilder {
    let mut path = format!("/api/v1{}", route.path);
    let mut rest = input.as_object().cloned().unwrap_or_default();
    for name in route.path_params() {
        let value = rest.remove(name).unwrap_or_else(|| panic!("{}: fixture lacks {name}", route.spec.id));
        let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
        path = path.replace(&format!("{{{name}}}"), &domain::dto::percent_encode(&text));
    }
    let request = client.request(edge::routes::method_of(route), app.url(&path));
    if route.reads_query() {
        let pairs: Vec<(String, String)> = rest
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())))
            .collect();
        request.query(&pairs)
    } else {
        request.json(&serde_json::Value::Object(rest))
    }
}
