//! The JSON API under `/api`. Every handler takes the `Access` extractor and asks it for the
//! permission it needs.

mod assets;
mod audit;
mod auth;
mod collections;
mod credentials;
mod dashboard;
mod direct_uploads;
pub(crate) mod downloads;
mod library;
mod queues;
mod shares;
mod uploads;
mod users;
mod versions;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(assets::routes())
        .merge(auth::routes())
        .merge(users::routes())
        .merge(credentials::routes())
        .merge(audit::routes())
        .merge(queues::routes())
        .merge(uploads::routes())
        .merge(direct_uploads::routes())
        .merge(library::routes())
        .merge(collections::routes())
        .merge(shares::routes())
        .merge(downloads::routes())
        .merge(versions::routes())
        .merge(dashboard::routes())
}
