//! All configuration, read once from the environment. Every variable has a default that works on a
//! development machine with local Postgres and Redis (see the README's table).

use std::{net::SocketAddr, path::PathBuf, str::FromStr};

#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}={value:?} is invalid: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// DATABASE_URL: Postgres, as the application's role: one that owns no table and cannot
    /// bypass row-level security (it is created, with the URL's password, if missing).
    pub database_url: String,
    /// MIGRATION_DATABASE_URL: the same database as the role that owns the tables (creates the
    /// database, migrates, grants the application's role its rights). Unset: the DATABASE_URL
    /// given, or, with neither set, the local `postgres`.
    pub migration_database_url: String,
    /// DATABASE_POOL_SIZE: most connections this process opens to Postgres (each replica and
    /// worker has its own pool; keep their sum under the server's `max_connections`).
    pub database_pool_size: u32,
    /// REDIS_URL: Redis for the job queues.
    pub redis_url: String,
    /// QUEUE_NAMESPACE: prefix of every queue key in Redis, so several installs (or tests) share one Redis.
    pub queue_namespace: String,
    /// STORAGE_DIR: root of the local object storage (originals/, thumbnails/, transcodes/); with
    /// S3 storage, only scratch copies for tools that need a file (FFmpeg, pdftoppm) go here.
    pub storage_dir: PathBuf,
    /// STORAGE_BACKEND: `local` (files under STORAGE_DIR) or `s3` (the S3_* variables).
    pub s3: Option<S3Config>,
    /// LISTEN_ADDR: where the HTTP server listens.
    pub listen_addr: SocketAddr,
    /// SITE_ROOT: the built browser bundle (WASM, JS, CSS, favicon).
    pub site_root: PathBuf,
    /// MAX_UPLOAD_BYTES: largest single file accepted.
    pub max_upload_bytes: u64,
    /// SIGNING_KEY: the secret that signs download links; unset, a key is made on first start and
    /// kept in the database (shared by every replica).
    pub signing_key: Option<String>,
    /// SIGNED_URL_TTL_SECONDS: how long a download or preview link works.
    pub signed_url_ttl_seconds: i64,
    /// USAGE_FLUSH_SECONDS: how often view and download counts move from Redis to Postgres (also
    /// at shutdown); a lost Redis loses at most this much counting.
    pub usage_flush_seconds: u64,
    /// UPLOAD_EXPIRY_HOURS: an unfinished resumable upload untouched this long is deleted.
    pub upload_expiry_hours: u32,
    /// MAX_IMAGE_PIXELS: images with more pixels are refused before decoding (decompression bombs).
    pub max_image_pixels: u64,
    /// MAX_IMAGE_FILE_BYTES: image originals are read into memory to be decoded; larger ones are
    /// failed with a reason instead (the worker's memory is shared by its concurrent jobs).
    pub max_image_file_bytes: u64,
    /// WORKER_QUEUES: the queues this worker process consumes, comma-separated (default
    /// `image,video,document`); a deployment runs separate services for images and videos.
    pub worker_queues: Vec<crate::pipeline::QueueName>,
    /// WORKER_METRICS_ADDR: where a worker serves /metrics (job outcomes and durations), /healthz
    /// and /readyz; unset, it serves nothing.
    pub worker_metrics_addr: Option<SocketAddr>,
    /// WORKER_AUTOSCALE: size this worker's concurrency to the backlog, per queue, between 1 and
    /// WORKER_<QUEUE>_CONCURRENCY (`scaling`), instead of always running that many.
    pub worker_autoscale: bool,
    /// The scaling policy's settings (local concurrency and the Swarm autoscaler alike):
    /// SCALE_JOBS_PER_WORKER, SCALE_DOWN_AFTER_SECONDS, SCALE_COOLDOWN_SECONDS, SCALE_EVERY_SECONDS,
    /// SCALE_SERVICES.
    pub scaling: ScalingConfig,
    /// WORKER_IMAGE_CONCURRENCY: image jobs one worker process runs at once.
    pub image_concurrency: usize,
    /// WORKER_VIDEO_CONCURRENCY: video jobs one worker process runs at once.
    pub video_concurrency: usize,
    /// WORKER_DOCUMENT_CONCURRENCY: document jobs (PDF pages) one worker process runs at once.
    pub document_concurrency: usize,
    /// VIDEO_PRESET: the x264 preset of the 1080p/720p renditions (`ultrafast` … `veryslow`);
    /// slower presets make smaller files for the same quality.
    pub video_preset: String,
    /// PUBLIC_URL: the address people use (scheme, host, port); origin checks and SSO redirects
    /// use it. Defaults to `http://LISTEN_ADDR`.
    pub public_url: String,
    /// COOKIE_SECURE: mark the session cookie Secure; defaults to true when PUBLIC_URL is https.
    pub cookie_secure: bool,
    /// SESSION_TTL_HOURS: how long a sign-in lasts.
    pub session_ttl_hours: u32,
    /// TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of reverse proxies whose
    /// X-Forwarded-For is believed; empty means the socket address is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// ADMIN_EMAIL / ADMIN_PASSWORD: the first admin, created on the first start with no users.
    /// Without ADMIN_PASSWORD a one-time password is generated and printed once in the log.
    pub admin_email: String,
    pub admin_password: Option<String>,
    /// Sign-in (and share-link password) attempts per minute: LOGIN_RATE_PER_ACCOUNT_AND_IP for
    /// one account from one address (strict), LOGIN_RATE_PER_IP for one address over all
    /// accounts, LOGIN_RATE_PER_ACCOUNT for one account from every address (loose).
    pub login_rates: crate::accounts::login::LoginRates,
    /// API_RATE_PER_SECOND / API_RATE_BURST: API requests per token (or session, or address).
    pub api_rate_per_second: u32,
    pub api_rate_burst: u32,
    /// OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: single sign-on, off unless all are set.
    pub oidc: Option<OidcConfig>,
}

