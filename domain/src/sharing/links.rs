//! Making, listing and revoking share links. A link opens exactly one asset or one collection,
//! until its expiry (at most a year) or until it is revoked; it may need a password and may allow
//! downloads.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, Order, QueryResult, Set,
    Statement, Value,
};
use uuid::Uuid;

use super::MAX_DAYS;
use crate::{
    accounts::{passwords, secrets},
    audit::{self, Actor, Target},
    dto::{NewShareLink, Page, PageRequest, ShareLinkView, ShareState},
    entities::share_link,
    error::{Error, Result},
    paging,
    policy::{Permission, Reach},
};

/// Shorter passwords are refused: a link's password is the only thing between it and the world.
const MIN_PASSWORD_CHARS: usize = 6;

const VIEW_SQL: &str = "
    SELECT s.*, u.email AS created_by_email,
           COALESCE(NULLIF(a.title, ''), a.original_filename, c.name) AS target_name
    FROM share_links s
    LEFT JOIN users u ON u.id = s.created_by
    LEFT JOIN assets a ON a.id = s.asset_id
    LEFT JOIN collections c ON c.id = s.collection_id";

pub fn path_of(token: &str) -> String {
    format!("/s/{token}")
}

pub fn state_of(link: &share_link::Model, now: chrono::DateTime<Utc>) -> ShareState {
    if link.revoked_at.is_some() {
        ShareState::Revoked
    } else if link.expires_at <= now {
        ShareState::Expired
    } else {
        ShareState::Active
    }
}

fn view(row: &QueryResult) -> Result<ShareLinkView> {
    let link = share_link::Model::from_query_result(row, "")?;
    Ok(ShareLinkView {
        id: link.id,
        path: path_of(&link.token),
        asset_id: link.asset_id,
        collection_id: link.collection_id,
        target_name: row.try_get::<Option<String>>("", "target_name")?.unwrap_or_default(),
        created_by: row.try_get("", "created_by_email")?,
        created_at: link.created_at,
        expires_at: link.expires_at,
        has_password: link.password_hash.is_some(),
        allow_download: link.allow_download,
        revoked_at: link.revoked_at,
        opens: link.opens,
        last_opened_at: link.last_opened_at,
        state: state_of(&link, Utc::now()),
    })
}

async fn views(db: &impl ConnectionTrait, filter: &str, values: Vec<Value>, limit: u64) -> Result<Vec<ShareLinkView>> {
    let sql = format!("{VIEW_SQL} WHERE {filter} ORDER BY s.created_at DESC, s.id DESC LIMIT {limit}");
    db.query_all(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values))
        .await?
        .iter()
        .map(view)
        .collect()
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<ShareLinkView> {
    views(db, "s.id = $1", vec![id.into()], 1).await?.pop().ok_or(Error::NotFound("share link"))
}

/// The links of one asset or collection (newest first), or — with neither — every link; an
/// editor sees the links they made, an admin everyone's.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    asset_id: Option<Uuid>,
    collection_id: Option<Uuid>,
    request: PageRequest,
) -> Result<Page<ShareLinkView>> {
    let (mut filter, mut values): (String, Vec<Value>) = match (asset_id, collection_id) {
        (Some(id), _) => ("s.asset_id = $1".into(), vec![id.into()]),
        (None, Some(id)) => ("s.collection_id = $1".into(), vec![id.into()]),
        (None, None) => ("true".into(), vec![]),
    };
    match actor.reach(Permission::ManageShareLinks) {
        Some(Reach::Any) => {}
        Some(Reach::Own) => {
            values.push(actor.user_id.into());
            filter = format!("{filter} AND s.created_by = ${}", values.len());
        }
        None => return Err(Error::Forbidden("see share links (editors and admins can)".into())),
    }
    if let Some((at, id)) = paging::after::<DateTime<Utc>, Uuid>(&request)? {
        filter = format!("{filter} AND {}", paging::after_sql("s.created_at, s.id", Order::Desc, values.len() + 1));
        values.extend([at.into(), id.into()]);
    }
    let limit = paging::limit(&request);
    let links = views(db, &filter, values, limit + 1).await?;
    Ok(paging::page(links, limit, |link| paging::cursor(&link.created_at, &link.id)))
}

