//! `/admin`: the dashboard — what the library holds, how it is used over the last 7, 30 or 90 days
//! (charts with axes and gridlines drawn as SVG on the server, so they read without JavaScript;
//! each day's value on hover), the latest and most downloaded assets, the processing queues and
//! their workers, and failures with their reasons (retry or discard).

use domain::{
    dto::{DayUsage, Overview, OverviewRange},
    operations::Nothing,
    policy::Permission,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::queues::{FailedList, QueueReports, QueuesPanel};
use crate::{
    api::admin::{dashboard_overview, queue_reports},
    ui::{error_text, human_size, RequirePermission},
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    // Made here, once, not inside the guard's Suspense (see `ui::RequirePermission`).
    let refresh = RwSignal::new(0u64);
    let query = use_query_map();
    let span = Memo::new(move |_| {
        query.with(|q| q.get("days").and_then(|d| d.parse::<i64>().ok())).filter(|d| RANGES.contains(d)).unwrap_or(30)
    });
    let overview = Resource::new(
        move || (refresh.get(), span.get()),
        |(_, days)| dashboard_overview(OverviewRange { days: Some(days) }),
    );
    let reports = Resource::new(move || refresh.get(), |_| queue_reports(Nothing {}));
    view! {
        <RequirePermission permission=Permission::ViewDashboard>
            <Dashboard refresh overview reports span/>
        </RequirePermission>
    }
}

#[component]
fn Dashboard(
    refresh: RwSignal<u64>,
    overview: Resource<Result<Overview, ServerFnError>>,
    reports: QueueReports,
    span: Memo<i64>,
) -> impl IntoView {
    // The queues have their own data and their own Suspense, beside (not inside) the overview's:
    // a resource made inside another's Suspend sometimes hydrated out of step ("expected a
    // marker node"), seen once in CI.
    view! {
        <div class="mb-4 flex flex-wrap items-center gap-3">
            <h1 class="flex-1 text-2xl font-semibold">"Dashboard"</h1>
            // Plain links: the range is in the address, and works without JavaScript.
            <nav class="tabs" aria-label="Days shown">
                {RANGES.into_iter().map(|days| view! {
                    <a href=format!("{}?days={days}", crate::routes::DASHBOARD) class="tab" data-testid="range"
                        aria-current=move || (span.get() == days).then_some("page")>{format!("{days} days")}</a>
                }).collect_view()}
            </nav>
        </div>
        <Suspense fallback=|| view! { <p class="text-fg-muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Figures overview=o span=span.get_untracked()/> }.into_any(),
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

/// The stretches of days the page offers.
const RANGES: [i64; 3] = [7, 30, 90];

#[component]
fn Figures(overview: Overview, span: i64) -> impl IntoView {
    let o = overview;
    let total_assets: i64 = o.kinds.iter().map(|k| k.assets).sum();
    let by_kind = o
        .kinds
        .iter()
        .map(|k| format!("{} {}s · {}", k.assets, k.kind, human_size(k.bytes)))
        .collect::<Vec<_>>()
        .join(", ");
    let series = |pick: fn(&DayUsage) -> i64| o.days.iter().map(|d| (d.day, pick(d))).collect::<Vec<_>>();
    view! {
        <section class="mb-6 grid gap-3 *:min-w-0 sm:grid-cols-2 md:grid-cols-4">
            <Card label="Assets" value=total_assets.to_string() testid="total-assets"
                detail=by_kind/>
            <Card label="Originals" value=human_size(o.original_bytes) testid="original-bytes" detail="current and earlier versions".into()/>
            <Card label="Derivatives" value=human_size(o.derivative_bytes) testid="derivative-bytes" detail="thumbnails, previews, renditions".into()/>
            <Card label="Failed" value=o.failed_total.to_string() testid="failed-total" detail="assets whose processing failed".into()/>
        </section>
        <section class="mb-6 grid gap-4 *:min-w-0 md:grid-cols-3">
            <DayChart title="Uploads" points=series(|d| d.uploads) span testid="chart-uploads"/>
            <DayChart title="Downloads" points=series(|d| d.downloads) span testid="chart-downloads"/>
            <DayChart title="Views" points=series(|d| d.views) span testid="chart-views"/>
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

/// The top of a chart's scale: the smallest 1, 2 or 5 × 10ⁿ at or above `highest`, so the
/// gridlines fall on round numbers.
fn scale_top(highest: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= highest.max(1) {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// One bar per day over a scale with gridlines; the y axis names 0, half and the top, the x axis
/// the first, middle and last day. Each bar's `<title>` gives its day and number (a tooltip on
/// hover, and text for screen readers); the total and today's number are written out too.
#[component]
fn DayChart(
    title: &'static str,
    points: Vec<(chrono::NaiveDate, i64)>,
    span: i64,
    testid: &'static str,
) -> impl IntoView {
    const WIDTH: f64 = 320.0;
    const HEIGHT: f64 = 140.0;
    // Room for the y axis's numbers on the left and the dates below.
    const LEFT: f64 = 30.0;
    const BOTTOM: f64 = 18.0;
    let plot = (WIDTH - LEFT, HEIGHT - BOTTOM - 4.0);
    let top = scale_top(points.iter().map(|(_, n)| *n).max().unwrap_or(0));
    let slot = plot.0 / points.len().max(1) as f64;
    let total: i64 = points.iter().map(|(_, n)| n).sum();
    let today = points.last().map_or(0, |(_, n)| *n);
    let y = move |n: i64| 4.0 + plot.1 - n as f64 / top as f64 * plot.1;
    let mut ticks = vec![0, top / 2, top];
    ticks.dedup();
    let grid = ticks
        .into_iter()
        .map(|n| {
            view! {
                <line x1=LEFT.to_string() x2=WIDTH.to_string() y1=format!("{:.1}", y(n)) y2=format!("{:.1}", y(n)) class="chart-grid"/>
                <text x=(LEFT - 4.0).to_string() y=format!("{:.1}", y(n) + 3.0) text-anchor="end" class="chart-label">{n.to_string()}</text>
            }
        })
        .collect_view();
    let count = points.len();
    let dates = [0, count / 2, count.saturating_sub(1)]
        .into_iter()
        .filter(|i| *i < count)
        .map(|i| {
            let (day, _) = points[i];
            let x = LEFT + slot * (i as f64 + 0.5);
            let anchor = if i == 0 { "start" } else if i + 1 == count { "end" } else { "middle" };
            let x = if i == 0 { LEFT } else if i + 1 == count { WIDTH } else { x };
            view! { <text x=format!("{x:.1}") y=(HEIGHT - 4.0).to_string() text-anchor=anchor class="chart-label">{day.format("%-d %b").to_string()}</text> }
        })
        .collect_view();
    let bars = points
        .into_iter()
        .enumerate()
        .map(|(i, (day, n))| {
            let height = if n > 0 { (n as f64 / top as f64 * plot.1).max(1.5) } else { 0.0 };
            let gap = if slot > 4.0 { 1.0 } else { 0.25 };
            view! {
                <g class="chart-bar">
                    // The whole column answers to the pointer, however short the bar.
                    <rect x=format!("{:.2}", LEFT + i as f64 * slot) y="4" width=format!("{slot:.2}") height=format!("{:.1}", plot.1) class="chart-hit"/>
                    <rect x=format!("{:.2}", LEFT + i as f64 * slot + gap) y=format!("{:.1}", 4.0 + plot.1 - height)
                        width=format!("{:.2}", (slot - 2.0 * gap).max(0.5)) height=format!("{height:.1}") class="chart-value"/>
                    <title>{format!("{}: {n}", day.format("%a %-d %b %Y"))}</title>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="card p-4" data-testid=testid data-total=total data-today=today>
            <figcaption class="mb-2 flex flex-wrap items-baseline justify-between gap-x-2">
                <span class="font-semibold">{title}</span>
                <span class="text-sm text-fg-muted">{format!("{total} in {span} days · {today} today")}</span>
            </figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="chart w-full" role="img" aria-label=format!("{title} per day, last {span} days: {total} in all")>
                {grid}{bars}{dates}
            </svg>
        </figure>
    }
}
