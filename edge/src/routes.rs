//! The one table of the API: each operation's method and path. The router, the OpenAPI
//! document and the access-matrix test all read it, so an operation cannot be served without
//! being documented and tested. Paths are relative to `/api/v1` (and, for now, `/api`).

use axum::{extract::FromRef, http::Method, Router};
use domain::{
    operations::{
        admin::*, assets::*, collections::*, credentials::*, library::*, sharing::*, trash::*, Operation, Spec,
    },
    policy::Role,
    Services,
};
use schemars::{generate::SchemaGenerator, Schema};
use serde_json::Value;

use crate::{handler, problem::status_of_failure};

/// One row of the table, with what the documentation needs to know about the operation's types.
#[derive(Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub spec: Spec,
    pub(crate) input_schema: fn(&mut SchemaGenerator) -> Schema,
    pub(crate) output_schema: fn(&mut SchemaGenerator) -> Schema,
    pub(crate) example: fn() -> Value,
}

impl Route {
    fn of<O: Operation>(method: &'static str, path: &'static str) -> Self {
        Route {
            method,
            path,
            spec: O::SPEC,
            input_schema: |generator| generator.subschema_for::<O::Input>(),
            output_schema: |generator| generator.subschema_for::<O::Output>(),
            example: || serde_json::to_value(O::example()).expect("examples serialize"),
        }
    }

    /// The names in `{braces}` in the path.
    pub fn path_params(&self) -> Vec<&'static str> {
        self.path.split('/').filter_map(|part| part.strip_prefix('{')?.strip_suffix('}')).collect()
    }

    /// Whether the input goes in the query string (else in a JSON body).
    pub fn reads_query(&self) -> bool {
        self.method == "GET"
    }
}

macro_rules! table {
    ($($method:ident $path:literal => $op:ty;)*) => {
        /// Every operation, routed to its JSON adapter.
        pub fn router<S>() -> Router<S>
        where
            Services: FromRef<S>,
            S: Clone + Send + Sync + 'static,
        {
            Router::new()
                $(.route($path, axum::routing::on(axum::routing::MethodFilter::$method, handler::json::<$op>)))*
        }

        /// Every row of the table.
        pub fn all() -> Vec<Route> {
            vec![$(Route::of::<$op>(stringify!($method), $path)),*]
        }
    };
}

table! {
    GET "/assets" => SearchAssets;
    GET "/assets/{id}" => GetAsset;
    POST "/assets/{id}/reprocess" => ReprocessAsset;
    GET "/assets/{id}/versions" => ListVersions;
    PATCH "/assets/{id}" => DescribeAsset;
    DELETE "/assets/{id}" => TrashAsset;
    POST "/assets/{id}/restore" => RestoreAsset;
    POST "/assets/{id}/tags" => TagAsset;
    DELETE "/assets/{id}/tags/{tag}" => UntagAsset;
    POST "/library/tag" => TagAssets;
    POST "/library/trash" => TrashAssets;
    POST "/library/restore" => RestoreAssets;
    GET "/tags" => SuggestTags;
    GET "/trash" => ListTrash;
    DELETE "/trash" => EmptyTrash;

    GET "/collections" => ListCollections;
    POST "/collections" => CreateCollection;
    GET "/collections/{id}" => GetCollection;
    PATCH "/collections/{id}" => UpdateCollection;
    DELETE "/collections/{id}" => DeleteCollection;
    POST "/collections/{id}/assets" => AddToCollection;
    DELETE "/collections/{id}/assets" => RemoveFromCollection;

    GET "/shares" => ListShares;
    POST "/shares" => CreateShare;
    DELETE "/shares/{id}" => RevokeShare;

    GET "/tokens" => ListTokens;
    POST "/tokens" => CreateToken;
    DELETE "/tokens/{id}" => RevokeToken;
    GET "/sessions" => ListSessions;
    DELETE "/sessions/{id}" => RevokeSession;

    GET "/users" => ListUsers;
    POST "/users" => CreateUser;
    PATCH "/users/{id}" => UpdateUser;
    GET "/audit" => ListAudit;
    GET "/admin/overview" => DashboardOverview;
    GET "/queues" => QueueReports;
    POST "/queues/reprocess" => ReprocessMany;
}

/// Every status an operation served with `method` can answer with: its success, the failures
/// every operation has, and those it declares.
pub fn documented_statuses(spec: &Spec, method: &str) -> Vec<u16> {
    let success = match spec.success {
        domain::operations::Success::Ok => 200,
        domain::operations::Success::Created => 201,
        domain::operations::Success::Accepted => 202,
        domain::operations::Success::NoContent => 204,
    };
    // 400: a body or query that cannot be parsed; 422: one that is not the input; 401: a bad
    // token (even where no sign-in is needed) or none where one is; 429: the rate limit.
    let mut statuses = vec![success, 400, 401, 422, 429];
    let refuses_a_role = Role::ALL.into_iter().any(|role| !spec.admits(Some(role)));
    // A request that changes something with a session cookie must come from this site's pages.
    let changes = method != "GET";
    if refuses_a_role || spec.owned || changes {
        statuses.push(403);
    }
    if changes {
        // A body over the size limit.
        statuses.push(413);
    }
    statuses.extend(spec.failures.iter().map(|f| status_of_failure(*f).as_u16()));
    statuses.sort_unstable();
    statuses.dedup();
    statuses
}

/// The HTTP method of a row, for clients and tests.
pub fn method_of(route: &Route) -> Method {
    Method::from_bytes(route.method.as_bytes()).expect("the table names methods axum knows")
}
