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
    /// DATABASE_URL: Postgres; the database is created if it does not exist.
    pub database_url: String,
    /// REDIS_URL: Redis for the job queues.
    pub redis_url: String,
    /// QUEUE_NAMESPACE: prefix of every queue key in Redis, so several installs (or tests) share one Redis.
    pub queue_namespace: String,
    /// STORAGE_DIR: root of the local object storage (originals/, thumbnails/, transcodes/).
    pub storage_dir: PathBuf,
    /// LISTEN_ADDR: where the HTTP server listens.
    pub listen_addr: SocketAddr,
    /// SITE_ROOT: the built browser bundle (WASM, JS, CSS, favicon).
    pub site_root: PathBuf,
    /// MAX_UPLOAD_BYTES: largest single file accepted.
    pub max_upload_bytes: u64,
    /// MAX_IMAGE_PIXELS: images with more pixels are refused before decoding (decompression bombs).
    pub max_image_pixels: u64,
    /// WORKER_IMAGE_CONCURRENCY: image jobs one worker process runs at once.
    pub image_concurrency: usize,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any variable source (the environment, or a test's map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let text = |name: &str, default: &str| lookup(name).unwrap_or_else(|| default.to_owned());
        Ok(Config {
            database_url: text("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dam"),
            redis_url: text("REDIS_URL", "redis://127.0.0.1:6379"),
            queue_namespace: text("QUEUE_NAMESPACE", "dam"),
            storage_dir: PathBuf::from(text("STORAGE_DIR", "./data")),
            listen_addr: parse("LISTEN_ADDR", text("LISTEN_ADDR", "127.0.0.1:3000"))?,
            site_root: PathBuf::from(text("SITE_ROOT", "./target/site")),
            max_upload_bytes: parse("MAX_UPLOAD_BYTES", text("MAX_UPLOAD_BYTES", "5368709120"))?,
            max_image_pixels: parse("MAX_IMAGE_PIXELS", text("MAX_IMAGE_PIXELS", "200000000"))?,
            image_concurrency: parse("WORKER_IMAGE_CONCURRENCY", text("WORKER_IMAGE_CONCURRENCY", "2"))?,
        })
    }
}

fn parse<T: FromStr>(name: &'static str, value: String) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| ConfigError { name, reason: e.to_string(), value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_without_any_variable() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.listen_addr.port(), 3000);
        assert_eq!(config.storage_dir, PathBuf::from("./data"));
    }

    #[test]
    fn a_bad_number_names_the_variable() {
        let err = Config::from_lookup(|n| (n == "MAX_UPLOAD_BYTES").then(|| "lots".into())).unwrap_err();
        assert_eq!(err.name, "MAX_UPLOAD_BYTES");
        assert!(err.to_string().contains("lots"));
    }
}
