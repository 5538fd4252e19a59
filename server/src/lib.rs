//! The HTTP server: Leptos SSR pages and server functions, the WASM/CSS bundle, and the JSON API
//! under `/api`. `router()` is the whole application; tests serve the very same router.

pub mod api;
pub mod api_docs;
pub mod bundle;
pub mod events;
pub mod files;
pub mod metrics;
pub mod middleware;
pub mod share_files;
pub mod sso;

use std::{net::SocketAddr, path::Path};

use axum::{http::header, middleware::from_fn, middleware::from_fn_with_state, routing::get, Router};
use domain::{accounts::users, Config, Services};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes, ResponseOptions};
use tower_http::trace::TraceLayer;

use middleware::{client_ip, rate_limit, request_id, request_metrics, same_origin, security_headers, server_fn_errors};

/// State shared by all handlers: the domain services and Leptos' options.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub services: Services,
    pub leptos_options: LeptosOptions,
    pub events: events::AssetEvents,
    pub request_metrics: request_metrics::RequestMetrics,
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(bundle::name(&config.site_root))
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen_addr)
        .build()
}

pub fn router(services: Services) -> Router {
    let leptos_options = leptos_options(&services.config);
    let request_metrics = request_metrics::RequestMetrics::default();
    let state = AppState {
        services: services.clone(),
        leptos_options: leptos_options.clone(),
        events: events::AssetEvents::start(&services),
        request_metrics: request_metrics.clone(),
    };
    let routes = generate_route_list(app::App);
    let page_context = {
        let services = services.clone();
        move || {
            provide_context(services.clone());
            // Each rendered page allows exactly its own inline hydration script.
            if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>()) {
                if let Ok(value) = security_headers::page_csp(&nonce.to_string()).parse() {
                    response.insert_header(header::CONTENT_SECURITY_POLICY, value);
                }
            }
        }
    };
    let api_limit = rate_limit::ApiRateLimit::new(
        services.rate_limit.clone(),
        services.config.api_rate_per_second,
        services.config.api_rate_burst,
    );

    // The operations (one table, `edge::routes`) and the rest of the API, versioned; today's
    // unversioned paths stay as aliases for now.
    let api =
        edge::routes::router::<AppState>().merge(api::routes()).layer(from_fn_with_state(api_limit, rate_limit::layer));

    let routed = Router::new()
        .nest("/api/v1", api.clone())
        .nest("/api", api)
        // Long-lived, so outside the per-request rate limit.
        .route("/api/v1/events", get(events::stream))
        .route("/api/events", get(events::stream))
        .route("/api/openapi.json", get(edge::openapi_json))
        .route("/api/docs", get(api_docs::page))
        .route("/api/docs/{file}", get(api_docs::file))
        .merge(sso::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::scrape))
        .route("/files/{*key}", get(files::serve))
        .merge(share_files::routes())
        .merge(bundle::routes(&services.config.site_root))
        .leptos_routes_with_context(&state, routes, page_context.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(page_context, app::shell))
        // Inside the routing, so each request knows its route.
        .route_layer(from_fn_with_state(request_metrics, request_metrics::layer))
        .layer(from_fn(server_fn_errors::layer))
        .layer(from_fn_with_state(services.clone(), same_origin::layer))
        .layer(from_fn_with_state(services, client_ip::layer))
        .layer(from_fn(security_headers::layer))
        .layer(from_fn(bundle::pages_revalidate))
        .layer(TraceLayer::new_for_http())
        .layer(from_fn(request_id::layer))
        .with_state(state);
    // `/api/v1/w/{slug}/…` is taken apart before routing (the routes are written once).
    Router::new().fallback_service(
        tower::ServiceBuilder::new().map_request(edge::workspace_path::take_workspace).service(routed),
    )
}

/// 200 when Postgres, Redis and storage all answer, else 503 saying which did not. Open to anyone,
/// like `/healthz` (load balancers and Docker probe it), so the reasons, which can name internal
/// addresses, go to the log only.
async fn readyz(axum::extract::State(services): axum::extract::State<Services>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut readiness = domain::health::readiness(&services).await;
    let status = if readiness.ready { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    if !readiness.ready {
        tracing::warn!(postgres = %readiness.postgres, redis = %readiness.redis, storage = %readiness.storage, "not ready");
    }
    for check in [&mut readiness.postgres, &mut readiness.redis, &mut readiness.storage] {
        if check != "ok" {
            *check = "unavailable".into();
        }
    }
    (status, axum::Json(readiness)).into_response()
}

/// Serves the router, telling it each connection's peer address (for the client-address logic).
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(domain::services::shutdown_signal())
        .await
}

/// On the very first start, creates the admin (see ADMIN_EMAIL / ADMIN_PASSWORD). A generated
/// password is printed once, here, and never stored in clear.
pub async fn ensure_first_admin(services: &Services) -> Result<(), domain::Error> {
    let config = &services.config;
    let Some(created) =
        users::bootstrap_admin(&services.db, &config.admin_email, config.admin_password.as_deref()).await?
    else {
        return Ok(());
    };
    match created.generated_password {
        Some(password) => {
            tracing::warn!(email = %created.user.email, "created the first admin with a one-time password (printed on stderr); sign in and change it");
            eprintln!("\n  First start: created the admin account\n    e-mail:   {}\n    password: {password}\n  Sign in and change this password; it is not shown again.\n", created.user.email);
        }
        None => tracing::info!(email = %created.user.email, "created the first admin from ADMIN_EMAIL/ADMIN_PASSWORD"),
    }
    Ok(())
}

/// Warns early when the browser bundle has not been built, instead of serving pages that never
/// become interactive.
pub fn check_site_root(site_root: &Path) {
    let name = bundle::name(site_root);
    if !site_root.join("pkg").join(format!("{name}.wasm")).exists() {
        tracing::warn!(site_root = %site_root.display(), "browser bundle not found; run `make build` (pages will render but not hydrate)");
    }
}
