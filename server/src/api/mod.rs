//! The parts of the JSON API that are not operations of the table in `edge::routes`: uploads
//! (multipart, tus, direct to S3), file downloads and redirects, and the routes still waiting to
//! move into the table. Every handler takes the `Access` extractor and asks it for the permission
//! it needs.

mod assets;
mod auth;
mod direct_uploads;
pub(crate) mod downloads;
mod uploads;
mod versions;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(assets::routes())
        .merge(auth::routes())
        .merge(uploads::routes())
        .merge(direct_uploads::routes())
        .merge(downloads::routes())
        .merge(versions::routes())
}
