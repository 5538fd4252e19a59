//! Signing in with a password, rate limited per client address and per account.
//!
//! The limits live in this process (`governor`); with several server replicas each keeps its own,
//! which still bounds guessing to replicas × limit.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc, time::Duration};

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::json;

use super::{passwords, sessions, users};
use crate::{
    audit::{self, Actor, Target},
    entities::user,
    error::{Error, Result},
    services::Services,
};

/// Above this many tracked keys, forget the ones that have recovered (attackers choose the keys).
const MAX_TRACKED_KEYS: usize = 50_000;

pub struct LoginLimiter {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginLimiter").finish_non_exhaustive()
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"))
}

impl LoginLimiter {
    pub fn new(per_ip_per_minute: u32, per_account_per_minute: u32) -> Arc<Self> {
        Arc::new(LoginLimiter {
            by_ip: RateLimiter::keyed(per_minute(per_ip_per_minute)),
            by_account: RateLimiter::keyed(per_minute(per_account_per_minute)),
        })
    }

    /// Counts one attempt; `Err(RateLimited)` with the wait when a limit is reached.
    pub(crate) fn check(&self, ip: Option<IpAddr>, account: &str) -> Result<()> {
        if self.by_ip.len() > MAX_TRACKED_KEYS || self.by_account.len() > MAX_TRACKED_KEYS {
            self.by_ip.retain_recent();
            self.by_account.retain_recent();
        }
        let now = governor::clock::DefaultClock::default().now();
        let wait = |not_until: governor::NotUntil<_>| Error::RateLimited { retry_after: not_until.wait_time_from(now).max(Duration::from_secs(1)) };
        if let Some(ip) = ip {
            self.by_ip.check_key(&ip).map_err(wait)?;
        }
        self.by_account.check_key(&account.to_owned()).map_err(wait)?;
        Ok(())
    }
}

/// Checks the password and opens a session; returns the user and the session cookie value.
/// Every attempt is audited, failures included.
pub async fn with_password(services: &Services, email: &str, password: &str, origin: &sessions::Origin) -> Result<(user::Model, String)> {
    let account = email.trim().to_lowercase();
    let ip: Option<IpAddr> = origin.ip.as_deref().and_then(|ip| ip.parse().ok());
    services.login_limiter.check(ip, &account)?;

    let db = &services.db;
    let found = users::find_by_email(db, &account).await?;
    let verified = match (&found, found.as_ref().and_then(|u| u.password_hash.as_deref())) {
        (Some(_), Some(phc)) => passwords::verify(password, phc),
        _ => {
            passwords::verify_against_dummy(password);
            false
        }
    };
    let anonymous = Actor::anonymous(origin.ip.clone());
    let user = match found {
        Some(user) if verified && !user.disabled => user,
        Some(user) if verified => {
            audit::record(db, &anonymous, "session.login_failed", Some(Target::user(user.id)), json!({ "email": account, "reason": "disabled" })).await?;
            return Err(Error::AccountDisabled);
        }
        _ => {
            audit::record(db, &anonymous, "session.login_failed", None, json!({ "email": account, "reason": "bad credentials" })).await?;
            return Err(Error::InvalidCredentials);
        }
    };
    let (session, secret) = sessions::open(services, &user, origin).await?;
    let actor = Actor::user(user.id, &user.email, origin.ip.clone());
    audit::record(db, &actor, "session.login", Some(Target::session(session.id)), json!({ "method": "password" })).await?;
    Ok((user, secret))
}
