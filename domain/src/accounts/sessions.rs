//! Browser sessions: a random cookie value whose hash is a row here. They expire, and can be
//! listed and revoked by their owner (or an admin).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, Set};
use uuid::Uuid;

use super::secrets;
use crate::{
    audit::{self, Actor, Target},
    dto::{Page, PageRequest, SessionView},
    entities::{session, user},
    error::{Error, Result},
    paging,
};

/// Seen-at times are refreshed at most this often, so every request does not write.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// Where a sign-in came from, remembered with the session.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Opens a session and returns it with the cookie value (the only copy of the secret).
pub async fn start(
    db: &impl ConnectionTrait,
    user: &user::Model,
    ttl: Duration,
    origin: &Origin,
) -> Result<(session::Model, String)> {
    let secret = secrets::new_secret("");
    let now = Utc::now();
    let session = session::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(secrets::hash(&secret)),
        user_id: Set(user.id),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        last_seen_at: Set(now),
        revoked_at: Set(None),
        ip: Set(origin.ip.clone()),
        user_agent: Set(origin.user_agent.as_deref().map(|ua| ua.chars().take(300).collect())),
    }
    .insert(db)
    .await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, now.into())
        .filter(user::Column::Id.eq(user.id))
        .exec(db)
        .await?;
    Ok((session, secret))
}

/// Opens a session lasting the configured SESSION_TTL_HOURS.
pub async fn open(services: &crate::Services, user: &user::Model, origin: &Origin) -> Result<(session::Model, String)> {
    start(&services.db, user, Duration::hours(services.config.session_ttl_hours.into()), origin).await
}

/// The live session and its (enabled) user for a cookie value, if any.
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> Result<Option<(session::Model, user::Model)>> {
    let now = Utc::now();
    let Some(session) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(secrets::hash(secret)))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(user) = user::Entity::find_by_id(session.user_id).one(db).await?.filter(|u| !u.disabled) else {
        return Ok(None);
    };
    if now - session.last_seen_at > TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, now.into())
            .filter(session::Column::Id.eq(session.id))
            .exec(db)
            .await?;
    }
    Ok(Some((session, user)))
}

/// Whether session `id` still signs its person in (not revoked or expired, the person enabled):
/// asked again by long-lived requests such as the event stream.
pub async fn is_active(db: &impl ConnectionTrait, id: Uuid) -> Result<bool> {
    let Some(session) = session::Entity::find_by_id(id).one(db).await? else { return Ok(false) };
    if session.revoked_at.is_some() || session.expires_at <= Utc::now() {
        return Ok(false);
    }
    Ok(user::Entity::find_by_id(session.user_id).one(db).await?.is_some_and(|u| !u.disabled))
}

pub async fn list_active(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    current: Option<Uuid>,
    request: PageRequest,
) -> Result<Page<SessionView>> {
    let query = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(Utc::now()));
    let limit = paging::limit(&request);
    let after = paging::after::<DateTime<Utc>, Uuid>(&request)?;
    let query = paging::keyset(query, session::Column::CreatedAt, session::Column::Id, Order::Desc, after, limit);
    let sessions = paging::page(query.all(db).await?, limit, |s| paging::cursor(&s.created_at, &s.id));
    let items = sessions
        .items
        .into_iter()
        .map(|s| SessionView {
            current: Some(s.id) == current,
            id: s.id,
            created_at: s.created_at,
            expires_at: s.expires_at,
            last_seen_at: s.last_seen_at,
            ip: s.ip,
            device: s.user_agent.as_deref().and_then(device_name),
            user_agent: s.user_agent,
        })
        .collect();
    Ok(Page { items, next: sessions.next })
}

/// What a person calls the device behind a user agent: "Firefox on Windows 10", "Safari on
/// iPhone"; `None` when the browser is not recognised (a script, a made-up string).
pub fn device_name(user_agent: &str) -> Option<String> {
    let parsed = woothee::parser::Parser::new().parse(user_agent)?;
    let known = |text: &str| !text.is_empty() && text != woothee::woothee::VALUE_UNKNOWN;
    if !known(parsed.name) {
        return None;
    }
    Some(if known(parsed.os) { format!("{} on {}", parsed.name, parsed.os) } else { parsed.name.to_owned() })
}

/// Revokes one session. People may revoke their own; `may_revoke_others` is for admins.
/// Someone else's session is reported as not found, so ids cannot be probed.
pub async fn revoke(db: &impl ConnectionTrait, actor: &Actor, id: Uuid, may_revoke_others: bool) -> Result<()> {
    let session = session::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|s| may_revoke_others || Some(s.user_id) == actor.user_id)
        .ok_or(Error::NotFound("session"))?;
    if session.revoked_at.is_none() {
        let mut row: session::ActiveModel = session.into();
        row.revoked_at = Set(Some(Utc::now()));
        row.update(db).await?;
    }
    audit::record(db, actor, "session.revoke", Some(Target::session(id)), serde_json::json!({})).await
}

pub async fn revoke_all(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64> {
    revoke_all_except(db, user_id, None).await
}

/// Ends every session of a user but `keep` (the one making the request, when they change their
/// own password).
pub async fn revoke_all_except(db: &impl ConnectionTrait, user_id: Uuid, keep: Option<Uuid>) -> Result<u64> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Utc::now().into())
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(session::Column::Id.ne(keep));
    }
    Ok(update.exec(db).await?.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::device_name;

    #[test]
    fn a_session_is_named_by_its_browser_and_system_and_a_script_by_nothing() {
        let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        let windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(device_name(mac).as_deref(), Some("Chrome on Mac OSX"));
        assert_eq!(device_name(iphone).as_deref(), Some("Safari on iPhone"));
        assert_eq!(device_name(windows).as_deref(), Some("Firefox on Windows 10"));
        assert_eq!(device_name("nightly-import/1.0"), None);
        assert_eq!(device_name(""), None);
    }
}
