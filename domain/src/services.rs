//! Everything a request handler or a job needs, connected once at start-up and cloned cheaply.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    accounts::login::LoginLimiter,
    analytics::UsageCounters,
    config::Config,
    db,
    error::Result,
    pipeline::queue::JobQueue,
    rate_limit::SharedRateLimit,
    storage::{Storage, UrlSigner},
};

#[derive(Clone, Debug)]
pub struct Services {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    pub storage: Storage,
    pub jobs: JobQueue,
    pub login_limiter: Arc<LoginLimiter>,
    /// Request quotas shared by every replica (Redis).
    pub rate_limit: SharedRateLimit,
    /// Signs the short-lived links files are served from.
    pub signer: UrlSigner,
    /// Views and downloads, counted in Redis and flushed to Postgres.
    pub usage: UsageCounters,
}

impl Services {
    /// Connects Postgres (creating and migrating the database if needed), storage and Redis.
    pub async fn start(config: Config) -> Result<Self> {
        let db =
            db::connect_and_migrate(&config.database_url, &config.migration_database_url, config.database_pool_size)
                .await?;
        let storage = Storage::open(&config).await?;
        let jobs = JobQueue::connect(&config.redis_url, &config.queue_namespace).await?;
        let (redis, namespace) = jobs.redis();
        let rate_limit = SharedRateLimit::new(redis.clone(), namespace);
        let login_limiter = LoginLimiter::new(rate_limit.clone(), config.login_rates);
        let signer = UrlSigner::load(&db, config.signing_key.as_deref(), config.signed_url_ttl_seconds).await?;
        let usage = UsageCounters::new(redis, namespace);
        Ok(Services { config: Arc::new(config), db, storage, jobs, login_limiter, rate_limit, signer, usage })
    }
}

impl Services {
    /// The database as the workspace `actor` works in sees it.
    pub fn workspace_db(&self, actor: &crate::audit::Actor) -> Result<db::WorkspaceDb> {
        let workspace = actor.workspace.ok_or(crate::error::Error::NotFound("workspace"))?;
        Ok(db::WorkspaceDb::new(self.db.clone(), workspace))
    }

    /// The database as `workspace` sees it (system tasks that know which one they work for).
    pub fn in_workspace(&self, workspace: uuid::Uuid) -> db::WorkspaceDb {
        db::WorkspaceDb::new(self.db.clone(), workspace)
    }

    /// The largest file accepted: MAX_UPLOAD_BYTES, or less if the storage backend cannot hold it.
    pub fn max_upload_bytes(&self) -> u64 {
        self.config.max_upload_bytes.min(self.storage.max_object_bytes())
    }
}

/// Resolves on SIGTERM (what Docker/Swarm send on stop and scale-down) or Ctrl-C.
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
