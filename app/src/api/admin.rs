//! Administration: users and the audit log (admins only).

use domain::dto::{AuditFilter, AuditPage, CreatedUser, UserUpdate, UserView};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api/fn", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserView>, ServerFnError> {
    let (services, _) = super::authorize(domain::policy::Permission::ManageUsers).await?;
    let users = domain::accounts::users::list(&services.db).await.map_err(super::fail)?;
    Ok(users.iter().map(domain::accounts::user_view).collect())
}

/// Flat arguments so the web form can post them as they are; an empty password is generated.
#[server(prefix = "/api/fn", endpoint = "create_user")]
pub async fn create_user(
    email: String,
    display_name: String,
    role: String,
    password: String,
) -> Result<CreatedUser, ServerFnError> {
    let (services, access) = super::authorize(domain::policy::Permission::ManageUsers).await?;
    let role = domain::policy::Role::parse(&role)
        .ok_or_else(|| super::fail(domain::Error::BadRequest(format!("unknown role “{role}”"))))?;
    let new = domain::dto::NewUser { email, display_name, role, password: Some(password).filter(|p| !p.is_empty()) };
    domain::accounts::users::create(&services.db, &access.actor(), new).await.map_err(super::fail)
}

#[server(prefix = "/api/fn", endpoint = "update_user")]
pub async fn update_user(id: Uuid, change: UserUpdate) -> Result<UserView, ServerFnError> {
    let (services, access) = super::authorize(domain::policy::Permission::ManageUsers).await?;
    let user = domain::accounts::users::update(&services.db, &access.actor(), id, change).await.map_err(super::fail)?;
    Ok(domain::accounts::user_view(&user))
}

#[server(prefix = "/api/fn", endpoint = "list_audit")]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, ServerFnError> {
    let (services, _) = super::authorize(domain::policy::Permission::ViewAuditLog).await?;
    domain::audit::list(&services.db, filter).await.map_err(super::fail)
}

/// The dashboard's overview: the library by kind, storage, 30 days of use, latest, most
/// downloaded, failures.
#[server(prefix = "/api/fn", endpoint = "dashboard_overview")]
pub async fn dashboard_overview() -> Result<domain::dto::Overview, ServerFnError> {
    let (services, _) = super::authorize(domain::policy::Permission::ViewDashboard).await?;
    domain::analytics::overview::overview(&services.db, &services.usage).await.map_err(super::fail)
}

/// Each processing queue's backlog, rates and live workers.
#[server(prefix = "/api/fn", endpoint = "queue_reports")]
pub async fn queue_reports() -> Result<Vec<domain::dto::QueueReport>, ServerFnError> {
    let (services, _) = super::authorize(domain::policy::Permission::ManageQueues).await?;
    domain::pipeline::backlog::report(&services).await.map_err(super::fail)
}
