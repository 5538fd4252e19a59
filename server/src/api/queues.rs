//! `/api/queues`: the processing queues' backlog and live workers, and bulk reprocessing (admins).

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use domain::{
    dto::QueueReport,
    pipeline::{backlog, state},
    policy::Permission,
    Error, Services,
};
use edge::{Access, ApiError};
use serde::Deserialize;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/queues", get(report)).route("/queues/reprocess", post(reprocess))
}

async fn report(access: Access, State(services): State<Services>) -> Result<Json<Vec<QueueReport>>, ApiError> {
    access.require(Permission::ManageQueues)?;
    Ok(Json(backlog::report(&services).await?))
}

#[derive(Deserialize)]
struct ReprocessRequest {
    /// `all` or `failed`.
    selection: String,
}

async fn reprocess(
    access: Access,
    State(services): State<Services>,
    Json(request): Json<ReprocessRequest>,
) -> Result<Response, ApiError> {
    access.require(Permission::ManageQueues)?;
    let selection = match request.selection.as_str() {
        "all" => state::Selection::All,
        "failed" => state::Selection::Failed,
        other => return Err(Error::BadRequest(format!("selection must be “all” or “failed”, not “{other}”")).into()),
    };
    let count = state::request_many(&services.db, &access.actor(), selection).await?;
    Ok((StatusCode::ACCEPTED, Json(serde_json::json!({ "queued": count }))).into_response())
}
