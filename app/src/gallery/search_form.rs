//! The search box and filters. A plain GET form (it works without JavaScript); in the browser it
//! searches as you type and applies a filter as soon as it changes, by navigating to the query's
//! address — so every search can be bookmarked, shared and gone back to.

use std::time::Duration;

use domain::dto::AssetQuery;
use leptos::{html, prelude::*};
use leptos_router::{hooks::use_navigate, NavigateOptions};

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

    view! {
        <form node_ref=form method="get" action="/" role="search" class="mb-4 space-y-2" data-testid="search-form"
            on:submit={
                let apply = apply.clone();
                move |ev| { ev.prevent_default(); apply(); }
            }
            on:change=move |_| apply()>
            <input type="search" name="q" data-testid="search-input" aria-label="Search"
                placeholder="Search names, titles, tags, descriptions…" autocomplete="off"
                class="w-full rounded border border-slate-300 px-3 py-2"
                value=field(|q| q.q.clone()) prop:value=field(|q| q.q.clone())
                on:input=move |_| apply_soon()/>
            <input type="hidden" name="tags" prop:value=field(|q| q.tags.clone()) value=field(|q| q.tags.clone())/>
            <input type="hidden" name="collection" prop:value=field(collection_text) value=field(collection_text)/>
            <div class="flex flex-wrap items-center gap-2 text-sm">
                <Choice name="kind" label="Type" choices=KINDS current=field(|q| q.kind.map(|k| k.label().to_owned()).unwrap_or_default())/>
                <Choice name="orientation" label="Shape" choices=ORIENTATIONS current=field(|q| word(&q.orientation))/>
                <Choice name="resolution" label="Resolution" choices=RESOLUTIONS current=field(|q| word(&q.resolution))/>
                <Choice name="duration" label="Length" choices=DURATIONS current=field(|q| word(&q.duration))/>
                <Choice name="sort" label="Sort" choices=SORTS current=field(|q| word(&Some(q.sort)))/>
            </div>
            <div class="flex flex-wrap items-center gap-2 text-sm text-slate-600">
                <DateRange label="Uploaded" from="uploaded_from" to="uploaded_to" values=move || query.with(|q| (date(q.uploaded_from), date(q.uploaded_to)))/>
                <DateRange label="Taken" from="taken_from" to="taken_to" values=move || query.with(|q| (date(q.taken_from), date(q.taken_to)))/>
                <button type="submit" class="rounded border border-slate-300 px-2 py-1">"Apply"</button>
                <Show when=move || query.with(AssetQuery::is_filtered)>
                    <a href=move || query.with(|q| gallery_href(&AssetQuery { collection: q.collection, ..Default::default() })) class="underline" data-testid="clear-search">"Clear all"</a>
                </Show>
            </div>
        </form>
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
) -> impl IntoView {
    view! {
        <label class="flex items-center gap-1">
            <span class="sr-only">{label}</span>
            <select name=name data-testid=format!("filter-{name}") class="rounded border border-slate-300 px-2 py-1" prop:value=current>
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
        <span>{label}</span>
        <input type="date" name=from aria-label=format!("{label} from") data-testid=format!("filter-{from}") class="rounded border border-slate-300 px-1"
            value=move || values().0 prop:value=move || values().0/>
        <span>"–"</span>
        <input type="date" name=to aria-label=format!("{label} to") data-testid=format!("filter-{to}") class="rounded border border-slate-300 px-1"
            value=move || values().1 prop:value=move || values().1/>
    }
}
