//! The JSON API under `/api`. Every handler takes the `Access` extractor.

mod assets;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    assets::routes()
}
