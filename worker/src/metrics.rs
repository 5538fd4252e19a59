//! What a worker process did, for Prometheus: jobs by queue and outcome, and how long they took
//! (`dam_jobs_total`, `dam_job_duration_seconds`), served with `/healthz` and `/readyz` on
//! WORKER_METRICS_ADDR. Counted in the process; Prometheus adds the workers up.

use std::net::SocketAddr;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use domain::{pipeline::QueueName, Services};
use prometheus_client::{
    encoding::text::encode,
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{exponential_buckets, Histogram},
    },
    registry::Registry,
};
use tokio::sync::watch;

type Labels = Vec<(String, String)>;

/// 50 ms to ~14 min.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.05, 2.0, 15))
}

#[derive(Clone)]
pub struct JobMetrics {
    jobs: Family<Labels, Counter>,
    seconds: Family<Labels, Histogram, fn() -> Histogram>,
}

impl Default for JobMetrics {
    fn default() -> Self {
        JobMetrics { jobs: Family::default(), seconds: Family::new_with_constructor(duration_histogram) }
    }
}

impl JobMetrics {
    /// One job ended: `outcome` is processed, failed (bad input) or retried (back to the backlog).
    pub fn record(&self, queue: QueueName, outcome: &str, seconds: f64) {
        let labels = vec![("queue".to_owned(), queue.as_str().to_owned()), ("outcome".to_owned(), outcome.to_owned())];
        self.jobs.get_or_create(&labels).inc();
        self.seconds.get_or_create(&labels).observe(seconds);
    }

    fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut registry = Registry::with_prefix("dam");
        registry.register("jobs", "Jobs this worker ended, by queue and outcome", self.jobs.clone());
        registry.register(
            "job_duration_seconds",
            "Time from claiming an asset to recording the outcome",
            self.seconds.clone(),
        );
        let mut body = String::new();
        encode(&mut body, &registry)?;
        Ok(body)
    }
}

async fn metrics(State((jobs, _)): State<(JobMetrics, Services)>) -> Response {
    match jobs.encode() {
        Ok(body) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn readyz(State((_, services)): State<(JobMetrics, Services)>) -> Response {
    let readiness = domain::health::readiness(&services).await;
    let status = if readiness.ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(readiness)).into_response()
}

/// Serves until `stop`. On the stack's internal network only (job counts are not secret, and
/// the readiness reasons name internal hosts), so no sign-in.
pub async fn serve(addr: SocketAddr, jobs: JobMetrics, services: Services, mut stop: watch::Receiver<bool>) {
    let router = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state((jobs, services));
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(%addr, error = %e, "cannot serve worker metrics");
            return;
        }
    };
    tracing::info!(%addr, "worker metrics and health");
    let stopped = async move {
        while !*stop.borrow() {
            if stop.changed().await.is_err() {
                break;
            }
        }
    };
    if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(stopped).await {
        tracing::warn!(error = %e, "worker metrics server stopped");
    }
}
