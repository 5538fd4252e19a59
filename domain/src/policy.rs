//! Who may do what, and to whose things. One table, used by the domain operations (through the
//! acting `audit::Actor`), by the server's access check, and by the UI (compiled to WASM) to hide
//! what a person may not do — hiding is a courtesy, the checks are the rule.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Global roles, from least to most powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
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

    fn index(self) -> usize {
        self as usize
    }
}

/// Everything the checks can be asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub enum Permission {
    /// Browse, search, preview and download assets.
    Browse,
    Upload,
    /// Titles, descriptions and tags of assets; making collections and putting assets in them.
    EditMetadata,
    /// Make share links.
    Share,
    /// Upload a new file as the next version of an asset.
    ReplaceFile,
    /// Move assets to the trash, see them there, and restore them.
    Trash,
    /// Delete a collection (its assets stay).
    DeleteCollection,
    /// List share links and turn them off.
    ManageShareLinks,
    /// Empty the trash: delete assets for good.
    EmptyTrash,
    ManageUsers,
    ManageSettings,
    ViewDashboard,
    ManageQueues,
    ViewAuditLog,
    /// One's own API tokens and sessions; every signed-in person has it.
    ManageOwnCredentials,
}

impl Permission {
    pub const ALL: [Permission; 15] = [
        Permission::Browse,
        Permission::Upload,
        Permission::EditMetadata,
        Permission::Share,
        Permission::ReplaceFile,
        Permission::Trash,
        Permission::DeleteCollection,
        Permission::ManageShareLinks,
        Permission::EmptyTrash,
        Permission::ManageUsers,
        Permission::ManageSettings,
        Permission::ViewDashboard,
        Permission::ManageQueues,
        Permission::ViewAuditLog,
        Permission::ManageOwnCredentials,
    ];
}

/// Whose things a permission reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub enum Reach {
    /// What the person made: assets they uploaded, collections and links they created.
    Own,
    Any,
}

const NO: Option<Reach> = None;
const OWN: Option<Reach> = Some(Reach::Own);
const ANY: Option<Reach> = Some(Reach::Any);

/// The policy: for each permission, how far it reaches for a viewer, an editor and an admin.
/// Editors describe, tag and collect anyone's assets, but replace files, trash and restore,
/// delete collections, and list or turn off share links only for what they made.
pub fn table(permission: Permission) -> [Option<Reach>; 3] {
    use Permission::*;
    //                                                                         viewer editor admin
    match permission {
        Browse | ManageOwnCredentials => [ANY, ANY, ANY],
        Upload | EditMetadata | Share => [NO, ANY, ANY],
        ReplaceFile | Trash | DeleteCollection | ManageShareLinks => [NO, OWN, ANY],
        EmptyTrash | ManageUsers | ManageSettings | ViewDashboard | ManageQueues | ViewAuditLog => [NO, NO, ANY],
    }
}

pub fn reach(role: Role, permission: Permission) -> Option<Reach> {
    table(permission)[role.index()]
}

/// Whether `role` may do `permission` at all (to something, if only their own).
pub fn allows(role: Role, permission: Permission) -> bool {
    reach(role, permission).is_some()
}

/// Whether `person` with `role` may do `permission` to a thing `owner` made.
pub fn allows_on(role: Role, person: Uuid, permission: Permission, owner: Option<Uuid>) -> bool {
    match reach(role, permission) {
        Some(Reach::Any) => true,
        Some(Reach::Own) => owner == Some(person),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_nest_viewer_editor_admin() {
        for permission in Permission::ALL {
            let [viewer, editor, admin] = table(permission);
            assert!(viewer.is_none() || editor.is_some(), "{permission:?}: an editor may what a viewer may");
            assert!(editor.is_none() || admin == Some(Reach::Any), "{permission:?}: an admin may everything");
        }
        assert!(allows(Role::Viewer, Permission::Browse));
        assert!(!allows(Role::Viewer, Permission::Upload));
        assert!(!allows(Role::Viewer, Permission::Trash), "viewers never see the trash");
        assert!(allows(Role::Editor, Permission::Upload));
        assert!(!allows(Role::Editor, Permission::ManageUsers));
        assert!(allows(Role::Admin, Permission::ManageUsers));
        assert_eq!(Role::parse(" Editor "), Some(Role::Editor));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn editors_reach_only_what_they_made_for_files_trash_collections_and_links() {
        let (me, someone) = (Uuid::from_u128(1), Uuid::from_u128(2));
        for permission in
            [Permission::ReplaceFile, Permission::Trash, Permission::DeleteCollection, Permission::ManageShareLinks]
        {
            assert!(allows_on(Role::Editor, me, permission, Some(me)), "{permission:?}");
            assert!(!allows_on(Role::Editor, me, permission, Some(someone)), "{permission:?}");
            assert!(!allows_on(Role::Editor, me, permission, None), "{permission:?}: nobody's is not theirs");
            assert!(allows_on(Role::Admin, me, permission, Some(someone)), "{permission:?}");
        }
        assert!(allows_on(Role::Editor, me, Permission::EditMetadata, Some(someone)));
    }
}
