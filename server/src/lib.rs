//! The HTTP server: Leptos SSR pages and server functions, the WASM/CSS bundle, and the JSON API
//! under `/api`. `router()` is the whole application; tests serve the very same router.

pub mod api;
pub mod error;

use std::path::Path;

use axum::{routing::get, Router};
use domain::{Config, Services};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::trace::TraceLayer;

/// State shared by all handlers: the domain services and Leptos' options.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub services: Services,
    pub leptos_options: LeptosOptions,
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("dam")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen_addr)
        .build()
}

pub fn router(services: Services) -> Router {
    let leptos_options = leptos_options(&services.config);
    let state = AppState { services: services.clone(), leptos_options: leptos_options.clone() };
    let routes = generate_route_list(app::App);
    let provide_services = move || provide_context(services.clone());

    Router::new()
        .nest("/api", api::routes())
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes_with_context(&state, routes, provide_services.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide_services, app::shell))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Warns early when the browser bundle has not been built, instead of serving pages that never
/// become interactive.
pub fn check_site_root(site_root: &Path) {
    if !site_root.join("pkg").join("dam.wasm").exists() {
        tracing::warn!(site_root = %site_root.display(), "browser bundle not found; run `make build` (pages will render but not hydrate)");
    }
}
