//! Creating, changing and finding users, and the first admin.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QuerySelect, Set, Statement, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{passwords, secrets, sessions, tokens, user_view};
use crate::{
    audit::{self, Actor, Target},
    dto::{CreatedUser, NewUser, Page, PageRequest, PasswordChanged, UserUpdate},
    entities::user,
    error::{Error, Result},
    paging,
    policy::Role,
    workspaces,
};

/// Lower-cased and checked; e-mails are the sign-in names.
pub fn normalize_email(raw: &str) -> Result<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if valid {
        Ok(email)
    } else {
        Err(Error::BadRequest(format!("“{}” is not an e-mail address", raw.trim())))
    }
}

/// The e-mail of each of `ids` that still exists, in one query (lists that name who did something).
pub async fn emails_of(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Email])
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>> {
    let Ok(email) = normalize_email(email) else { return Ok(None) };
    Ok(user::Entity::find().filter(Expr::cust_with_values("lower(email) = $1", [email])).one(db).await?)
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<user::Model> {
    user::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("user"))
}

/// Everyone, by e-mail address: the members of `workspace`, or (the command line) everyone.
pub async fn list(
    db: &impl ConnectionTrait,
    workspace: Option<Uuid>,
    request: PageRequest,
) -> Result<Page<user::Model>> {
    let limit = paging::limit(&request);
    let after = paging::after::<String, Uuid>(&request)?;
    let mut people = user::Entity::find();
    if let Some(workspace) = workspace {
        people = people.filter(user::Column::Id.in_subquery(members_of(workspace)));
    }
    let query = paging::keyset(people, user::Column::Email, user::Column::Id, Order::Asc, after, limit);
    Ok(paging::page(query.all(db).await?, limit, |u| paging::cursor(&u.email, &u.id)))
}

fn members_of(workspace: Uuid) -> sea_orm::sea_query::SelectStatement {
    use crate::entities::membership;
    use sea_orm::sea_query::Query;
    Query::select()
        .column(membership::Column::UserId)
        .from(membership::Entity)
        .and_where(membership::Column::WorkspaceId.eq(workspace))
        .to_owned()
}

/// Creates a user with a password (given, or generated and returned once).
pub async fn create(db: &impl ConnectionTrait, actor: &Actor, new: NewUser) -> Result<CreatedUser> {
    let email = normalize_email(&new.email)?;
    if find_by_email(db, &email).await?.is_some() {
        return Err(Error::Conflict(format!("a user with the e-mail {email} already exists")));
    }
    let (password, generated) = match new.password.filter(|p| !p.is_empty()) {
        Some(p) => (p, None),
        None => {
            let p = secrets::new_password();
            (p.clone(), Some(p))
        }
    };
    passwords::validate(&password)?;
    let display_name = match new.display_name.trim() {
        "" => email.split('@').next().unwrap_or_default().to_owned(),
        name => name.to_owned(),
    };
    let now = Utc::now();
    let created = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        display_name: Set(display_name),
        role: Set(new.role),
        password_hash: Set(Some(passwords::hash(&password)?)),
        disabled: Set(false),
        created_at: Set(now),
        oidc_subject: Set(None),
        last_login_at: Set(None),
        updated_at: Set(now),
        operator: Set(false),
    }
    .insert(db)
    .await?;
    // They join the workspace they were added from (the command line's and first start's: Default).
    let workspace = membership_workspace(db, actor).await?;
    workspaces::set_member(db, workspace, created.id, created.role).await?;
    audit::record(
        db,
        actor,
        "user.create",
        Some(Target::user(created.id)),
        json!({ "email": created.email, "role": created.role }),
    )
    .await?;
    Ok(CreatedUser { user: user_view(&created), generated_password: generated })
}

