//! `/api/audit`: the audit log, filtered (admins only).

use axum::{
    extract::{Query, State},
    routing::get,
    Json, Router,
};
use domain::{
    audit,
    dto::{AuditFilter, AuditPage},
    policy::Permission,
    Services,
};
use edge::{Access, ApiError};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

async fn list(
    access: Access,
    State(services): State<Services>,
    Query(filter): Query<AuditFilter>,
) -> Result<Json<AuditPage>, ApiError> {
    access.require(Permission::ViewAuditLog)?;
    Ok(Json(audit::list(&services.db, filter).await?))
}
