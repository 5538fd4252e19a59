//! API tokens (bearer) for scripts: created and revoked by their owner, stored as hashes.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, Set};
use uuid::Uuid;

use super::secrets;
use crate::{
    audit::{self, Actor, Target},
    dto::{CreatedToken, NewToken, Page, PageRequest, TokenView},
    entities::{api_token, user},
    error::{Error, Result},
    paging,
};

pub const SECRET_PREFIX: &str = "dam_pat_";
const TOUCH_EVERY: Duration = Duration::seconds(60);
/// The longest a token may be made to last (ten years); longer is "never", which is allowed.
pub const MAX_DAYS: u32 = 3650;

fn view(t: api_token::Model) -> TokenView {
    TokenView {
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        created_at: t.created_at,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
    }
}

pub async fn create(db: &impl ConnectionTrait, actor: &Actor, user_id: Uuid, new: NewToken) -> Result<CreatedToken> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::BadRequest("a token needs a name of 1 to 100 characters".into()));
    }
    let now = Utc::now();
    let expires_at = match new.expires_in_days {
        None => None,
        Some(days @ 1..=MAX_DAYS) => Some(now + Duration::days(days.into())),
        Some(_) => {
            return Err(Error::BadRequest(format!(
                "a token can last from 1 to {MAX_DAYS} days; leave the expiry empty for one that does not expire"
            )))
        }
    };
    // A token works in the workspace it was made in, and only there.
    let workspace = actor
        .workspace
        .ok_or_else(|| Error::BadRequest("an API token belongs to a workspace: make it from inside one".into()))?;
    let secret = secrets::new_secret(SECRET_PREFIX);
    let token = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        workspace_id: Set(workspace),
        name: Set(name.to_owned()),
        token_hash: Set(secrets::hash(&secret)),
        prefix: Set(secret.chars().take(SECRET_PREFIX.len() + 6).collect()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    audit::record(db, actor, "token.create", Some(Target::token(token.id)), serde_json::json!({ "name": token.name }))
        .await?;
    Ok(CreatedToken { token: view(token), secret })
}

/// The live token and its (enabled) owner for a bearer secret, if any.
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> Result<Option<(api_token::Model, user::Model)>> {
    let now = Utc::now();
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(secrets::hash(secret)))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(Condition::any().add(api_token::Column::ExpiresAt.is_null()).add(api_token::Column::ExpiresAt.gt(now)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(user) = user::Entity::find_by_id(token.user_id).one(db).await?.filter(|u| !u.disabled) else {
        return Ok(None);
    };
    if token.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY) {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, now.into())
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(Some((token, user)))
}

/// Whether token `id` still signs its person in (see `sessions::is_active`).
pub async fn is_active(db: &impl ConnectionTrait, id: Uuid) -> Result<bool> {
    let Some(token) = api_token::Entity::find_by_id(id).one(db).await? else { return Ok(false) };
    if token.revoked_at.is_some() || token.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Ok(false);
    }
    Ok(user::Entity::find_by_id(token.user_id).one(db).await?.is_some_and(|u| !u.disabled))
}

/// Someone's tokens that were not revoked, newest first.
pub async fn list_active(db: &impl ConnectionTrait, user_id: Uuid, request: PageRequest) -> Result<Page<TokenView>> {
    let query = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null());
    let limit = paging::limit(&request);
    let after = paging::after::<DateTime<Utc>, Uuid>(&request)?;
    let query = paging::keyset(query, api_token::Column::CreatedAt, api_token::Column::Id, Order::Desc, after, limit);
    let tokens = paging::page(query.all(db).await?, limit, |t| paging::cursor(&t.created_at, &t.id));
    Ok(Page { items: tokens.items.into_iter().map(view).collect(), next: tokens.next })
}

/// Revokes a token; its owner may, and admins (`may_revoke_others`) may revoke anyone's.
pub async fn revoke(db: &impl ConnectionTrait, actor: &Actor, id: Uuid, may_revoke_others: bool) -> Result<()> {
    let token = api_token::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|t| may_revoke_others || Some(t.user_id) == actor.user_id)
        .ok_or(Error::NotFound("token"))?;
    if token.revoked_at.is_none() {
        let mut row: api_token::ActiveModel = token.into();
        row.revoked_at = Set(Some(Utc::now()));
        row.update(db).await?;
    }
    audit::record(db, actor, "token.revoke", Some(Target::token(id)), serde_json::json!({})).await
}

pub async fn revoke_all(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Utc::now().into())
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
