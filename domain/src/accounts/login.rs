//! Signing in with a password, rate limited — limits kept in Redis, so every server replica
//! counts the same attempts. One account from one address is limited strictly; one address over
//! all accounts, and one account from everywhere, loosely: a guesser cannot lock a person out by
//! typing wrong passwords from elsewhere, and many addresses are needed to try many passwords.
//! Without Redis nobody signs in (the limit cannot be counted, so it is not skipped).

use std::{net::IpAddr, sync::Arc};

use serde_json::json;

use super::{passwords, sessions, users};
use crate::{
    audit::{self, Actor, Target},
    entities::user,
    error::{Error, Result},
    rate_limit::{Limited, Quota, SharedRateLimit},
    services::Services,
};

#[derive(Debug)]
pub struct LoginLimiter {
    limit: SharedRateLimit,
    per_ip: Quota,
    per_account_and_ip: Quota,
    per_account: Quota,
}

/// Attempts per minute, by what they are counted against.
#[derive(Clone, Copy, Debug)]
pub struct LoginRates {
    pub per_ip: u32,
    pub per_account_and_ip: u32,
    pub per_account: u32,
}

impl LoginLimiter {
    pub fn new(limit: SharedRateLimit, rates: LoginRates) -> Arc<Self> {
        Arc::new(LoginLimiter {
            limit,
            per_ip: Quota::per_minute(rates.per_ip),
            per_account_and_ip: Quota::per_minute(rates.per_account_and_ip),
            per_account: Quota::per_minute(rates.per_account),
        })
    }

    /// Counts one attempt at `account` (a person's e-mail, or a share link) from `ip`;
    /// `Err(RateLimited)` with the wait when a limit is reached, `Err(Unavailable)` when the
    /// attempts cannot be counted.
    pub(crate) async fn check(&self, ip: Option<IpAddr>, account: &str) -> Result<()> {
        let (account, ip) = keys(ip, account);
        let checks = [
            (format!("login-ip:{ip}"), self.per_ip),
            (format!("login-account-ip:{account}:{ip}"), self.per_account_and_ip),
            (format!("login-account:{account}"), self.per_account),
        ];
        for (key, quota) in checks {
            match self.limit.count(&key, quota).await {
                Ok(()) => {}
                Err(Limited::Wait(retry_after)) => return Err(Error::RateLimited { retry_after }),
                Err(Limited::Unavailable) => {
                    return Err(Error::Unavailable(
                        "signing in is paused for a moment: attempts cannot be counted right now; try again shortly"
                            .into(),
                    ))
                }
            }
        }
        Ok(())
    }

    /// The right password from this address: its strict count starts afresh, so a person who
    /// signs in on several devices is not held up by their own successes. (The loose counts keep
    /// theirs: they bound how fast anyone can try.)
    pub(crate) async fn succeeded(&self, ip: Option<IpAddr>, account: &str) {
        let (account, ip) = keys(ip, account);
        self.limit.forget(&format!("login-account-ip:{account}:{ip}")).await;
    }
}

fn keys(ip: Option<IpAddr>, account: &str) -> (String, String) {
    // Hashed: account names are chosen by whoever is guessing.
    let account = crate::accounts::secrets::hash(account)[..24].to_owned();
    (account, ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()))
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
    services.login_limiter.succeeded(ip, &account).await;
    let (session, secret) = sessions::open(services, &user, origin).await?;
    let actor = Actor::user(&user, origin.ip.clone());
    audit::record(db, &actor, "session.login", Some(Target::session(session.id)), json!({ "method": "password" }))
        .await?;
    Ok((user, secret))
}
