//! The search box and filters. A plain GET form (it works without JavaScript); in the browser it
//! searches as you type and applies a filter as soon as it changes, by navigating to the query's
//! address — so every search can be bookmarked, shared and gone back to.

use std::time::Duration;

use domain::dto::AssetQuery;
use leptos::{html, prelude::*};
use leptos_router::{hooks::use_navigate, NavigateOptions};

use crate::ui::{
    follow_details,
    icons::{Icon, FILTERS, SEARCH, SORT},
    typing_in_a_field,
};

/// Typing pauses this long before the search runs.
const TYPING_PAUSE: Duration = Duration::from_millis(250);

/// `(value, label)` choices of a select; the first is "any".
type Choices = &'static [(&'static str, &'static str)];
const KINDS: Choices = &[("", "Any type"), ("image", "Images"), ("video", "Videos"), ("document", "Documents")];
const SORTS: Choices =
    &[("newest", "Newest first"), ("oldest", "Oldest first"), ("name", "Name"), ("size", "Largest first")];
const ORIENTATIONS: Choices =
    &[("", "Any shape"), ("landscape", "Landscape"), ("portrait", "Portrait"), ("square", "Square")];
const RESOLUTIONS: Choices =
    &[("", "Any resolution"), ("4k", "4K and up"), ("1080p", "1080p and up"), ("720p", "720p and up")];
const DURATIONS: Choices =
    &[("", "Any length"), ("short", "Under 30 s"), ("medium", "30 s – 5 min"), ("long", "Over 5 min")];

/// The address of `query` in the gallery.
pub fn gallery_href(query: &AssetQuery) -> String {
    let text = query.to_query_string();
    if text.is_empty() {
        "/".into()
    } else {
        format!("/?{text}")
    }
}

#[component]
pub fn SearchForm(query: Memo<AssetQuery>) -> impl IntoView {
    let form = NodeRef::<html::Form>::new();
    let search = NodeRef::<html::Input>::new();
    let navigate = use_navigate();
    // A search typed just before leaving the page may fire after the form is gone: then it does nothing.
    let apply = move || {
        let Some(form) = form.try_get_untracked().flatten() else { return };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        let wanted = AssetQuery::from_lookup(|key| data.get(key).as_string().filter(|v| !v.is_empty()));
        if query.try_get_untracked().is_some_and(|current| wanted != current) {
            navigate(&gallery_href(&wanted), NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    };
    let pending = StoredValue::new(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
    });
    let apply_soon = {
        let apply = apply.clone();
        move || {
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
            let apply = apply.clone();
            pending.set_value(set_timeout_with_handle(apply, TYPING_PAUSE).ok());
        }
    };
    let field = move |read: fn(&AssetQuery) -> String| move || query.with(read);
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();

    let filters_open = RwSignal::new(false);
    let filters = NodeRef::<html::Details>::new();
    close_when_clicked_outside(filters, filters_open);
    let active = move || query.with(|q| active_filters(q).len());
    focus_search_on_slash(search);

    view! {
        <form node_ref=form method="get" action="/" role="search" class="flex min-w-0 flex-1 items-center gap-2" data-testid="search-form"
            on:submit={
                let apply = apply.clone();
                move |ev| { ev.prevent_default(); filters_open.set(false); apply(); }
            }
            on:change=move |_| apply()>
            <label class="relative min-w-0 flex-1">
                <span class="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-fg-muted"><Icon icon=SEARCH/></span>
                <input type="search" name="q" data-testid="search-input" aria-label="Search" aria-keyshortcuts="/"
                    placeholder="Search names, titles, tags…" autocomplete="off" node_ref=search
                    class="input w-full pl-10"
                    value=field(|q| q.q.clone()) prop:value=field(|q| q.q.clone())
                    on:input=move |_| apply_soon()/>
            </label>
            <input type="hidden" name="tags" prop:value=field(|q| q.tags.clone()) value=field(|q| q.tags.clone())/>
            <input type="hidden" name="collection" prop:value=field(collection_text) value=field(collection_text)/>
            // A disclosure: it opens without JavaScript too.
            <details class="relative" node_ref=filters prop:open=filters_open
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { filters_open.set(false); }
                on:toggle=move |ev| follow_details(ev, filters_open)>
                <summary class="btn btn-secondary list-none" data-testid="filters-button">
                    <Icon icon=FILTERS/><span class="hidden sm:inline">"Filters"</span>
                    <Show when=move || { active() > 0 }>
                        <span class="badge badge-accent">{active}</span>
                    </Show>
                </summary>
                <div class="menu absolute right-0 top-full z-40 mt-2 w-[min(34rem,calc(100vw-2rem))] space-y-4 p-4 text-sm" data-testid="filters-panel">
                    <div class="grid grid-cols-1 gap-3 sm:grid-cols-2">
                        <Choice name="kind" label="Type" choices=KINDS current=field(|q| q.kind.map(|k| k.label().to_owned()).unwrap_or_default())/>
                        <Choice name="orientation" label="Shape" choices=ORIENTATIONS current=field(|q| word(&q.orientation))/>
                        <Choice name="resolution" label="Resolution" choices=RESOLUTIONS current=field(|q| word(&q.resolution))/>
                        <Choice name="duration" label="Length" choices=DURATIONS current=field(|q| word(&q.duration))/>
                    </div>
                    <DateRange label="Uploaded" from="uploaded_from" to="uploaded_to" values=move || query.with(|q| (date(q.uploaded_from), date(q.uploaded_to)))/>
                    <DateRange label="Taken" from="taken_from" to="taken_to" values=move || query.with(|q| (date(q.taken_from), date(q.taken_to)))/>
                    <button type="submit" class="btn btn-primary">"Apply"</button>
                </div>
            </details>
            // On a phone the sort is an icon button: the select lies over it, invisible, and opens
            // the phone's own picker; from the `sm` width up it is the select itself.
            <label class="relative block shrink-0" title="Sort">
                <span class="sr-only">"Sort"</span>
                <span class="btn btn-secondary btn-icon sm:hidden" aria-hidden="true"><Icon icon=SORT/></span>
                {
                    let current = field(|q| word(&Some(q.sort)));
                    view! {
                        <select name="sort" data-testid="filter-sort" class="select absolute inset-0 opacity-0 sm:static sm:opacity-100" prop:value=current>
                            {SORTS.iter().map(|(value, text)| view! { <option value=*value selected=move || current() == *value>{*text}</option> }).collect_view()}
                        </select>
                    }
                }
            </label>
        </form>
    }
}

/// The filters panel folds away when someone clicks elsewhere, as menus do.
fn close_when_clicked_outside(panel: NodeRef<html::Details>, open: RwSignal<bool>) {
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::click, move |ev| {
            use leptos::wasm_bindgen::JsCast;
            let inside = match (panel.get_untracked(), ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok())) {
                (Some(panel), Some(target)) => panel.contains(Some(&target)),
                _ => true,
            };
            if !inside && open.get_untracked() {
                open.set(false);
            }
        });
        on_cleanup(move || handle.remove());
    });
}