/// An S3-compatible object store (AWS, MinIO, Ceph, R2, …).
#[derive(Clone, Debug)]
pub struct S3Config {
    /// S3_ENDPOINT: e.g. `http://minio:9000`; empty means AWS for S3_REGION.
    pub endpoint: Option<String>,
    /// S3_PUBLIC_ENDPOINT: the endpoint as browsers reach it, for presigned links (defaults to
    /// S3_ENDPOINT; differs when the servers reach the store on an internal network).
    pub public_endpoint: Option<String>,
    /// S3_BUCKET: created on start if it does not exist.
    pub bucket: String,
    /// S3_REGION: `us-east-1` by default.
    pub region: String,
    /// S3_ACCESS_KEY / S3_SECRET_KEY.
    pub access_key: String,
    pub secret_key: String,
    /// S3_PATH_STYLE: `true` (default) addresses `endpoint/bucket/key`, which MinIO needs;
    /// `false` uses `bucket.endpoint/key` (AWS virtual-hosted style).
    pub path_style: bool,
}

#[derive(Clone, Debug)]
pub struct OidcConfig {
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// OIDC_ROLE_CLAIM: the ID-token/userinfo claim holding `admin`, `editor` or `viewer` (a string
    /// or a list; the highest role found wins).
    pub role_claim: String,
    /// OIDC_DEFAULT_ROLE: the role when the claim is absent.
    pub default_role: crate::policy::Role,
    /// OIDC_BUTTON_LABEL: the sign-in button's text.
    pub button_label: String,
}

/// How workers follow the queues (see `pipeline::scaling`).
#[derive(Clone, Debug)]
pub struct ScalingConfig {
    /// Waiting jobs one worker (or one job slot) is expected to keep up with.
    pub jobs_per_worker: u64,
    /// Fewer must have been enough this long before any go.
    pub scale_down_after: std::time::Duration,
    /// No change within this long of the previous one.
    pub cooldown: std::time::Duration,
    /// How often the backlog is read.
    pub every: std::time::Duration,
    /// SCALE_SERVICES: the Swarm services `dam-autoscaler` sizes, `SERVICE=QUEUE[+QUEUE]:MIN-MAX`
    /// comma-separated (empty by default: nothing to scale).
    pub services: Vec<crate::pipeline::scaling::ScaledService>,
}

impl ScalingConfig {
    /// The scaling policy with these settings, for between `min` and `max` workers (or slots).
    pub fn policy(&self, min: u32, max: u32) -> crate::pipeline::scaling::ScalePolicy {
        crate::pipeline::scaling::ScalePolicy {
            min,
            max,
            jobs_per_worker: self.jobs_per_worker,
            scale_down_delay: self.scale_down_after,
            cooldown: self.cooldown,
        }
    }
}

