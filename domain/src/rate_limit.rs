//! Rate limits every replica shares: the generic cell rate algorithm (GCRA) kept in Redis, one
//! script call per check, so two api replicas allow what one would (an in-memory limiter per
//! process let each replica grant the whole quota). When Redis cannot be reached the caller says
//! what happens: the API's limit lets requests through (it protects, it does not authorise), a
//! limit that stands between a guesser and a password refuses them.

use std::time::Duration;

use redis::aio::ConnectionManager;

/// `burst` requests at once, then one per `interval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub interval: Duration,
    pub burst: u32,
}

impl Quota {
    pub fn per_second(n: u32, burst: u32) -> Self {
        Quota { interval: Duration::from_secs(1) / n.max(1), burst: burst.max(1) }
    }

    /// `n` per minute, all of which may come at once.
    pub fn per_minute(n: u32) -> Self {
        Quota { interval: Duration::from_secs(60) / n.max(1), burst: n.max(1) }
    }
}

/// KEYS[1]: the key's theoretical arrival time (ms, Redis' clock). ARGV: interval and burst (ms).
/// Returns 0 when allowed (and records it), else the milliseconds to wait.
const GCRA: &str = r#"
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now_ms)
if tat < now_ms then tat = now_ms end
local next_tat = tat + interval
local wait = next_tat - tolerance - now_ms
if wait > 0 then return wait end
redis.call('SET', KEYS[1], next_tat, 'PX', next_tat - now_ms)
return 0
"#;

#[derive(Clone)]
pub struct SharedRateLimit {
    conn: ConnectionManager,
    prefix: String,
    script: redis::Script,
}

impl std::fmt::Debug for SharedRateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedRateLimit").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl SharedRateLimit {
    pub fn new(conn: ConnectionManager, namespace: &str) -> Self {
        SharedRateLimit { conn, prefix: format!("{namespace}:rate"), script: redis::Script::new(GCRA) }
    }

    /// Counts one request against `key`'s quota; `Err(wait)` when it is used up. Without Redis,
    /// lets it through.
    pub async fn check(&self, key: &str, quota: Quota) -> Result<(), Duration> {
        match self.count(key, quota).await {
            Err(Limited::Unavailable) => {
                tracing::warn!("rate limit unavailable (Redis); letting the request through");
                Ok(())
            }
            Err(Limited::Wait(wait)) => Err(wait),
            Ok(()) => Ok(()),
        }
    }

    /// Counts one request against `key`'s quota, refusing it when the quota is used up or cannot
    /// be counted.
    pub async fn count(&self, key: &str, quota: Quota) -> Result<(), Limited> {
        let interval_ms = quota.interval.as_millis().max(1) as u64;
        let mut conn = self.conn.clone();
        let outcome: redis::RedisResult<u64> = self
            .script
            .key(format!("{}:{key}", self.prefix))
            .arg(interval_ms)
            .arg(quota.burst)
            .invoke_async(&mut conn)
            .await;
        match outcome {
            Ok(0) => Ok(()),
            Ok(wait_ms) => Err(Limited::Wait(Duration::from_millis(wait_ms).max(Duration::from_secs(1)))),
            Err(e) => {
                tracing::warn!(error = %e, key, "rate limit could not be counted (Redis)");
                Err(Limited::Unavailable)
            }
        }
    }
}

impl SharedRateLimit {
    /// Starts `key`'s quota afresh (best effort: without Redis there is nothing to forget).
    pub async fn forget(&self, key: &str) {
        let mut conn = self.conn.clone();
        let outcome: redis::RedisResult<()> =
            redis::cmd("DEL").arg(format!("{}:{key}", self.prefix)).query_async(&mut conn).await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, key, "rate limit could not be reset (Redis)");
        }
    }
}

/// Why a request was not counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limited {
    /// The quota is used up for this long.
    Wait(Duration),
    /// The counter (Redis) cannot be reached.
    Unavailable,
}