/// The expiry of a link open for `days` from now (the web form asks for days).
pub fn expiry_in_days(days: u32) -> Result<chrono::DateTime<Utc>> {
    if !(1..=MAX_DAYS as u32).contains(&days) {
        return Err(Error::BadRequest(format!("a link can stay open from 1 to {MAX_DAYS} days")));
    }
    Ok(Utc::now() + Duration::days(days.into()))
}

pub async fn create(db: &impl ConnectionTrait, actor: &Actor, new: NewShareLink) -> Result<ShareLinkView> {
    let now = Utc::now();
    let expires_at = match (new.expires_at, new.expires_in_days) {
        (Some(at), None) => at,
        (None, Some(days)) => expiry_in_days(days)?,
        _ => return Err(Error::BadRequest("give either expires_at or expires_in_days".into())),
    };
    if expires_at <= now {
        return Err(Error::BadRequest("the expiry date must be in the future".into()));
    }
    if expires_at > now + Duration::days(MAX_DAYS) {
        return Err(Error::BadRequest(format!("a link can stay open for at most {MAX_DAYS} days")));
    }
    actor.require(Permission::Share, None, "share assets (editors and admins can)")?;
    match (new.asset_id, new.collection_id) {
        (Some(id), None) => {
            let asset = crate::catalog::find(db, actor, id).await?;
            if asset.deleted_at.is_some() {
                return Err(Error::Conflict("this asset is in the trash; restore it to share it".into()));
            }
        }
        (None, Some(id)) => {
            let exists = db
                .query_one(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    "SELECT 1 AS one FROM collections WHERE id = $1",
                    [id.into()],
                ))
                .await?;
            exists.ok_or(Error::NotFound("collection"))?;
        }
        _ => return Err(Error::BadRequest("a link shares either one asset or one collection".into())),
    }
    let password = new.password.filter(|p| !p.is_empty());
    let password_hash = match &password {
        Some(p) if p.chars().count() < MIN_PASSWORD_CHARS => {
            return Err(Error::BadRequest(format!("a link's password needs at least {MIN_PASSWORD_CHARS} characters")));
        }
        Some(p) => Some(passwords::hash(p)?),
        None => None,
    };
    let link = share_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        token: Set(secrets::new_secret("")),
        asset_id: Set(new.asset_id),
        collection_id: Set(new.collection_id),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        password_hash: Set(password_hash),
        allow_download: Set(new.allow_download),
        revoked_at: Set(None),
        opens: Set(0),
        last_opened_at: Set(None),
    }
    .insert(db)
    .await?;
    let target = link.asset_id.map(Target::asset).or(link.collection_id.map(Target::collection));
    let details = serde_json::json!({ "share_link": link.id, "collection": link.collection_id, "expires_at": link.expires_at, "password": link.password_hash.is_some(), "download": link.allow_download });
    audit::record(db, actor, "share.create", target, details).await?;
    get(db, link.id).await
}

/// Closes a link for good (visitors get 410). Only its maker may, or an admin.
pub async fn revoke(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<ShareLinkView> {
    let link = share_link::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("share link"))?;
    actor.require(
        Permission::ManageShareLinks,
        link.created_by,
        "turn off a link someone else made (ask them or an administrator)",
    )?;
    if link.revoked_at.is_none() {
        let mut active: share_link::ActiveModel = link.clone().into();
        active.revoked_at = Set(Some(Utc::now()));
        active.update(db).await?;
        let target = link.asset_id.map(Target::asset).or(link.collection_id.map(Target::collection));
        audit::record(db, actor, "share.revoke", target, serde_json::json!({ "share_link": id })).await?;
    }
    get(db, id).await
}
