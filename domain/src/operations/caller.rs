//! Who is calling an operation (a person through a session or an API token, or nobody) and from
//! where; `require` is the one permission check every surface goes through.

use std::net::IpAddr;

use uuid::Uuid;

use crate::{
    accounts::{sessions, tokens},
    audit::Actor,
    entities::user,
    error::{Error, Result},
    policy::{self, Permission, Role},
    workspaces::Membership,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Session(Uuid),
    Token(Uuid),
}

/// A signed-in person, how they signed in, and the workspace they work in (with their role
/// there): `None` when they belong to none, which leaves them only their own credentials.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: user::Model,
    pub via: Via,
    pub workspace: Option<Membership>,
}

impl Principal {
    /// The role in the current workspace.
    pub fn role(&self) -> Option<Role> {
        self.workspace.as_ref().map(|m| m.role)
    }

    fn allows(&self, permission: Permission) -> bool {
        match permission {
            // One's own sign-ins and tokens need no workspace.
            Permission::ManageOwnCredentials => true,
            // The queues and workers serve every workspace: operators only.
            Permission::ManageQueues => self.user.operator,
            _ => self.role().is_some_and(|role| policy::allows(role, permission)),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Caller {
    pub principal: Option<Principal>,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Caller {
    /// The actor the domain code and the audit log know.
    pub fn actor(&self) -> Actor {
        let ip = self.ip.map(|ip| ip.to_string());
        match &self.principal {
            Some(p) => Actor { role: p.role(), workspace: self.workspace(), ..Actor::user(&p.user, ip) },
            None => Actor::anonymous(ip),
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.principal.as_ref().is_some_and(|p| p.allows(permission))
    }

    /// The signed-in person, if they may do `permission`: `Unauthenticated` for nobody,
    /// `Forbidden` for too little.
    pub fn require(&self, permission: Permission) -> Result<&Principal> {
        let principal = self.principal.as_ref().ok_or(Error::Unauthenticated)?;
        if principal.allows(permission) {
            Ok(principal)
        } else {
            Err(Error::Forbidden(describe(permission).into()))
        }
    }

    /// Whether the session or token this caller came with still signs its person in (for
    /// requests that outlive a revocation, like the event stream). Anonymous callers stay valid.
    pub async fn still_valid(&self, db: &sea_orm::DatabaseConnection) -> Result<bool> {
        match self.principal.as_ref().map(|p| p.via) {
            None => Ok(true),
            Some(Via::Session(id)) => sessions::is_active(db, id).await,
            Some(Via::Token(id)) => tokens::is_active(db, id).await,
        }
    }

    /// The workspace the caller works in, if any.
    pub fn workspace(&self) -> Option<Uuid> {
        self.principal.as_ref()?.workspace.as_ref().map(|m| m.workspace.id)
    }

    pub fn session_id(&self) -> Option<Uuid> {
        match self.principal.as_ref()?.via {
            Via::Session(id) => Some(id),
            Via::Token(_) => None,
        }
    }

    pub fn session_origin(&self) -> sessions::Origin {
        sessions::Origin { ip: self.ip.map(|ip| ip.to_string()), user_agent: self.user_agent.clone() }
    }
}

/// Ends "you are not allowed to …".
pub fn describe(permission: Permission) -> &'static str {
    match permission {
        Permission::Browse => "browse the library",
        Permission::Upload => "upload (editors and admins can)",
        Permission::EditMetadata => "edit metadata (editors and admins can)",
        Permission::Share => "share assets (editors and admins can)",
        Permission::ReplaceFile => "upload new versions of files (editors and admins can)",
        Permission::Trash => "use the trash (editors and admins can)",
        Permission::DeleteCollection => "delete collections (editors and admins can)",
        Permission::ManageShareLinks => "see or turn off share links (editors and admins can)",
        Permission::EmptyTrash => "delete assets for good (admins only)",
        Permission::ManageUsers => "manage users (admins only)",
        Permission::ManageSettings => "change settings (admins only)",
        Permission::ViewDashboard => "see the dashboard (admins only)",
        Permission::ManageQueues => "manage the queues (operators only)",
        Permission::ViewAuditLog => "read the audit log (admins only)",
        Permission::ManageOwnCredentials => "manage credentials",
    }
}