impl Config {
    /// Every variable may instead name a file holding its value, as `NAME_FILE` (Docker secrets:
    /// `DATABASE_URL_FILE=/run/secrets/dam_database_url`); a trailing newline is dropped, and a
    /// file that cannot be read stops startup.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// `from_lookup` over variables that may name files (`NAME_FILE`).
    pub fn from_vars(vars: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let unreadable = std::cell::RefCell::new(None);
        let config = Self::from_lookup(|name| {
            if let Some(value) = vars(name) {
                return Some(value);
            }
            let key = format!("{name}_FILE");
            let path = vars(&key)?;
            match std::fs::read_to_string(&path) {
                Ok(value) => Some(value.trim_end_matches(['\n', '\r']).to_owned()),
                Err(e) => {
                    let error = ConfigError {
                        name: "<NAME>_FILE",
                        value: format!("{key}={path}"),
                        reason: format!("cannot be read: {e}"),
                    };
                    unreadable.borrow_mut().get_or_insert(error);
                    None
                }
            }
        });
        match unreadable.into_inner() {
            Some(error) => Err(error),
            None => config,
        }
    }

    /// Builds the configuration from any variable source (the environment, or a test's map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let text = |name: &str, default: &str| lookup(name).unwrap_or_else(|| default.to_owned());
        let listen_addr: SocketAddr = parse("LISTEN_ADDR", text("LISTEN_ADDR", "127.0.0.1:3000"))?;
        let public_url = text("PUBLIC_URL", &format!("http://{listen_addr}")).trim_end_matches('/').to_owned();
        Ok(Config {
            database_url: text("DATABASE_URL", "postgres://dam_app@127.0.0.1:5432/dam"),
            migration_database_url: lookup("MIGRATION_DATABASE_URL")
                .or_else(|| lookup("DATABASE_URL"))
                .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/dam".into()),
            database_pool_size: parse::<u32>("DATABASE_POOL_SIZE", text("DATABASE_POOL_SIZE", "10"))?.max(2),
            redis_url: text("REDIS_URL", "redis://127.0.0.1:6379"),
            queue_namespace: text("QUEUE_NAMESPACE", "dam"),
            storage_dir: PathBuf::from(text("STORAGE_DIR", "./data")),
            s3: match text("STORAGE_BACKEND", "local").as_str() {
                "local" => None,
                "s3" => Some(S3Config {
                    endpoint: lookup("S3_ENDPOINT").filter(|e| !e.is_empty()),
                    public_endpoint: lookup("S3_PUBLIC_ENDPOINT").filter(|e| !e.is_empty()),
                    bucket: lookup("S3_BUCKET").filter(|b| (3..=63).contains(&b.len())).ok_or_else(|| ConfigError {
                        name: "S3_BUCKET",
                        value: lookup("S3_BUCKET").unwrap_or_default(),
                        reason: "STORAGE_BACKEND=s3 needs a bucket name of 3 to 63 characters".into(),
                    })?,
                    region: text("S3_REGION", "us-east-1"),
                    access_key: text("S3_ACCESS_KEY", ""),
                    secret_key: text("S3_SECRET_KEY", ""),
                    path_style: parse("S3_PATH_STYLE", text("S3_PATH_STYLE", "true"))?,
                }),
                other => {
                    return Err(ConfigError {
                        name: "STORAGE_BACKEND",
                        value: other.into(),
                        reason: "expected local or s3".into(),
                    })
                }
            },
            listen_addr,
            site_root: PathBuf::from(text("SITE_ROOT", "./target/site")),
            max_upload_bytes: parse("MAX_UPLOAD_BYTES", text("MAX_UPLOAD_BYTES", "5368709120"))?,
            signing_key: lookup("SIGNING_KEY").filter(|k| !k.is_empty()),
            signed_url_ttl_seconds: parse("SIGNED_URL_TTL_SECONDS", text("SIGNED_URL_TTL_SECONDS", "300"))?,
            usage_flush_seconds: parse("USAGE_FLUSH_SECONDS", text("USAGE_FLUSH_SECONDS", "10"))?,
            upload_expiry_hours: parse("UPLOAD_EXPIRY_HOURS", text("UPLOAD_EXPIRY_HOURS", "24"))?,
            max_image_pixels: parse("MAX_IMAGE_PIXELS", text("MAX_IMAGE_PIXELS", "200000000"))?,
            max_image_file_bytes: parse("MAX_IMAGE_FILE_BYTES", text("MAX_IMAGE_FILE_BYTES", "536870912"))?,
            worker_queues: queues_of(&text("WORKER_QUEUES", "image,video,document"))?,
            worker_metrics_addr: lookup("WORKER_METRICS_ADDR")
                .filter(|a| !a.is_empty())
                .map(|a| parse("WORKER_METRICS_ADDR", a))
                .transpose()?,
            worker_autoscale: parse("WORKER_AUTOSCALE", text("WORKER_AUTOSCALE", "false"))?,
            scaling: ScalingConfig {
                jobs_per_worker: parse("SCALE_JOBS_PER_WORKER", text("SCALE_JOBS_PER_WORKER", "4"))?,
                scale_down_after: std::time::Duration::from_secs(parse(
                    "SCALE_DOWN_AFTER_SECONDS",
                    text("SCALE_DOWN_AFTER_SECONDS", "60"),
                )?),
                cooldown: std::time::Duration::from_secs(parse(
                    "SCALE_COOLDOWN_SECONDS",
                    text("SCALE_COOLDOWN_SECONDS", "20"),
                )?),
                every: std::time::Duration::from_secs(
                    parse::<u64>("SCALE_EVERY_SECONDS", text("SCALE_EVERY_SECONDS", "5"))?.max(1),
                ),
                services: crate::pipeline::scaling::parse_scaled_services(&text("SCALE_SERVICES", "")).map_err(
                    |reason| ConfigError { name: "SCALE_SERVICES", value: text("SCALE_SERVICES", ""), reason },
                )?,
            },
            image_concurrency: parse("WORKER_IMAGE_CONCURRENCY", text("WORKER_IMAGE_CONCURRENCY", "2"))?,
            video_concurrency: parse("WORKER_VIDEO_CONCURRENCY", text("WORKER_VIDEO_CONCURRENCY", "1"))?,
            document_concurrency: parse("WORKER_DOCUMENT_CONCURRENCY", text("WORKER_DOCUMENT_CONCURRENCY", "1"))?,
            video_preset: text("VIDEO_PRESET", "veryfast"),
            cookie_secure: match lookup("COOKIE_SECURE") {
                Some(v) => parse("COOKIE_SECURE", v)?,
                None => public_url.starts_with("https://"),
            },
            public_url,
            session_ttl_hours: parse("SESSION_TTL_HOURS", text("SESSION_TTL_HOURS", "168"))?,
            trusted_proxies: text("TRUSTED_PROXIES", "")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    parse_net(s).ok_or_else(|| ConfigError {
                        name: "TRUSTED_PROXIES",
                        value: s.into(),
                        reason: "not an IP address or CIDR range".into(),
                    })
                })
                .collect::<Result<_, _>>()?,
            admin_email: text("ADMIN_EMAIL", "admin@localhost"),
            admin_password: lookup("ADMIN_PASSWORD").filter(|p| !p.is_empty()),
            login_rates: crate::accounts::login::LoginRates {
                per_ip: parse("LOGIN_RATE_PER_IP", text("LOGIN_RATE_PER_IP", "30"))?,
                per_account_and_ip: parse("LOGIN_RATE_PER_ACCOUNT_AND_IP", text("LOGIN_RATE_PER_ACCOUNT_AND_IP", "5"))?,
                per_account: parse("LOGIN_RATE_PER_ACCOUNT", text("LOGIN_RATE_PER_ACCOUNT", "60"))?,
            },
            api_rate_per_second: parse("API_RATE_PER_SECOND", text("API_RATE_PER_SECOND", "50"))?,
            api_rate_burst: parse("API_RATE_BURST", text("API_RATE_BURST", "200"))?,
            oidc: match (lookup("OIDC_ISSUER_URL"), lookup("OIDC_CLIENT_ID"), lookup("OIDC_CLIENT_SECRET")) {
                (Some(issuer_url), Some(client_id), Some(client_secret)) => Some(OidcConfig {
                    issuer_url,
                    client_id,
                    client_secret,
                    role_claim: text("OIDC_ROLE_CLAIM", "dam_role"),
                    default_role: {
                        let raw = text("OIDC_DEFAULT_ROLE", "viewer");
                        crate::policy::Role::parse(&raw).ok_or(ConfigError {
                            name: "OIDC_DEFAULT_ROLE",
                            value: raw,
                            reason: "expected admin, editor or viewer".into(),
                        })?
                    },
                    button_label: text("OIDC_BUTTON_LABEL", "Sign in with SSO"),
                }),
                _ => None,
            },
        })
    }
}

