//! The Redis side: apalis job storages per queue, their depth, and housekeeping.

use apalis::prelude::TaskSink;
use apalis_redis::{ConnectionManager, RedisStorage};
use std::time::Duration;

use super::{ProcessAsset, QueueName};
use crate::error::{Error, Result};

pub type ProcessQueue = RedisStorage<ProcessAsset, ConnectionManager>;

/// How often an idle consumer looks in Redis by itself (apalis' default is 30 s). The worker's
/// feeder wakes its consumer as soon as it leaves jobs waiting, so this is only the fallback.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How many jobs of one queue wait in Redis at most (the feeder tops up to this).
pub const REDIS_QUEUE_TARGET: u64 = 16;

/// The queues of one installation, all under one Redis key namespace.
#[derive(Clone)]
pub struct JobQueue {
    image: ProcessQueue,
    video: ProcessQueue,
    document: ProcessQueue,
    conn: ConnectionManager,
    namespace: String,
}

impl std::fmt::Debug for JobQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobQueue").field("namespace", &self.namespace).finish_non_exhaustive()
    }
}

/// How many jobs of a queue Redis holds: waiting (incl. scheduled) and being worked on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RedisDepth {
    pub waiting: u64,
    pub active: u64,
}

impl JobQueue {
    pub async fn connect(redis_url: &str, namespace: &str) -> Result<Self> {
        let conn = apalis_redis::connect(redis_url.to_owned())
            .await
            .map_err(|e| Error::Queue(format!("cannot connect to Redis at {redis_url}: {e}")))?;
        let queue = |name: QueueName| {
            let config =
                apalis_redis::Config::default().queue(queue_key(namespace, name)).heartbeat_interval(POLL_INTERVAL);
            RedisStorage::new(conn.clone()).with_config(config)
        };
        Ok(JobQueue {
            image: queue(QueueName::Image),
            video: queue(QueueName::Video),
            document: queue(QueueName::Document),
            conn,
            namespace: namespace.to_owned(),
        })
    }

    /// The Redis connection and key namespace, for other counters kept beside the queues.
    pub fn redis(&self) -> (ConnectionManager, &str) {
        (self.conn.clone(), &self.namespace)
    }

    /// The apalis backend of one queue, for a worker to consume.
    pub fn backend(&self, name: QueueName) -> ProcessQueue {
        match name {
            QueueName::Image => self.image.clone(),
            QueueName::Video => self.video.clone(),
            QueueName::Document => self.document.clone(),
        }
    }

    pub async fn push(&self, name: QueueName, job: ProcessAsset) -> Result<()> {
        self.backend(name).push(job).await.map_err(|e| Error::Queue(e.to_string()))
    }

    /// Read straight from apalis' keys (its own metrics calls are broken in 1.0).
    pub async fn depth(&self, name: QueueName) -> Result<RedisDepth> {
        let key = queue_key(&self.namespace, name);
        let mut conn = self.conn.clone();
        let workers: Vec<String> =
            redis_cmd(&mut conn, redis::cmd("ZRANGE").arg(format!("{key}:workers")).arg(0).arg(-1)).await?;
        let mut pipe = redis::pipe();
        pipe.cmd("LLEN").arg(format!("{key}:active")).cmd("ZCARD").arg(format!("{key}:scheduled"));
        for worker in &workers {
            pipe.cmd("SCARD").arg(format!("{key}:inflight:{worker}"));
        }
        let counts: Vec<u64> = pipe.query_async(&mut conn).await.map_err(queue_error)?;
        Ok(RedisDepth { waiting: counts[0] + counts[1], active: counts[2..].iter().sum() })
    }

    /// apalis keeps every finished job's data and id forever; forget finished ones so Redis memory
    /// stays flat however many jobs pass through.
    pub async fn forget_finished(&self, name: QueueName) -> Result<u64> {
        const SCRIPT: &str = r#"
            local ids = redis.call('SPOP', KEYS[1], 1000)
            for _, id in ipairs(ids) do
                redis.call('HDEL', KEYS[2], id)
                redis.call('DEL', KEYS[3] .. ':' .. id)
            end
            return #ids"#;
        let key = queue_key(&self.namespace, name);
        let mut conn = self.conn.clone();
        let mut forgotten = 0;
        for set in ["done", "dead"] {
            let n: u64 = redis::Script::new(SCRIPT)
                .key(format!("{key}:{set}"))
                .key(format!("{key}:data"))
                .key(format!("{key}:meta"))
                .invoke_async(&mut conn)
                .await
                .map_err(queue_error)?;
            forgotten += n;
        }
        Ok(forgotten)
    }
}

fn queue_key(namespace: &str, name: QueueName) -> String {
    format!("{namespace}:{}", name.as_str())
}

fn queue_error(e: redis::RedisError) -> Error {
    Error::Queue(e.to_string())
}

async fn redis_cmd<T: redis::FromRedisValue>(conn: &mut ConnectionManager, cmd: &mut redis::Cmd) -> Result<T> {
    cmd.query_async(conn).await.map_err(queue_error)
}