/// An admin's change to a user. Refuses to leave the installation without an enabled admin.
pub async fn update(db: &impl ConnectionTrait, actor: &Actor, id: Uuid, change: UserUpdate) -> Result<user::Model> {
    let current = get(db, id).await?;
    // A workspace's admins manage its members; anyone else is not there for them.
    if let Some(workspace) = actor.workspace {
        if crate::entities::membership::Entity::find_by_id((workspace, id)).one(db).await?.is_none() {
            return Err(Error::NotFound("user"));
        }
    }
    let loses_admin = current.role == Role::Admin
        && !current.disabled
        && (change.role.is_some_and(|r| r != Role::Admin) || change.disabled == Some(true));
    if loses_admin && other_enabled_admins(db, id).await? == 0 {
        return Err(Error::Conflict("this is the last enabled admin; make someone else admin first".into()));
    }
    let grants_admin = change.role == Some(Role::Admin) && current.role != Role::Admin;
    if grants_admin || change.password.is_some() {
        confirm_acting_admin(db, actor, change.confirm_password.as_deref()).await?;
    }
    let mut details = serde_json::Map::new();
    let mut row: user::ActiveModel = current.clone().into();
    if let Some(role) = change.role.filter(|r| *r != current.role) {
        details.insert("role".into(), json!({ "from": current.role, "to": role }));
        row.role = Set(role);
        workspaces::set_member(db, membership_workspace(db, actor).await?, id, role).await?;
    }
    if let Some(disabled) = change.disabled.filter(|d| *d != current.disabled) {
        details.insert("disabled".into(), json!(disabled));
        row.disabled = Set(disabled);
    }
    if let Some(name) =
        change.display_name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty() && *n != current.display_name)
    {
        details.insert("display_name".into(), json!(name));
        row.display_name = Set(name);
    }
    if let Some(password) = change.password {
        passwords::validate(&password)?;
        details.insert("password_changed".into(), json!(true));
        row.password_hash = Set(Some(passwords::hash(&password)?));
    }
    if details.is_empty() {
        return Ok(current);
    }
    row.updated_at = Set(Utc::now());
    let updated = row.update(db).await?;
    // A disabled account or a reset password ends every open session and API token of that
    // person: whoever knew the old password may have made either.
    if change.disabled == Some(true) || details.contains_key("password_changed") {
        let sessions_ended = sessions::revoke_all(db, id).await?;
        let tokens_revoked = tokens::revoke_all(db, id).await?;
        details.insert("sessions_ended".into(), json!(sessions_ended));
        details.insert("tokens_revoked".into(), json!(tokens_revoked));
    }
    audit::record(db, actor, "user.update", Some(Target::user(id)), serde_json::Value::Object(details)).await?;
    Ok(updated)
}

/// A person changing their own password: needs the current one (guesses count against the
/// sign-in limits); every other session ends and every API token is revoked.
pub async fn change_own_password(
    services: &crate::Services,
    actor: &Actor,
    user: &user::Model,
    current: &str,
    new: &str,
    keep_session: Option<Uuid>,
) -> Result<PasswordChanged> {
    let db = &services.db;
    let ip = actor.ip.as_deref().and_then(|ip| ip.parse().ok());
    services.login_limiter.check(ip, &user.email).await?;
    if !user.password_hash.as_deref().is_some_and(|phc| passwords::verify(current, phc)) {
        return Err(Error::Forbidden("change the password: the current password is wrong".into()));
    }
    services.login_limiter.succeeded(ip, &user.email).await;
    passwords::validate(new)?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(passwords::hash(new)?))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user.id))
        .exec(db)
        .await?;
    let changed = PasswordChanged {
        sessions_ended: sessions::revoke_all_except(db, user.id, keep_session).await?,
        tokens_revoked: tokens::revoke_all(db, user.id).await?,
    };
    audit::record(db, actor, "user.password", Some(Target::user(user.id)), json!(changed)).await?;
    Ok(changed)
}

/// The person acting proves it is them, with their own password. The command line (a system
/// actor, run by someone with the server's shell) needs no proof.
async fn confirm_acting_admin(db: &impl ConnectionTrait, actor: &Actor, password: Option<&str>) -> Result<()> {
    let Some(acting) = actor.user_id else { return Ok(()) };
    let acting = get(db, acting).await?;
    let Some(phc) = acting.password_hash.as_deref() else {
        return Err(Error::Forbidden(
            "do this from an account without a password (it signs in through single sign-on only); use \
             `dam user role` or `dam user passwd` on the server"
                .into(),
        ));
    };
    match password.filter(|p| !p.is_empty()) {
        None => Err(Error::Forbidden(
            "make someone an admin or set their password without confirming with your own password".into(),
        )),
        Some(given) if passwords::verify(given, phc) => Ok(()),
        Some(_) => Err(Error::Forbidden("do this: the password you confirmed with is not yours".into())),
    }
}

async fn other_enabled_admins(db: &impl ConnectionTrait, except: Uuid) -> Result<u64> {
    Ok(user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::Disabled.eq(false))
        .filter(user::Column::Id.ne(except))
        .count(db)
        .await?)
}

/// On the very first start (no users at all) creates an admin, with the given password or a
/// generated one that is returned so it can be shown once. Safe when several servers start at once.
pub async fn bootstrap_admin(
    db: &(impl ConnectionTrait + TransactionTrait),
    email: &str,
    password: Option<&str>,
) -> Result<Option<CreatedUser>> {
    let txn = db.begin().await?;
    txn.execute(Statement::from_string(db.get_database_backend(), "SELECT pg_advisory_xact_lock(218103809)")).await?;
    if user::Entity::find().count(&txn).await? > 0 {
        return Ok(None);
    }
    let new = NewUser {
        email: email.to_owned(),
        display_name: "Administrator".into(),
        role: Role::Admin,
        password: password.map(str::to_owned),
    };
    let created = create(&txn, &Actor::system("first start"), new).await?;
    // The first person runs the installation.
    set_operator(&txn, &Actor::system("first start"), created.user.id, true).await?;
    txn.commit().await?;
    Ok(Some(created))
}

/// The workspace a role given by `actor` applies to: theirs, or Default for the installation's
/// own actors (command line, first start, single sign-on).
async fn membership_workspace(db: &impl ConnectionTrait, actor: &Actor) -> Result<Uuid> {
    match actor.workspace {
        Some(id) => Ok(id),
        None => Ok(workspaces::default_workspace(db).await?.id),
    }
}

