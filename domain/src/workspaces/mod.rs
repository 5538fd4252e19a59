//! Workspaces: tenants of one installation, each with its own assets, collections, links, usage
//! and audit trail. Who belongs to which, with what role (memberships), and the workspace a
//! request works in. Rows are kept apart twice: operations run with the workspace set
//! (`db::WorkspaceDb`, `operations::Cx::db`) and Postgres row-level security filters by it.

use chrono::Utc;
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Set, Statement,
};
use uuid::Uuid;

use crate::{
    audit::{self, Actor},
    entities::{membership, workspace},
    error::{Error, Result},
    policy::Role,
};

pub mod quota;

pub const DEFAULT_SLUG: &str = "default";

/// A person's place in a workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    pub workspace: workspace::Model,
    pub role: Role,
}

pub async fn by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<workspace::Model>> {
    Ok(workspace::Entity::find().filter(workspace::Column::Slug.eq(slug)).one(db).await?)
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<workspace::Model> {
    workspace::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("workspace"))
}

/// The workspace an installation from before workspaces became.
pub async fn default_workspace(db: &impl ConnectionTrait) -> Result<workspace::Model> {
    by_slug(db, DEFAULT_SLUG).await?.ok_or(Error::NotFound("workspace"))
}

/// The workspace that holds asset `id`, if it exists, found by the system function
/// `dam_workspaces_of_assets` (for callers that work for every workspace: the worker, the
/// command line).
pub async fn of_asset(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Uuid>> {
    let sql = "SELECT workspace_id FROM dam_workspaces_of_assets($1)";
    let row = db.query_one(Statement::from_sql_and_values(DbBackend::Postgres, sql, [vec![id].into()])).await?;
    Ok(row.map(|r| r.try_get::<Uuid>("", "workspace_id")).transpose()?)
}

/// Every workspace, by name (operators).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<workspace::Model>> {
    Ok(workspace::Entity::find().order_by_asc(workspace::Column::Name).all(db).await?)
}

/// `user`'s membership of `workspace`, if any. Operators, who run every workspace, are its admins.
pub async fn membership(
    db: &impl ConnectionTrait,
    user: &crate::entities::user::Model,
    workspace: workspace::Model,
) -> Result<Option<Membership>> {
    let row = membership::Entity::find_by_id((workspace.id, user.id)).one(db).await?;
    Ok(match row {
        Some(m) => Some(Membership { workspace, role: m.role }),
        None if user.operator => Some(Membership { workspace, role: Role::Admin }),
        None => None,
    })
}

/// The workspaces `user` belongs to, oldest membership first.
pub async fn memberships_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Membership>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.workspace_id).collect();
    let mut workspaces = workspace::Entity::find().filter(workspace::Column::Id.is_in(ids)).all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let at = workspaces.iter().position(|w| w.id == m.workspace_id)?;
            Some(Membership { workspace: workspaces.swap_remove(at), role: m.role })
        })
        .collect())
}

/// Makes `user_id` a member of `workspace_id` with `role` (or changes their role there).
pub async fn set_member(db: &impl ConnectionTrait, workspace_id: Uuid, user_id: Uuid, role: Role) -> Result<()> {
    let row = membership::ActiveModel {
        workspace_id: Set(workspace_id),
        user_id: Set(user_id),
        role: Set(role),
        created_at: Set(Utc::now()),
    };
    membership::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([membership::Column::WorkspaceId, membership::Column::UserId])
                .update_column(membership::Column::Role)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A new workspace named `name` (its address is made from the name).
pub async fn create(db: &impl ConnectionTrait, actor: &Actor, name: &str) -> Result<workspace::Model> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::BadRequest("a workspace needs a name of 1 to 100 characters".into()));
    }
    let base = slug_of(name);
    let mut slug = base.clone();
    let mut n = 1;
    while by_slug(db, &slug).await?.is_some() {
        n += 1;
        slug = format!("{base}-{n}");
    }
    let created = workspace::ActiveModel {
        id: Set(Uuid::now_v7()),
        slug: Set(slug),
        name: Set(name.to_owned()),
        quota_bytes: Set(None),
        quota_assets: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    let details = serde_json::json!({ "workspace": created.id, "name": created.name, "slug": created.slug });
    audit::record(db, actor, "workspace.create", None, details).await?;
    Ok(created)
}

/// Lower-case letters, digits and dashes from a name ("Acme Brand (EU)" → "acme-brand-eu").
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(48).collect();
    if slug.is_empty() {
        "workspace".into()
    } else {
        slug.trim_end_matches('-').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        assert_eq!(slug_of("Acme Brand (EU)"), "acme-brand-eu");
        assert_eq!(slug_of("  Ünïcode   only "), "n-code-only");
        assert_eq!(slug_of("日本"), "workspace");
        assert_eq!(slug_of("--x--"), "x");
    }
}
