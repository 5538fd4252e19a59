//! Readiness: whether this process can do its work — Postgres, Redis and storage each answer
//! within a couple of seconds. Liveness (`/healthz`) needs none of them: a process that is up but
//! cut off from Postgres should be taken out of the load balancer, not restarted in a loop.

use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::Services;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Readiness {
    pub ready: bool,
    /// Per dependency: "ok", or what went wrong.
    pub postgres: String,
    pub redis: String,
    pub storage: String,
}

async fn within<E: std::fmt::Display>(check: impl std::future::Future<Output = Result<(), E>>) -> String {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(())) => "ok".into(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {} s", CHECK_TIMEOUT.as_secs()),
    }
}

pub async fn readiness(services: &Services) -> Readiness {
    let postgres = within(async { services.db.execute_unprepared("SELECT 1").await.map(|_| ()) });
    let redis = within(async {
        let (mut conn, _) = services.jobs.redis();
        redis::cmd("PING").query_async::<String>(&mut conn).await.map(|_| ())
    });
    let storage = within(services.storage.check());
    let (postgres, redis, storage) = tokio::join!(postgres, redis, storage);
    Readiness { ready: [&postgres, &redis, &storage].iter().all(|s| *s == "ok"), postgres, redis, storage }
}
