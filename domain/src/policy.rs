//! Who may do what. One table, used by the server's access check and by the UI (compiled to WASM)
//! to hide what a person may not do — hiding is a courtesy, the server check is the rule.

use serde::{Deserialize, Serialize};

/// Global roles, from least to most powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "server", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[cfg_attr(feature = "server", sea_orm(string_value = "viewer"))]
    Viewer,
    #[cfg_attr(feature = "server", sea_orm(string_value = "editor"))]
    Editor,
    #[cfg_attr(feature = "server", sea_orm(string_value = "admin"))]
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Everything the access check can be asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Browse, search, preview and download assets.
    Browse,
    Upload,
    EditMetadata,
    Share,
    /// Move one's own uploads to the trash.
    TrashOwn,
    /// Delete any asset and empty the trash.
    DeleteAny,
    ManageUsers,
    ManageSettings,
    ViewDashboard,
    ManageQueues,
    ViewAuditLog,
    /// One's own API tokens and sessions; every signed-in person has it.
    ManageOwnCredentials,
}

/// The minimum role for each permission. Roles are global for now; per-collection rights or
/// tenants would extend this function, not the handlers.
pub fn minimum_role(permission: Permission) -> Role {
    use Permission::*;
    match permission {
        Browse | ManageOwnCredentials => Role::Viewer,
        Upload | EditMetadata | Share | TrashOwn => Role::Editor,
        DeleteAny | ManageUsers | ManageSettings | ViewDashboard | ManageQueues | ViewAuditLog => Role::Admin,
    }
}

pub fn allows(role: Role, permission: Permission) -> bool {
    role >= minimum_role(permission)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_nest_viewer_editor_admin() {
        assert!(allows(Role::Viewer, Permission::Browse));
        assert!(!allows(Role::Viewer, Permission::Upload));
        assert!(allows(Role::Editor, Permission::Upload));
        assert!(!allows(Role::Editor, Permission::ManageUsers));
        assert!(allows(Role::Admin, Permission::ManageUsers));
        assert_eq!(Role::parse(" Editor "), Some(Role::Editor));
        assert_eq!(Role::parse("root"), None);
    }
}
