//! Administration (admins only): people, the audit log, the dashboard and the queues.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Nothing, EXAMPLE_ID};
#[cfg(feature = "server")]
use crate::{
    accounts::{user_view, users},
    analytics::overview,
    audit,
    pipeline::{backlog, state},
};
use crate::{
    dto::{
        AuditEntry, AuditFilter, CreatedUser, NewUser, Overview, OverviewRange, Page, PageRequest, QueueReport,
        UserUpdate, UserView,
    },
    policy::{Permission, Role},
};

/// What to change about a person; what is left out stays.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct UserChange {
    pub id: Uuid,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// A new password for them (their sessions and tokens end).
    #[serde(default)]
    pub password: Option<String>,
    /// The acting admin's own password: needed to make someone an admin or to set someone's
    /// password, so that a request forged in an admin's browser cannot do either.
    #[serde(default)]
    pub confirm_password: Option<String>,
}

impl From<UserChange> for UserUpdate {
    fn from(c: UserChange) -> Self {
        UserUpdate {
            role: c.role,
            disabled: c.disabled,
            display_name: c.display_name,
            password: c.password,
            confirm_password: c.confirm_password,
        }
    }
}

/// Which assets to process again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReprocessSelection {
    /// Every asset (after a change to processing).
    All,
    /// Those that failed (after their cause is fixed).
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Reprocess {
    pub selection: ReprocessSelection,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Queued {
    pub queued: u64,
}

operation! {
    ListUsers(PageRequest) -> Page<UserView> {
        id: "list_users",
        summary: "Everyone with an account",
        permission: Some(Permission::ManageUsers),
        owned: false,
        success: Ok,
        failures: [],
        example: PageRequest::default(),
        run: |cx, input| {
            let page = users::list(cx.db().await?, cx.caller.workspace(), input).await?;
            Ok(Page { items: page.items.iter().map(user_view).collect(), next: page.next })
        },
    }
}

operation! {
    CreateUser(NewUser) -> CreatedUser {
        id: "create_user",
        summary: "Give someone an account (without a password, one is generated and shown once)",
        permission: Some(Permission::ManageUsers),
        owned: false,
        success: Created,
        failures: [Invalid, Conflict],
        example: NewUser {
            email: "sam@example.com".into(),
            display_name: "Sam".into(),
            role: Role::Editor,
            password: None,
        },
        run: |cx, input| users::create(cx.db().await?, &cx.actor, input).await,
    }
}

operation! {
    UpdateUser(UserChange) -> UserView {
        id: "update_user",
        summary: "Change someone's role, name or password, or disable their account",
        permission: Some(Permission::ManageUsers),
        owned: false,
        success: Ok,
        failures: [Invalid, NotFound, Conflict],
        example: UserChange { id: EXAMPLE_ID, disabled: Some(true), ..Default::default() },
        run: |cx, input| {
            let id = input.id;
            Ok(user_view(&users::update(cx.db().await?, &cx.actor, id, input.into()).await?))
        },
    }
}

operation! {
    ListAudit(AuditFilter) -> Page<AuditEntry> {
        id: "list_audit",
        summary: "The audit log, newest first, filtered by who, what, which and when",
        permission: Some(Permission::ViewAuditLog),
        owned: false,
        success: Ok,
        failures: [Invalid],
        example: AuditFilter { action: Some("user.".into()), limit: Some(50), ..Default::default() },
        run: |cx, input| audit::list(cx.db().await?, input).await,
    }
}

operation! {
    DashboardOverview(OverviewRange) -> Overview {
        id: "dashboard_overview",
        summary: "The dashboard: the library by kind, storage, use per day (30 days unless asked), latest, most downloaded, failures",
        permission: Some(Permission::ViewDashboard),
        owned: false,
        success: Ok,
        failures: [Invalid],
        example: OverviewRange { days: Some(30) },
        run: |cx, input| overview::overview(cx.db().await?, cx.links, &cx.services.usage, input).await,
    }
}

operation! {
    QueueReports(Nothing) -> Vec<QueueReport> {
        id: "queue_reports",
        summary: "Each processing queue: backlog, rates, median job time and live workers",
        permission: Some(Permission::ManageQueues),
        owned: false,
        success: Ok,
        failures: [Unavailable],
        example: Nothing {},
        run: |cx, _input| backlog::report(cx.services).await,
    }
}

operation! {
    ReprocessMany(Reprocess) -> Queued {
        id: "reprocess_many",
        summary: "Process every asset, or every failed one, again (after uploads waiting to be processed)",
        permission: Some(Permission::ManageQueues),
        owned: false,
        success: Accepted,
        failures: [],
        example: Reprocess { selection: ReprocessSelection::Failed },
        run: |cx, input| {
            let selection = match input.selection {
                ReprocessSelection::All => state::Selection::All,
                ReprocessSelection::Failed => state::Selection::Failed,
            };
            Ok(Queued { queued: state::request_many(cx.db().await?, &cx.actor, selection).await? })
        },
    }
}
