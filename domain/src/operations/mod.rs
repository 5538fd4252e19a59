//! Every use case, defined once. An operation names its typed input and output, the permission it
//! needs and what it does; the JSON route, the server function, the OpenAPI document and the
//! access matrix are all derived from that one definition (see `edge::routes` for the table that
//! gives each a method and a path).
//!
//! The declarations (input, output, `SPEC`) compile for the browser too, so the UI calls server
//! functions with the very same types; `run` exists only on the server.

/// Declares an operation: `Name(Input) -> Output { id, summary, permission, owned, success,
/// failures, example, run }` (the fields of [`Spec`], an example input for the documentation, and
/// what it does on the server).
macro_rules! operation {
    ($(#[$meta:meta])* $name:ident($input:ty) -> $output:ty {
        id: $id:literal,
        summary: $summary:literal,
        permission: $permission:expr,
        owned: $owned:literal,
        success: $success:ident,
        failures: [$($failure:ident),* $(,)?],
        example: $example:expr,
        run: |$cx:ident, $arg:pat_param| $body:expr $(,)?
    }) => {
        $(#[$meta])*
        pub struct $name;

        impl $crate::operations::Operation for $name {
            type Input = $input;
            type Output = $output;
            const SPEC: $crate::operations::Spec = $crate::operations::Spec {
                id: $id,
                summary: $summary,
                permission: $permission,
                owned: $owned,
                success: $crate::operations::Success::$success,
                failures: &[$($crate::operations::Failure::$failure),*],
            };
            fn example() -> $input {
                $example
            }
            #[cfg(feature = "server")]
            async fn run($cx: &$crate::operations::Cx<'_>, $arg: $input) -> $crate::error::Result<$output> {
                $body
            }
        }
    };
}

pub mod admin;
pub mod assets;
pub mod collections;
pub mod credentials;
pub mod library;
pub mod sharing;
pub mod trash;

#[cfg(feature = "server")]
pub mod caller;
#[cfg(feature = "server")]
mod context;

#[cfg(feature = "server")]
pub use caller::{Caller, Principal, Via};
#[cfg(feature = "server")]
pub use context::{execute, Cx};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::policy::{Permission, Role};

/// A use case: what it takes, what it gives back, who may call it, and (on the server) what it does.
pub trait Operation: 'static {
    type Input: Serialize + DeserializeOwned + Clone + Send + Sync + Schema + 'static;
    type Output: Serialize + DeserializeOwned + Send + Schema + 'static;
    const SPEC: Spec;

    /// A request that shows the input's shape, for the API documentation.
    fn example() -> Self::Input;

    /// Does it, inside the transaction the adapter opened. The permission in `SPEC` is checked
    /// before; what depends on the thing itself (who made it) is checked here, by the domain code.
    #[cfg(feature = "server")]
    fn run(
        cx: &Cx<'_>,
        input: Self::Input,
    ) -> impl std::future::Future<Output = crate::error::Result<Self::Output>> + Send;
}

/// Types the API documentation can describe (a JSON Schema on the server; nothing in the browser).
#[cfg(feature = "server")]
pub trait Schema: schemars::JsonSchema {}
#[cfg(feature = "server")]
impl<T: schemars::JsonSchema> Schema for T {}
#[cfg(not(feature = "server"))]
pub trait Schema {}
#[cfg(not(feature = "server"))]
impl<T> Schema for T {}

/// What an operation declares about itself.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Its one name: the OpenAPI operationId, the server function's endpoint, the matrix row.
    pub id: &'static str,
    /// One line for the documentation.
    pub summary: &'static str,
    /// `None`: anyone may call it, signed in or not.
    pub permission: Option<Permission>,
    /// The input names a thing that someone made (an asset, a collection), and the permission
    /// reaches only one's own for editors: an editor who did not make it is refused.
    pub owned: bool,
    /// How a success answers.
    pub success: Success,
    /// The ways it can fail besides the ones every operation has (bad input, not signed in, not
    /// allowed, too many requests); the documentation lists their statuses.
    pub failures: &'static [Failure],
}

impl Spec {
    /// Whether someone with `role` (`None`: nobody signed in) gets past the permission check.
    pub fn admits(&self, role: Option<Role>) -> bool {
        match (self.permission, role) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(permission), Some(role)) => crate::policy::allows(role, permission),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Success {
    /// 200 with the output.
    Ok,
    /// 201 with the output: something new was made.
    Created,
    /// 202 with the output: the work was queued.
    Accepted,
    /// 204 and no body (the output is `()`).
    NoContent,
}

/// The kinds of failure an operation can declare (the HTTP edge maps each to one status).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The input is well formed but the domain refuses it (a name too long, a bad date).
    Invalid,
    NotFound,
    Conflict,
    Gone,
    Locked,
    /// A part the operation needs (the queue, storage) is down.
    Unavailable,
}

/// A list of assets to act on at once (trash, restore, tag, add to a collection).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AssetIds {
    /// At most 1000 at once.
    pub assets: Vec<uuid::Uuid>,
}

/// How many things an operation changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Changed {
    pub changed: u64,
}

/// An input naming one thing by its id (in the path).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ById {
    pub id: uuid::Uuid,
}

/// An operation that takes nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Nothing {}

/// The example id the documentation shows.
pub(crate) const EXAMPLE_ID: uuid::Uuid = uuid::Uuid::from_u128(0x0190_9f3c_7b1a_7c3e_9d2f_4a5b_6c7d_8e9f);
