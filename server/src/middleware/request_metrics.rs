//! How long requests take, per route, method and status class, as a Prometheus histogram
//! (`dam_http_request_duration_seconds` on `/metrics`). Counted in each process: Prometheus
//! scrapes every replica and adds them up.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};
use prometheus_client::metrics::{
    family::Family,
    histogram::{exponential_buckets, Histogram},
};

type Labels = Vec<(String, String)>;

/// 5 ms to ~20 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

#[derive(Clone)]
pub struct RequestMetrics {
    pub latency: Family<Labels, Histogram, fn() -> Histogram>,
}

impl Default for RequestMetrics {
    fn default() -> Self {
        RequestMetrics { latency: Family::new_with_constructor(latency_histogram) }
    }
}

pub async fn layer(State(metrics): State<RequestMetrics>, request: Request, next: Next) -> Response {
    // The route pattern (`/api/assets/{id}`), not the path: one series per route, whatever the ids.
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = format!("{}xx", response.status().as_u16() / 100);
    let labels = vec![("method".to_owned(), method), ("route".to_owned(), route), ("status".to_owned(), status)];
    metrics.latency.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    response
}
