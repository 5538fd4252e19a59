//! `/api/admin/overview`: the admin dashboard's figures as JSON, for scripts (admins only).

use axum::{extract::State, routing::get, Json, Router};
use domain::{analytics::overview, dto::Overview, policy::Permission, Services};
use edge::{Access, ApiError};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/overview", get(show))
}

async fn show(access: Access, State(services): State<Services>) -> Result<Json<Overview>, ApiError> {
    access.require(Permission::ViewDashboard)?;
    Ok(Json(overview::overview(&services.db, &services.usage).await?))
}
