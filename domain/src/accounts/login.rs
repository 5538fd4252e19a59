//! Signing in with a password, rate limited per client address and per account — limits kept in
//! Redis, so every server replica counts the same attempts.

use std::{net::IpAddr, sync::Arc};

use serde_json::json;

use super::{passwords, sessions, users};
use crate::{
    audit::{self, Actor, Target},
    entities::user,
    error::{Error, Result},
    rate_limit::{Quota, SharedRateLimit},
    services::Services,
};

#[derive(Debug)]
pub struct LoginLimiter {
    limit: SharedRateLimit,
    per_ip: Quota,
    per_account: Quota,
}

impl LoginLimiter {
    pub fn new(limit: SharedRateLimit, per_ip_per_minute: u32, per_account_per_minute: u32) -> Arc<Self> {
        Arc::new(LoginLimiter {
            limit,
            per_ip: Quota::per_minute(per_ip_per_minute),
            per_account: Quota::per_minute(per_account_per_minute),
        })
    }

    /// Counts one attempt; `Err(RateLimited)` with the wait when a limit is reached.
    pub(crate) async fn check(&self, ip: Option<IpAddr>, account: &str) -> Result<()> {
        let limited = |retry_after| Error::RateLimited { retry_after };
        if let Some(ip) = ip {
            self.limit.check(&format!("login-ip:{ip}"), self.per_ip).await.map_err(limited)?;
        }
        // Hashed: account names are chosen by whoever is guessing.
        self.limit
            .check(&format!("login-account:{}", &crate::accounts::secrets::hash(account)[..24]), self.per_account)
            .await
            .map_err(limited)?;
        Ok(())
    }
}

/// Checks the password and opens a session; returns the user and the session cookie value.
/// Every attempt is audited, failures included.
pub async fn with_password(
    services: &Services,
    email: &str,
    password: &str,
    origin: &sessions::Origin,
) -> Result<(user::Model, String)> {
    let account = email.trim().to_lowercase();
    let ip: Option<IpAddr> = origin.ip.as_deref().and_then(|ip| ip.parse().ok());
    services.login_limiter.check(ip, &account).await?;

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
            audit::record(
                db,
                &anonymous,
                "session.login_failed",
                Some(Target::user(user.id)),
                json!({ "email": account, "reason": "disabled" }),
            )
            .await?;
            return Err(Error::AccountDisabled);
        }
        _ => {
            audit::record(
                db,
                &anonymous,
                "session.login_failed",
                None,
                json!({ "email": account, "reason": "bad credentials" }),
            )
            .await?;
            return Err(Error::InvalidCredentials);
        }
    };
    let (session, secret) = sessions::open(services, &user, origin).await?;
    let actor = Actor::user(user.id, &user.email, origin.ip.clone());
    audit::record(db, &actor, "session.login", Some(Target::session(session.id)), json!({ "method": "password" }))
        .await?;
    Ok((user, secret))
}
