//! The dashboard's queue section: per queue the backlog and its parts, failures, throughput and
//! job time; the live workers with their heartbeat and current jobs; failed assets with their
//! reasons, to process again (retry) or move to the trash (discard).

use domain::dto::{FailedAsset, QueueReport, WorkerView};
use leptos::prelude::*;

use crate::{
    api::{assets::ReprocessAsset, library::TrashAssets},
    ui::error_text,
};

/// The queue reports, loaded by the page (see `ui::RequirePermission`).
pub type QueueReports = Resource<Result<Vec<QueueReport>, ServerFnError>>;

#[component]
pub fn QueuesPanel(reports: QueueReports) -> impl IntoView {
    view! {
        <section class="mb-6" data-testid="queues">
            <h2 class="mb-2 font-semibold">"Queues"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match reports.await {
                        Ok(list) => view! { <QueueTable reports=list/> }.into_any(),
                        Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn QueueTable(reports: Vec<QueueReport>) -> impl IntoView {
    let workers: Vec<_> =
        reports.iter().flat_map(|r| r.workers.clone()).fold(Vec::new(), |mut seen: Vec<domain::dto::WorkerView>, w| {
            if !seen.iter().any(|s| s.id == w.id) {
                seen.push(w);
            }
            seen
        });
    view! {
        <div class="overflow-x-auto"><table class="w-full text-right text-sm">
            <thead class="text-xs uppercase text-fg-muted">
                <tr>
                    <th class="text-left">"Queue"</th><th>"Backlog"</th><th>"Pending"</th><th>"Delayed"</th><th>"Waiting"</th>
                    <th>"Active"</th><th>"Failed"</th><th title="in the last 24 hours">"Done (24 h)"</th><th>"Jobs/min"</th><th>"Median"</th>
                </tr>
            </thead>
            <tbody>
                {reports.into_iter().map(|r| view! {
                    <tr data-testid="queue-row" data-queue=r.queue.clone()>
                        <td class="text-left font-medium">{r.queue.clone()}</td>
                        <td data-testid="queue-backlog">{r.backlog}</td><td>{r.pending}</td><td>{r.delayed}</td><td>{r.redis_waiting}</td>
                        <td>{r.redis_active}</td><td>{r.failed}</td><td data-testid="queue-completed">{r.completed}</td>
                        <td>{format!("{:.1}", r.jobs_per_minute)}</td>
                        <td>{r.median_seconds.map(|s| format!("{s:.1} s")).unwrap_or_else(|| "–".into())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
        <h3 class="mb-1 mt-3 text-sm font-semibold">"Workers"</h3>
        <ul class="text-sm" data-testid="workers">
            {if workers.is_empty() {
                Some(view! {
                    <li class="font-medium text-warning-text" role="status" data-testid="no-worker">
                        "No worker is running: uploads wait until one starts."
                    </li>
                })
            } else { None }}
            {workers.into_iter().map(|w| view! {
                <li data-testid="worker">
                    <span class="font-mono">{w.id.clone()}</span>
                    {format!(" on {} · {} · last heartbeat {} · {}", w.host, queues_with_slots(&w), w.heartbeat_at.format("%H:%M:%S UTC"),
                        if w.processing.is_empty() { "idle".to_owned() } else { format!("processing {}", w.processing.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ")) })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// "image ×2, document ×1": each queue with the jobs the worker may run at once on it.
fn queues_with_slots(worker: &WorkerView) -> String {
    let slots = |i: usize| worker.slots.get(i).map(|n| format!(" ×{n}")).unwrap_or_default();
    worker.queues.iter().enumerate().map(|(i, q)| format!("{q}{}", slots(i))).collect::<Vec<_>>().join(", ")
}

/// Failed assets with why, each with Retry (process again) and Discard (move to the trash).
#[component]
pub fn FailedList(failed: Vec<FailedAsset>, on_changed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let retry = ServerAction::<ReprocessAsset>::new();
    let discard = ServerAction::<TrashAssets>::new();
    Effect::new(move |_| {
        if matches!(retry.value().get(), Some(Ok(_))) || matches!(discard.value().get(), Some(Ok(_))) {
            on_changed();
        }
    });
    let error = move || {
        retry
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| discard.value().get().and_then(Result::err))
            .map(|e| error_text(&e))
    };
    view! {
        <ul class="text-sm" data-testid="failed">
            {failed.into_iter().map(|f| {
                let id = f.id;
                view! {
                    <li class="mb-1" data-testid="failed-asset">
                        <a class="underline" href=format!("/assets/{id}")>{f.name}</a>
                        <span class="block text-danger-text">{f.reason}</span>
                        // Forms, so a press before the page is interactive (or without
                        // JavaScript) still posts, and comes back to the dashboard.
                        <ActionForm action=retry attr:class="inline">
                            <input type="hidden" name="input[id]" value=id.to_string()/>
                            <button type="submit" class="btn btn-ghost btn-sm mr-2" data-testid="failed-retry">"Retry"</button>
                        </ActionForm>
                        <ActionForm action=discard attr:class="inline">
                            <input type="hidden" name="input[assets][0]" value=id.to_string()/>
                            <button type="submit" class="btn btn-ghost btn-sm" data-testid="failed-discard">"Discard"</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || error().map(|e| view! { <p class="text-sm text-danger-text" role="alert">{e}</p> })}
    }
}
