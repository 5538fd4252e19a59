//! People, their credentials, and the audit log as the API shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::policy::Role;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// Signs in with a password (as opposed to SSO only).
    pub has_password: bool,
    pub sso: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct NewUser {
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    pub role: Role,
    /// Left empty, a password is generated and returned once.
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CreatedUser {
    pub user: UserView,
    /// Only when the server generated the password: shown once, never stored in clear.
    pub generated_password: Option<String>,
}

/// A partial update of a user by an admin; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct UserUpdate {
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The acting admin's own password: needed to make someone an admin or to set someone's
    /// password, so that a request forged in an admin's browser cannot do either.
    #[serde(default)]
    pub confirm_password: Option<String>,
}

/// What changing one's own password ended, so the person can be told.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct PasswordChanged {
    /// The person's other sessions, signed out.
    pub sessions_ended: u64,
    /// Their API tokens, revoked (scripts need new ones).
    pub tokens_revoked: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SessionView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The browser and system the user agent names, for people ("Chrome on Mac OSX").
    pub device: Option<String>,
    /// The session this request was made with.
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct NewToken {
    pub name: String,
    /// Days until it expires; none for a token that lives until revoked.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CreatedToken {
    pub token: TokenView,
    /// The bearer secret: shown once, stored only as a hash.
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// What the target is called now (an asset's title or file name, a person's e-mail, a
    /// collection's or token's name); none once it no longer exists.
    pub target_name: Option<String>,
    pub ip: Option<String>,
    pub details: serde_json::Value,
}

/// Filters of the audit log; every one is optional and they combine with AND.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AuditFilter {
    /// Part of the actor's e-mail or label.
    pub actor: Option<String>,
    /// An action, or a prefix of one such as `user.`.
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// How many entries at most (1 to 500; 100 when absent).
    pub limit: Option<u64>,
}
