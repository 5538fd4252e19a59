//! The floating upload tray (bottom corner): a summary line, and one row per file with its
//! progress, speed and pause / resume / cancel. It never pushes the page down, folds to its
//! summary, and can be closed once nothing is left to send.

use leptos::prelude::*;

use super::{Queue, Row, State};
use crate::{
    routes,
    ui::{
        human_size,
        icons::{Icon, CHEVRON_DOWN, CLOSE},
    },
};

#[component]
pub(super) fn UploadTray(queue: Queue) -> impl IntoView {
    let open = RwSignal::new(true);
    let rows = queue.rows;
    let count =
        move |wanted: fn(&State) -> bool| rows.with(|rows| rows.iter().filter(|r| r.state.with(wanted)).count());
    let active = move || count(|s| matches!(s, State::Waiting | State::Uploading | State::Paused));
    let summary = move || {
        let total = rows.with(Vec::len);
        let done = count(|s| matches!(s, State::Done));
        let duplicates = count(|s| matches!(s, State::AlreadyThere(..)));
        let failed = count(|s| matches!(s, State::Failed(_)));
        let mut parts = Vec::new();
        if active() > 0 {
            let speed: f64 = rows.with(|rows| rows.iter().map(|r| r.speed.get()).sum());
            let mut line = format!("Uploading {} of {total}", done + duplicates + failed + 1);
            if speed > 0.0 {
                line.push_str(&format!(" · {}/s", human_size(speed as i64)));
            }
            parts.push(line);
        } else if done > 0 || (duplicates == 0 && failed == 0) {
            parts.push(format!("{done} uploaded"));
        }
        if duplicates > 0 {
            parts.push(format!("{duplicates} already in the library"));
        }
        if failed > 0 {
            parts.push(format!("{failed} failed"));
        }
        parts.join(" · ")
    };
    // Everything finished: fold to the summary line.
    Effect::new(move |was_active: Option<bool>| {
        let now = active() > 0;
        if was_active == Some(true) && !now && count(|s| matches!(s, State::Failed(_))) == 0 {
            open.set(false);
        }
        if now {
            open.set(true);
        }
        now
    });
    view! {
        <Show when=move || rows.with(|r| !r.is_empty())>
            <aside class="upload-tray" aria-label="Uploads" data-testid="upload-tray">
                <div class="flex items-center gap-2 px-3 py-2">
                    <p class="min-w-0 flex-1 truncate text-sm font-medium" role="status" data-testid="upload-summary">{summary}</p>
                    <button type="button" class="btn btn-ghost btn-icon btn-sm" aria-expanded=move || open.get().to_string()
                        aria-label=move || if open.get() { "Fold the upload list" } else { "Show the upload list" }
                        on:click=move |_| open.update(|o| *o = !*o)>
                        <span class="inline-flex transition-transform" class:rotate-180=move || !open.get()><Icon icon=CHEVRON_DOWN/></span>
                    </button>
                    <Show when=move || active() == 0>
                        <button type="button" class="btn btn-ghost btn-icon btn-sm" aria-label="Close the upload list"
                            data-testid="upload-tray-close" on:click=move |_| rows.set(Vec::new())>
                            <Icon icon=CLOSE/>
                        </button>
                    </Show>
                </div>
                <ul class="max-h-72 space-y-3 overflow-y-auto border-t border-line px-3 py-2" class:hidden=move || !open.get()
                    data-testid="upload-rows">
                    <For each=move || rows.get() key=|row| row.key let:row>
                        <UploadRow row queue/>
                    </For>
                </ul>
            </aside>
        </Show>
    }
}

#[component]
fn UploadRow(row: Row, queue: Queue) -> impl IntoView {
    let state = row.state;
    let percent = move || if row.size > 0.0 { (row.sent.get() / row.size * 100.0).min(100.0) } else { 100.0 };
    let name = row.name.get_value();
    view! {
        <li class="text-sm" data-testid="upload-row" data-state=move || state.get().label()>
            <div class="flex items-center justify-between gap-2">
                <span class="min-w-0 truncate font-medium" title=name.clone()>{name.clone()}</span>
                <span class="flex shrink-0 gap-1">
                    <Show when=move || state.get() == State::Uploading || state.get() == State::Waiting>
                        <button type="button" class="btn btn-ghost btn-sm" on:click=move |_| queue.pause(row)
                            aria-label=format!("Pause {name}")>"Pause"</button>
                    </Show>
                    <Show when=move || state.get() == State::Paused || matches!(state.get(), State::Failed(_))>
                        <button type="button" class="btn btn-ghost btn-sm" on:click=move |_| queue.resume(row)>"Resume"</button>
                    </Show>
                    <Show when=move || !matches!(state.get(), State::Done | State::Cancelled | State::AlreadyThere(..))>
                        <button type="button" class="btn btn-ghost btn-sm" on:click=move |_| queue.cancel(row)>"Cancel"</button>
                    </Show>
                </span>
            </div>
            <progress class="progress mt-1" max="100" value=percent aria-label="Sent"></progress>
            <p class="mt-0.5 text-xs text-fg-muted">
                {move || format!("{:.0}% of {}", percent(), human_size(row.size as i64))}
                {move || (row.speed.get() > 0.0).then(|| format!(" · {}/s", human_size(row.speed.get() as i64)))}
                " · " {move || state.get().label()}
            </p>
            {move || match state.get() {
                State::Failed(reason) => Some(view! { <p class="text-danger-text" role="alert" data-testid="upload-error">{reason}</p> }.into_any()),
                State::AlreadyThere(name, id) => Some(view! {
                    <p class="text-fg-muted" role="status" data-testid="upload-duplicate">
                        "Already in the library as "
                        <a class="font-medium underline" href=uuid::Uuid::parse_str(&id).map(routes::asset).unwrap_or_default()>{format!("“{name}”")}</a>
                        "; nothing new was stored."
                    </p>
                }.into_any()),
                _ => None,
            }}
        </li>
    }
    .into_any()
}
