//! `/metrics`: the dashboard's figures in the Prometheus text format — queues (backlog and its
//! parts, failed, completed, jobs per minute, median job time, live workers), assets per kind,
//! storage, and usage totals. Read from the database and Redis at each scrape, so every replica
//! reports the same. Admins only (Prometheus sends an admin's API token as a bearer token).

use std::sync::atomic::AtomicU64;

use crate::middleware::request_metrics::RequestMetrics;
use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use domain::{analytics::overview, dto::QueueReport, pipeline::backlog, policy::Permission, Error, Services};
use edge::{Access, ApiError};
use prometheus_client::{
    encoding::text::encode,
    metrics::{family::Family, gauge::Gauge},
    registry::Registry,
};

type Labels = Vec<(String, String)>;
type Figures = Family<Labels, Gauge<f64, AtomicU64>>;
/// A queue figure: its name, its help text, and how to read it from a report.
type QueueFigure = (&'static str, &'static str, fn(&QueueReport) -> f64);

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Registers a labelled gauge family and returns it to fill.
fn family(registry: &mut Registry, name: &str, help: &str) -> Figures {
    let figures = Figures::default();
    registry.register(name, help, figures.clone());
    figures
}

pub async fn scrape(
    access: Access,
    State(services): State<Services>,
    State(requests): State<RequestMetrics>,
) -> Result<Response, ApiError> {
    // The installation's figures, every workspace's together: operators only.
    access.require(Permission::ManageQueues)?;
    let queues = backlog::report(&services).await?;
    // Only the figures it reports: not the dashboard's lists of assets.
    let held = overview::installation_holdings(&services.db).await?;
    let mut days: Vec<domain::dto::DayUsage> = Vec::new();
    for workspace in domain::workspaces::all(&services.db).await? {
        let theirs = overview::days(&services.in_workspace(workspace.id), &services.usage, overview::DAYS).await?;
        if days.is_empty() {
            days = theirs;
            continue;
        }
        for (day, their) in days.iter_mut().zip(theirs) {
            day.uploads += their.uploads;
            day.downloads += their.downloads;
            day.views += their.views;
        }
    }

    let mut registry = Registry::with_prefix("dam");
    let queue_figures: [QueueFigure; 9] = [
        ("queue_backlog", "Work not yet done: pending in Postgres + waiting and active in Redis", |q| q.backlog as f64),
        ("queue_pending", "Waiting in Postgres to be fed to Redis (incl. delayed)", |q| q.pending as f64),
        ("queue_delayed", "Waiting for a retry back-off", |q| q.delayed as f64),
        ("queue_waiting", "In Redis, waiting for a worker", |q| q.redis_waiting as f64),
        ("queue_active", "In Redis, being worked on", |q| q.redis_active as f64),
        ("queue_failed", "Assets whose processing failed", |q| q.failed as f64),
        ("queue_completed", "Assets processed in the last 24 hours", |q| q.completed as f64),
        ("queue_jobs_per_minute", "Jobs finished per minute over the last 10 minutes", |q| q.jobs_per_minute),
        ("queue_workers", "Live worker processes consuming the queue", |q| q.workers.len() as f64),
    ];
    for (name, help, value) in queue_figures {
        let gauge = family(&mut registry, name, help);
        for q in &queues {
            gauge.get_or_create(&labels(&[("queue", &q.queue)])).set(value(q));
        }
    }
    let median = family(&mut registry, "queue_job_median_seconds", "Median job duration over the last hour");
    for q in &queues {
        if let Some(seconds) = q.median_seconds {
            median.get_or_create(&labels(&[("queue", &q.queue)])).set(seconds);
        }
    }
    let assets = family(&mut registry, "assets", "Assets outside the trash");
    for k in &held.kinds {
        assets.get_or_create(&labels(&[("kind", &k.kind)])).set(k.assets as f64);
    }
    let storage = family(&mut registry, "storage_bytes", "Bytes stored");
    storage.get_or_create(&labels(&[("class", "originals")])).set(held.original_bytes as f64);
    storage.get_or_create(&labels(&[("class", "derivatives")])).set(held.derivative_bytes as f64);
    let today = days.last();
    let usage = family(&mut registry, "usage_today", "Uploads, downloads and views today (UTC)");
    usage.get_or_create(&labels(&[("event", "upload")])).set(today.map_or(0.0, |d| d.uploads as f64));
    usage.get_or_create(&labels(&[("event", "download")])).set(today.map_or(0.0, |d| d.downloads as f64));
    usage.get_or_create(&labels(&[("event", "view")])).set(today.map_or(0.0, |d| d.views as f64));

    registry.register(
        "http_request_duration_seconds",
        "Time to answer requests, by method, route and status class (this process)",
        requests.latency.clone(),
    );

    let mut body = String::new();
    encode(&mut body, &registry).map_err(|e| Error::BadRequest(format!("could not encode metrics: {e}")))?;
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    Ok(response)
}
