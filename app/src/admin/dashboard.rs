//! `/admin`: the dashboard — what the library holds, how it is used over the last 30 days
//! (charts drawn as SVG on the server, so they read without JavaScript), the latest and most
//! downloaded assets, the processing queues and their workers, and failures with their reasons
//! (retry or discard).

use domain::{
    dto::{DayUsage, Overview},
    operations::Nothing,
    policy::Permission,
};
use leptos::prelude::*;

use super::queues::{FailedList, QueueReports, QueuesPanel};
use crate::{
    api::admin::{dashboard_overview, queue_reports},
    ui::{error_text, human_size, RequirePermission},
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    // Made here, once, not inside the guard's Suspense (see `ui::RequirePermission`).
    let refresh = RwSignal::new(0u64);
    let overview = Resource::new(move || refresh.get(), |_| dashboard_overview(Nothing {}));
    let reports = Resource::new(move || refresh.get(), |_| queue_reports(Nothing {}));
    view! {
        <RequirePermission permission=Permission::ViewDashboard>
            <Dashboard refresh overview reports/>
        </RequirePermission>
    }
}

#[component]
fn Dashboard(
    refresh: RwSignal<u64>,
    overview: Resource<Result<Overview, ServerFnError>>,
    reports: QueueReports,
) -> impl IntoView {
    // The queues have their own data and their own Suspense, beside (not inside) the overview's:
    // a resource made inside another's Suspend sometimes hydrated out of step ("expected a
    // marker node"), seen once in CI.
    view! {
        <h1 class="mb-4 text-2xl font-semibold">"Dashboard"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Figures overview=o/> }.into_any(),
                    Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <QueuesPanel reports/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                overview.await.ok().map(|o| view! { <Lists overview=o refresh/> })
            })}
        </Suspense>
    }
}

#[component]
fn Figures(overview: Overview) -> impl IntoView {
    let o = overview;
    let total_assets: i64 = o.kinds.iter().map(|k| k.assets).sum();
    let by_kind = o
        .kinds
        .iter()
        .map(|k| format!("{} {}s · {}", k.assets, k.kind, human_size(k.bytes)))
        .collect::<Vec<_>>()
        .join(", ");
    let series = |pick: fn(&DayUsage) -> i64| {
        o.days.iter().map(|d| (d.day.format("%Y-%m-%d").to_string(), pick(d))).collect::<Vec<_>>()
    };
    view! {
        <section class="mb-6 grid gap-3 *:min-w-0 sm:grid-cols-2 md:grid-cols-4">
            <Card label="Assets" value=total_assets.to_string() testid="total-assets"
                detail=by_kind/>
            <Card label="Originals" value=human_size(o.original_bytes) testid="original-bytes" detail="current and earlier versions".into()/>
            <Card label="Derivatives" value=human_size(o.derivative_bytes) testid="derivative-bytes" detail="thumbnails, previews, renditions".into()/>
            <Card label="Failed" value=o.failed_total.to_string() testid="failed-total" detail="assets whose processing failed".into()/>
        </section>
        <section class="mb-6 grid gap-4 *:min-w-0 md:grid-cols-3">
            <DayChart title="Uploads" points=series(|d| d.uploads) testid="chart-uploads"/>
            <DayChart title="Downloads" points=series(|d| d.downloads) testid="chart-downloads"/>
            <DayChart title="Views" points=series(|d| d.views) testid="chart-views"/>
        </section>
    }
}

/// The latest and most downloaded assets, and the failed ones with Retry and Discard.
#[component]
fn Lists(overview: Overview, refresh: RwSignal<u64>) -> impl IntoView {
    let o = overview;
    view! {
        <section class="grid gap-6 *:min-w-0 md:grid-cols-3">
            <div>
                <h2 class="mb-2 font-semibold">"Latest"</h2>
                <ul class="text-sm" data-testid="latest">
                    {o.latest.into_iter().map(|a| view! {
                        <li class="truncate"><a class="underline" href=format!("/assets/{}", a.id)>{a.display_name().to_owned()}</a>
                            <span class="text-fg-muted">{format!(" · {}", a.status.label())}</span></li>
                    }).collect_view()}
                </ul>
            </div>
            <div>
                <h2 class="mb-2 font-semibold">"Most downloaded"</h2>
                <ol class="list-decimal pl-5 text-sm" data-testid="most-downloaded">
                    {o.most_downloaded.into_iter().map(|a| view! {
                        <li><a class="underline" href=format!("/assets/{}", a.id)>{a.name}</a>{format!(" · {}", a.count)}</li>
                    }).collect_view()}
                </ol>
            </div>
            <div>
                <h2 class="mb-2 font-semibold">"Failed"</h2>
                <FailedList failed=o.failed on_changed=move || refresh.update(|n| *n += 1)/>
            </div>
        </section>
    }
}

#[component]
fn Card(label: &'static str, value: String, detail: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="rounded border border-line bg-surface p-3">
            <p class="text-xs uppercase text-fg-muted">{label}</p>
            <p class="text-2xl font-semibold" data-testid=testid>{value}</p>
            <p class="text-xs text-fg-muted">{detail}</p>
        </div>
    }
}

/// One bar per day; each bar's `<title>` gives the day and number (a tooltip, and text for
/// screen readers). The total and today's number are written out too.
#[component]
fn DayChart(title: &'static str, points: Vec<(String, i64)>, testid: &'static str) -> impl IntoView {
    const WIDTH: f64 = 300.0;
    const HEIGHT: f64 = 100.0;
    let highest = points.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let slot = WIDTH / points.len().max(1) as f64;
    let total: i64 = points.iter().map(|(_, n)| n).sum();
    let today = points.last().map_or(0, |(_, n)| *n);
    let first = points.first().map(|(d, _)| d.clone()).unwrap_or_default();
    let last = points.last().map(|(d, _)| d.clone()).unwrap_or_default();
    view! {
        <figure class="rounded border border-line bg-surface p-3" data-testid=testid data-total=total data-today=today>
            <figcaption class="mb-1 flex justify-between text-sm">
                <span class="font-semibold">{title}</span>
                <span class="text-fg-muted">{format!("{total} in 30 days · {today} today")}</span>
            </figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="h-24 w-full" role="img" aria-label=format!("{title} per day, last 30 days")>
                {points.into_iter().enumerate().map(|(i, (day, n))| {
                    let height = if n > 0 { (n as f64 / highest * (HEIGHT - 2.0)).max(2.0) } else { 0.0 };
                    view! {
                        <rect x=format!("{:.1}", i as f64 * slot + 1.0) y=format!("{:.1}", HEIGHT - height) width=format!("{:.1}", (slot - 2.0).max(1.0)) height=format!("{height:.1}") class="fill-chart-1">
                            <title>{format!("{day}: {n}")}</title>
                        </rect>
                    }
                }).collect_view()}
            </svg>
            <p class="flex justify-between text-xs text-fg-muted"><span>{first}</span><span>{last}</span></p>
        </figure>
    }
}
