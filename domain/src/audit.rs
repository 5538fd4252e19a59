//! The audit log: who did what to which asset, user or setting, when, and from where.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, Order, QueryFilter,
    QuerySelect, Set, Statement,
};
use uuid::Uuid;

use crate::{
    dto::{AuditEntry, AuditFilter, Page, PageRequest},
    entities::{api_token, asset, audit_event, user},
    error::{Error, Result},
    paging,
    policy::{self, Permission, Reach, Role},
};

/// Who acts: a signed-in person, or the system itself (start-up, CLI), and from which address.
/// Operations ask it what it may do to a thing (`may`), so a rule about whose things one may
/// touch is checked where the thing is found, for every surface that calls the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub label: String,
    pub ip: Option<String>,
    /// The person's role; the system acts as an admin, someone anonymous has none.
    pub role: Option<Role>,
    /// The workspace the actor works in (`None`: the installation — signing in, the command line).
    pub workspace: Option<Uuid>,
}

impl Actor {
    pub fn user(user: &user::Model, ip: Option<String>) -> Self {
        Actor { user_id: Some(user.id), label: user.email.clone(), ip, role: Some(user.role), workspace: None }
    }

    pub fn anonymous(ip: Option<String>) -> Self {
        Actor { user_id: None, label: "anonymous".into(), ip, role: None, workspace: None }
    }

    pub fn system(what: &str) -> Self {
        Actor { user_id: None, label: format!("system ({what})"), ip: None, role: Some(Role::Admin), workspace: None }
    }

    /// The same actor, working in `workspace`.
    pub fn in_workspace(self, workspace: Uuid) -> Self {
        Actor { workspace: Some(workspace), ..self }
    }

    /// How far `permission` reaches for this actor (None: not at all).
    pub fn reach(&self, permission: Permission) -> Option<Reach> {
        self.role.and_then(|role| policy::reach(role, permission))
    }

    /// Whether the actor may do `permission` to a thing `owner` made.
    pub fn may(&self, permission: Permission, owner: Option<Uuid>) -> bool {
        match self.reach(permission) {
            Some(Reach::Any) => true,
            Some(Reach::Own) => self.user_id.is_some() && owner == self.user_id,
            None => false,
        }
    }

    /// `Ok` when the actor may do `permission` to a thing `owner` made; otherwise `Forbidden`
    /// finishing "you are not allowed to …" with `what`.
    pub fn require(&self, permission: Permission, owner: Option<Uuid>, what: &str) -> Result<()> {
        if self.may(permission, owner) {
            Ok(())
        } else {
            Err(Error::Forbidden(what.to_owned()))
        }
    }
}

/// What an action was done to.
#[derive(Clone, Debug)]
pub struct Target {
    pub kind: &'static str,
    pub id: String,
}

impl Target {
    pub fn asset(id: Uuid) -> Self {
        Target { kind: "asset", id: id.to_string() }
    }
    pub fn user(id: Uuid) -> Self {
        Target { kind: "user", id: id.to_string() }
    }
    pub fn collection(id: Uuid) -> Self {
        Target { kind: "collection", id: id.to_string() }
    }
    pub fn token(id: Uuid) -> Self {
        Target { kind: "api_token", id: id.to_string() }
    }
    pub fn session(id: Uuid) -> Self {
        Target { kind: "session", id: id.to_string() }
    }
}

pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: Option<Target>,
    details: serde_json::Value,
) -> Result<()> {
    let (target_type, target_id) = target.map(|t| (Some(t.kind.to_owned()), Some(t.id))).unwrap_or_default();
    audit_event::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor_id: Set(actor.user_id),
        actor_label: Set(actor.label.clone()),
        action: Set(action.to_owned()),
        target_type: Set(target_type),
        target_id: Set(target_id),
        ip: Set(actor.ip.clone()),
        details: Set(details),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Newest first, filtered.
pub async fn list(db: &impl ConnectionTrait, filter: AuditFilter) -> Result<Page<AuditEntry>> {
    let request = PageRequest { after: filter.after, limit: filter.limit };
    let limit = paging::limit(&request);
    let after = paging::after::<DateTime<Utc>, i64>(&request)?;
    let mut condition = Condition::all();
    if let Some(actor) = filter.actor.filter(|s| !s.trim().is_empty()) {
        condition = condition.add(audit_event::Column::ActorLabel.contains(actor.trim()));
    }
    if let Some(action) = filter.action.filter(|s| !s.trim().is_empty()) {
        condition = condition.add(audit_event::Column::Action.starts_with(action.trim()));
    }
    if let Some(kind) = filter.target_type.filter(|s| !s.trim().is_empty()) {
        condition = condition.add(audit_event::Column::TargetType.eq(kind.trim()));
    }
    if let Some(id) = filter.target_id.filter(|s| !s.trim().is_empty()) {
        condition = condition.add(audit_event::Column::TargetId.eq(id.trim()));
    }
    if let Some(from) = filter.from {
        condition = condition.add(audit_event::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(audit_event::Column::At.lt(to));
    }
    let query = audit_event::Entity::find().filter(condition);
    let query = paging::keyset(query, audit_event::Column::At, audit_event::Column::Id, Order::Desc, after, limit);
    let page = paging::page(query.all(db).await?, limit, |e| paging::cursor(&e.at, &e.id));
    let names = target_names(db, &page.items).await?;
    let items = page
        .items
        .into_iter()
        .map(|e| AuditEntry {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor: e.actor_label,
            action: e.action,
            target_name: e
                .target_type
                .as_ref()
                .zip(e.target_id.as_ref())
                .and_then(|(kind, id)| names.get(&(kind.clone(), id.clone())).cloned()),
            target_type: e.target_type,
            target_id: e.target_id,
            ip: e.ip,
            details: e.details,
        })
        .collect();
    Ok(Page { items, next: page.next })
}

/// What the entries' targets are called now, one query per kind of target on the page.
async fn target_names(
    db: &impl ConnectionTrait,
    entries: &[audit_event::Model],
) -> Result<HashMap<(String, String), String>> {
    let ids_of = |kind: &str| -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = entries
            .iter()
            .filter(|e| e.target_type.as_deref() == Some(kind))
            .filter_map(|e| e.target_id.as_deref()?.parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let mut names = HashMap::new();
    let mut put = |kind: &str, id: Uuid, name: String| {
        names.insert((kind.to_owned(), id.to_string()), name);
    };
    let assets = ids_of("asset");
    if !assets.is_empty() {
        let found = asset::Entity::find()
            .select_only()
            .columns([asset::Column::Id, asset::Column::Title, asset::Column::OriginalFilename])
            .filter(asset::Column::Id.is_in(assets))
            .into_tuple::<(Uuid, String, String)>()
            .all(db)
            .await?;
        for (id, title, filename) in found {
            put("asset", id, if title.trim().is_empty() { filename } else { title });
        }
    }
    for (id, email) in crate::accounts::users::emails_of(db, ids_of("user")).await? {
        put("user", id, email);
    }
    let tokens = ids_of("api_token");
    if !tokens.is_empty() {
        let found = api_token::Entity::find()
            .select_only()
            .columns([api_token::Column::Id, api_token::Column::Name])
            .filter(api_token::Column::Id.is_in(tokens))
            .into_tuple::<(Uuid, String)>()
            .all(db)
            .await?;
        for (id, name) in found {
            put("api_token", id, name);
        }
    }
    let collections = ids_of("collection");
    if !collections.is_empty() {
        let sql = "SELECT id, name FROM collections WHERE id = ANY($1)";
        let rows = db
            .query_all(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, vec![collections.into()]))
            .await?;
        for row in rows {
            put("collection", row.try_get("", "id")?, row.try_get("", "name")?);
        }
    }
    Ok(names)
}