fn parse<T: FromStr>(name: &'static str, value: String) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| ConfigError { name, reason: e.to_string(), value })
}

/// `10.0.0.1` or `10.0.0.0/8`.
fn queues_of(text: &str) -> Result<Vec<crate::pipeline::QueueName>, ConfigError> {
    let bad = |reason: &str| ConfigError { name: "WORKER_QUEUES", value: text.into(), reason: reason.into() };
    let mut queues = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let queue = crate::pipeline::QueueName::parse(name)
            .ok_or_else(|| bad("expected queue names among image, video, document"))?;
        if !queues.contains(&queue) {
            queues.push(queue);
        }
    }
    if queues.is_empty() {
        return Err(bad("a worker needs at least one queue"));
    }
    Ok(queues)
}

fn parse_net(text: &str) -> Option<ipnet::IpNet> {
    text.parse().ok().or_else(|| text.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_without_any_variable() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.listen_addr.port(), 3000);
        assert_eq!(config.storage_dir, PathBuf::from("./data"));
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert!(!config.cookie_secure);
        assert!(config.oidc.is_none());
        assert!(config.admin_password.is_none());
    }

    #[test]
    fn https_public_url_makes_cookies_secure_and_proxies_parse() {
        let vars = [("PUBLIC_URL", "https://dam.example.com/"), ("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5")];
        let config = Config::from_lookup(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string())).unwrap();
        assert!(config.cookie_secure);
        assert_eq!(config.public_url, "https://dam.example.com");
        assert_eq!(config.trusted_proxies.len(), 2);
        assert!(config.trusted_proxies[1].contains(&"192.168.1.5".parse::<std::net::IpAddr>().unwrap()));
    }

    #[test]
    fn secrets_can_come_from_files() {
        let dir = std::env::temp_dir().join(format!("dam-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let secret = dir.join("database_url");
        std::fs::write(&secret, "postgres://dam:s3cret@db/dam\n").unwrap();
        let vars = [
            ("DATABASE_URL_FILE", secret.to_string_lossy().into_owned()),
            ("SIGNING_KEY_FILE", dir.join("missing").to_string_lossy().into_owned()),
        ];
        let vars = &vars;
        let lookup = |only: usize| move |n: &str| vars[..only].iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone());
        assert_eq!(Config::from_vars(lookup(1)).unwrap().database_url, "postgres://dam:s3cret@db/dam");
        let error = Config::from_vars(lookup(2)).unwrap_err();
        assert!(error.value.starts_with("SIGNING_KEY_FILE="), "{error:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_worker_takes_the_queues_it_is_given() {
        use crate::pipeline::QueueName;
        let with = |queues: &'static str| Config::from_lookup(move |n| (n == "WORKER_QUEUES").then(|| queues.into()));
        assert_eq!(Config::from_lookup(|_| None).unwrap().worker_queues, QueueName::ALL);
        assert_eq!(with("video").unwrap().worker_queues, [QueueName::Video]);
        assert_eq!(with(" image, document ,image").unwrap().worker_queues, [QueueName::Image, QueueName::Document]);
        assert_eq!(with("audio").unwrap_err().name, "WORKER_QUEUES");
        assert_eq!(with(" , ").unwrap_err().name, "WORKER_QUEUES");
    }

    #[test]
    fn s3_storage_needs_a_bucket() {
        let err = Config::from_lookup(|n| (n == "STORAGE_BACKEND").then(|| "s3".into())).unwrap_err();
        assert_eq!(err.name, "S3_BUCKET");
        let vars = [("STORAGE_BACKEND", "s3"), ("S3_BUCKET", "dam-media"), ("S3_ENDPOINT", "http://minio:9000")];
        let config = Config::from_lookup(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string())).unwrap();
        let s3 = config.s3.unwrap();
        assert_eq!((s3.bucket.as_str(), s3.region.as_str(), s3.path_style), ("dam-media", "us-east-1", true));
        assert!(Config::from_lookup(|n| (n == "STORAGE_BACKEND").then(|| "ftp".into())).is_err());
    }

    #[test]
    fn a_bad_number_names_the_variable() {
        let err = Config::from_lookup(|n| (n == "MAX_UPLOAD_BYTES").then(|| "lots".into())).unwrap_err();
        assert_eq!(err.name, "MAX_UPLOAD_BYTES");
        assert!(err.to_string().contains("lots"));
    }
}