/// `/` anywhere but in a text field moves to the search box, as in most libraries and mail apps.
fn focus_search_on_slash(search: NodeRef<html::Input>) {
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            if !typing_in_a_field() {
                if let Some(input) = search.get_untracked() {
                    ev.prevent_default();
                    let _ = input.focus();
                    input.select();
                }
            }
        });
        on_cleanup(move || handle.remove());
    });
}

/// The filters in effect, each with the search without it (for its removable chip).
pub fn active_filters(q: &AssetQuery) -> Vec<(String, AssetQuery)> {
    let base = q.first_page();
    let mut out = Vec::new();
    let named = |choices: Choices, value: String| {
        choices.iter().find(|(v, _)| *v == value).map(|(_, label)| (*label).to_owned())
    };
    if let Some(kind) = q.kind {
        out.push((
            named(KINDS, kind.label().to_owned()).unwrap_or_default(),
            AssetQuery { kind: None, ..base.clone() },
        ));
    }
    if let Some(label) = named(ORIENTATIONS, word(&q.orientation)).filter(|_| q.orientation.is_some()) {
        out.push((label, AssetQuery { orientation: None, ..base.clone() }));
    }
    if let Some(label) = named(RESOLUTIONS, word(&q.resolution)).filter(|_| q.resolution.is_some()) {
        out.push((label, AssetQuery { resolution: None, ..base.clone() }));
    }
    if let Some(label) = named(DURATIONS, word(&q.duration)).filter(|_| q.duration.is_some()) {
        out.push((label, AssetQuery { duration: None, ..base.clone() }));
    }
    if let Some(label) = range_label("Uploaded", q.uploaded_from, q.uploaded_to) {
        out.push((label, AssetQuery { uploaded_from: None, uploaded_to: None, ..base.clone() }));
    }
    if let Some(label) = range_label("Taken", q.taken_from, q.taken_to) {
        out.push((label, AssetQuery { taken_from: None, taken_to: None, ..base.clone() }));
    }
    out
}

fn range_label(what: &str, from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>) -> Option<String> {
    let day = |d: chrono::NaiveDate| d.format("%-d %b %Y").to_string();
    match (from, to) {
        (Some(f), Some(t)) => Some(format!("{what} {} – {}", day(f), day(t))),
        (Some(f), None) => Some(format!("{what} since {}", day(f))),
        (None, Some(t)) => Some(format!("{what} until {}", day(t))),
        (None, None) => None,
    }
}

fn collection_text(query: &AssetQuery) -> String {
    query.collection.map(|c| c.to_string()).unwrap_or_default()
}

/// The URL word of an optional enum value (`Some(Sort::Name)` → `name`).
fn word<T: serde::Serialize>(value: &Option<T>) -> String {
    value
        .as_ref()
        .and_then(|v| serde_json::to_value(v).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[component]
fn Choice(
    name: &'static str,
    label: &'static str,
    choices: Choices,
    current: impl Fn() -> String + Copy + Send + Sync + 'static,
    #[prop(optional)] hide_label: bool,
) -> impl IntoView {
    view! {
        <label class="block">
            <span class=if hide_label { "sr-only" } else { "field-label" }>{label}</span>
            <select name=name data-testid=format!("filter-{name}") class="select w-full" prop:value=current>
                {choices.iter().map(|(value, text)| view! { <option value=*value selected=move || current() == *value>{*text}</option> }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn DateRange(
    label: &'static str,
    from: &'static str,
    to: &'static str,
    values: impl Fn() -> (String, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <fieldset>
            <legend class="field-label">{label}</legend>
            <div class="flex items-center gap-2">
                <input type="date" name=from aria-label=format!("{label} from") data-testid=format!("filter-{from}") class="input min-w-0 flex-1"
                    value=move || values().0 prop:value=move || values().0/>
                <span aria-hidden="true">"–"</span>
                <input type="date" name=to aria-label=format!("{label} to") data-testid=format!("filter-{to}") class="input min-w-0 flex-1"
                    value=move || values().1 prop:value=move || values().1/>
            </div>
        </fieldset>
    }
}