/// Makes `id` an operator, or not (the command line's `dam user operator`).
pub async fn set_operator(db: &impl ConnectionTrait, actor: &Actor, id: Uuid, operator: bool) -> Result<()> {
    let found = user::Entity::update_many()
        .col_expr(user::Column::Operator, Expr::value(operator))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    if found.rows_affected == 0 {
        return Err(Error::NotFound("user"));
    }
    audit::record(db, actor, "user.update", Some(Target::user(id)), json!({ "operator": operator })).await?;
    Ok(())
}

/// Who the identity provider says signed in.
#[derive(Clone, Debug)]
pub struct SsoIdentity<'a> {
    /// The provider's stable id for the person (`sub`).
    pub subject: &'a str,
    pub email: &'a str,
    /// Whether the provider checked that the person owns `email` (`email_verified`).
    pub email_verified: bool,
    pub name: Option<&'a str>,
    /// The role its claim maps to (or the configured default).
    pub role: Role,
}

/// Signs in a person coming from single sign-on: matched by the provider's subject, or — the
/// first time, and only with an e-mail the provider verified — linked to the account with that
/// e-mail, unless that account is bound to another subject already. The role follows the
/// provider's claim at every sign-in, except that it never removes the last enabled admin.
pub async fn upsert_sso_user(db: &impl ConnectionTrait, identity: SsoIdentity<'_>) -> Result<user::Model> {
    let user = upsert_sso_person(db, identity).await?;
    // The provider's role claim is the person's role in the Default workspace.
    workspaces::set_member(db, workspaces::default_workspace(db).await?.id, user.id, user.role).await?;
    Ok(user)
}

async fn upsert_sso_person(db: &impl ConnectionTrait, identity: SsoIdentity<'_>) -> Result<user::Model> {
    let SsoIdentity { subject, email, email_verified, name, role } = identity;
    let email = normalize_email(email)?;
    if !email_verified {
        return Err(Error::Forbidden(format!(
            "sign in with an e-mail address the identity provider has not verified ({email}); verify it there first"
        )));
    }
    let actor = Actor::system("single sign-on");
    let existing = match user::Entity::find().filter(user::Column::OidcSubject.eq(subject)).one(db).await? {
        Some(u) => Some(u),
        None => match find_by_email(db, &email).await? {
            Some(u) if u.oidc_subject.as_deref().is_some_and(|linked| linked != subject) => {
                audit::record(
                    db,
                    &actor,
                    "session.login_failed",
                    Some(Target::user(u.id)),
                    json!({ "method": "sso", "reason": "e-mail linked to another identity", "email": email }),
                )
                .await?;
                return Err(Error::Forbidden(format!(
                    "sign in as {email}: that account is linked to another single sign-on identity (ask an \
                     administrator)"
                )));
            }
            other => other,
        },
    };
    let now = Utc::now();
    match existing {
        Some(u) if u.disabled => Err(Error::AccountDisabled),
        Some(u) => {
            let keeps_last_admin =
                u.role == Role::Admin && role != Role::Admin && other_enabled_admins(db, u.id).await? == 0;
            let role = if keeps_last_admin { Role::Admin } else { role };
            let mut row: user::ActiveModel = u.clone().into();
            row.oidc_subject = Set(Some(subject.to_owned()));
            row.role = Set(role);
            row.updated_at = Set(now);
            let updated = row.update(db).await?;
            if u.oidc_subject.is_none() {
                let details = json!({ "linked_subject": subject, "source": "sso" });
                audit::record(db, &actor, "user.update", Some(Target::user(u.id)), details).await?;
            }
            if keeps_last_admin {
                tracing::warn!(user = %u.email, "single sign-on would demote the last admin; kept as admin");
                let details = json!({ "role_claim": identity.role, "kept": "admin", "reason": "last enabled admin" });
                audit::record(db, &actor, "user.update", Some(Target::user(u.id)), details).await?;
            } else if u.role != role {
                let details = json!({ "role": { "from": u.role, "to": role }, "source": "sso" });
                audit::record(db, &actor, "user.update", Some(Target::user(u.id)), details).await?;
            }
            Ok(updated)
        }
        None => {
            let created = user::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(email.clone()),
                display_name: Set(name.unwrap_or(&email).to_owned()),
                role: Set(role),
                password_hash: Set(None),
                disabled: Set(false),
                created_at: Set(now),
                oidc_subject: Set(Some(subject.to_owned())),
                last_login_at: Set(None),
                updated_at: Set(now),
                operator: Set(false),
            }
            .insert(db)
            .await?;
            audit::record(
                db,
                &actor,
                "user.create",
                Some(Target::user(created.id)),
                json!({ "email": email, "role": role, "source": "sso" }),
            )
            .await?;
            Ok(created)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_email;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(normalize_email("  Ann@Example.COM ").unwrap(), "ann@example.com");
        for bad in ["", "ann", "@example.com", "ann@", "a nn@example.com"] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
    }
}
