//! Search results: how many, facets to narrow down (type and top tags, with counts), the grid,
//! and more pages as the person scrolls (keyset cursors; a plain "More" link without JavaScript).

use domain::dto::{AssetKind, AssetQuery, AssetView, FacetCount, SearchResults};
use leptos::{html, prelude::*};

use super::{
    asset_card::AssetCard,
    search_form::{active_filters, gallery_href},
    selection::Selection,
};
use crate::{
    api::library::search_assets,
    ui::{
        error_text,
        icons::{Icon, CLOSE},
    },
};

/// Pages loaded beyond the first, and where the next one starts. Kept outside the first page's
/// reloads (live updates), reset when the query changes.
#[derive(Clone, Copy)]
pub struct MorePages {
    pub items: RwSignal<Vec<AssetView>>,
    pub next: RwSignal<Option<String>>,
    /// Whether `next` belongs to the loaded pages rather than to the first page.
    pub loaded: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl MorePages {
    pub fn new() -> Self {
        MorePages {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loaded: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    pub fn reset(&self) {
        self.items.set(Vec::new());
        self.next.set(None);
        self.loaded.set(false);
        self.error.set(None);
    }
}

fn plural(n: u64, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

fn kind_label(value: &str) -> &'static str {
    match value {
        "image" => "Images",
        "video" => "Videos",
        _ => "Documents",
    }
}

#[component]
pub fn Results(
    query: AssetQuery,
    results: SearchResults,
    more: MorePages,
    selection: Option<Selection>,
) -> impl IntoView {
    if !more.loaded.get_untracked() {
        more.next.set(results.next.clone());
    }
    let first_ids: Vec<uuid::Uuid> = results.items.iter().map(|a| a.id).collect();
    let count = if results.estimated {
        format!("about {}", plural(results.total, "asset"))
    } else {
        plural(results.total, "asset")
    };
    let empty = results.items.is_empty();
    let filtered = query.is_filtered();
    // Later pages, minus anything a reloaded first page now shows itself.
    let shown_first = first_ids.clone();
    let later_pages = move || more.items.get().into_iter().filter(|a| !first_ids.contains(&a.id)).collect::<Vec<_>>();
    // The viewer's previous / next follow what this gallery lists.
    {
        let (from, later) = (gallery_href(&query.first_page()), later_pages.clone());
        Effect::new(move |_| {
            let mut ids = shown_first.clone();
            ids.extend(later().into_iter().map(|a| a.id));
            if let Some(selection) = selection {
                selection.listed.set(ids.clone());
            }
            super::viewer_nav::remember_order(from.clone(), ids);
        });
    }
    let sentinel = NodeRef::<html::Div>::new();
    load_more_when_visible(sentinel, query.clone(), more);
    let more_link = {
        let query = query.clone();
        move || more.next.get().map(|after| gallery_href(&AssetQuery { after: Some(after), ..query.clone() }))
    };

    view! {
        <Facets query=query.clone() kinds=results.facets.kinds tags=results.facets.tags count/>
        {empty.then(|| view! {
            <p class="text-fg-muted" data-testid="empty-library">
                {if filtered {
                    "Nothing matches this search. Try fewer words or filters."
                } else if query.collection.is_some() {
                    "Nothing in this collection yet: select assets in the library and add them."
                } else {
                    "No assets yet. Upload some files to get started."
                }}
            </p>
        })}
        <ul class="justified" data-testid="asset-grid" aria-label="Assets">
            {results.items.into_iter().map(|asset| view! { <AssetCard asset selection/> }).collect_view()}
            <For each=later_pages key=|a| a.id let:asset>
                <AssetCard asset selection/>
            </For>
        </ul>
        <div node_ref=sentinel class="h-8" data-testid="more-sentinel"></div>
        {move || more.error.get().map(|e| view! { <p class="text-sm text-danger-text" role="alert">{e}</p> })}
        {move || more_link().map(|href| view! { <noscript><a href=href class="underline">"More"</a></noscript> })}
    }
}

#[component]
fn Facets(query: AssetQuery, kinds: Vec<FacetCount>, tags: Vec<FacetCount>, count: String) -> impl IntoView {
    let active_filters = active_filters(&query)
        .into_iter()
        .map(|(label, without)| view! {
            <a href=gallery_href(&without) class="chip chip-active" data-testid="active-filter" title="Remove this filter">
                {label}<Icon icon=CLOSE class="h-3.5 w-3.5"/>
            </a>
        })
        .collect_view();
    let chosen = query.tag_list();
    let chip = "chip";
    let kind_links = kinds
        .into_iter()
        .filter(|_| query.kind.is_none())
        .map(|f| {
            let kind: Option<AssetKind> = serde_json::from_value(serde_json::Value::String(f.value.clone())).ok();
            let active = kind.is_some() && kind == query.kind;
            let target = AssetQuery { kind: if active { None } else { kind }, ..query.first_page() };
            let class = if active { format!("{chip} chip-active") } else { chip.to_owned() };
            view! { <a href=gallery_href(&target) class=class data-testid="facet-kind" data-value=f.value.clone()>{kind_label(&f.value)}<span class="text-fg-muted">{f.count}</span></a> }
        })
        .collect_view();
    let active_tags = chosen
        .iter()
        .map(|tag| {
            let rest: Vec<String> = chosen.iter().filter(|t| *t != tag).cloned().collect();
            let target = query.first_page().with_tags(&rest);
            view! {
                <a href=gallery_href(&target) class=format!("{chip} chip-active") data-testid="active-tag" title="Remove this tag from the search">
                    {format!("#{tag}")}<Icon icon=CLOSE class="h-3.5 w-3.5"/>
                </a>
            }
        })
        .collect_view();
    let tag_links = tags
        .into_iter()
        .filter(|f| !chosen.contains(&f.value))
        .map(|f| {
            let mut with = chosen.clone();
            with.push(f.value.clone());
            let target = query.first_page().with_tags(&with);
            view! { <a href=gallery_href(&target) class=chip data-testid="facet-tag" data-value=f.value.clone()>{format!("#{}", f.value)}<span class="text-fg-muted">{f.count}</span></a> }
        })
        .collect_view();
    view! {
        // On a phone the chips scroll sideways inside their own row instead of filling the screen.
        <div class="-mx-4 mb-3 flex items-center gap-2 overflow-x-auto px-4 pb-1 whitespace-nowrap sm:mx-0 sm:flex-wrap sm:overflow-visible sm:px-0 sm:whitespace-normal" data-testid="facets">
            <span class="mr-1 text-sm text-fg-muted" data-testid="result-count">{count}</span>
            {active_filters}{active_tags}
            {query.is_filtered().then(|| view! {
                <a href=gallery_href(&AssetQuery { collection: query.collection, ..Default::default() })
                    class="btn btn-ghost btn-sm" data-testid="clear-search">"Clear all"</a>
            })}
            {kind_links}{tag_links}
        </div>
    }
}

/// Loads the next page whenever the end of the grid scrolls into view (browser only).
fn load_more_when_visible(sentinel: NodeRef<html::Div>, query: AssetQuery, more: MorePages) {
    let busy = StoredValue::new(false);
    let query = StoredValue::new(query);
    let load = move || {
        let Some(after) = more.next.get_untracked() else { return };
        if busy.get_value() {
            return;
        }
        busy.set_value(true);
        let wanted = AssetQuery { after: Some(after), ..query.get_value() };
        leptos::task::spawn_local(async move {
            match search_assets(wanted).await {
                Ok(page) => {
                    more.items.update(|items| items.extend(page.items));
                    more.next.set(page.next);
                    more.loaded.set(true);
                    more.error.set(None);
                }
                Err(e) => more.error.set(Some(format!("Could not load more: {}", error_text(&e)))),
            }
            busy.set_value(false);
        });
    };
    Effect::new(move |_| {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        let Some(element) = sentinel.get() else { return };
        let on_seen = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let seen =
                entries.iter().any(|e| e.unchecked_into::<web_sys::IntersectionObserverEntry>().is_intersecting());
            if seen {
                load();
            }
        });
        let Ok(observer) = web_sys::IntersectionObserver::new(on_seen.as_ref().unchecked_ref()) else { return };
        observer.observe(&element);
        // A page shorter than the screen keeps the sentinel in view: look again after each load.
        let again = observer.clone();
        Effect::new(move |_| {
            more.items.track();
            again.unobserve(&element);
            again.observe(&element);
        });
        let guard = send_wrapper::SendWrapper::new((observer, on_seen));
        on_cleanup(move || guard.0.disconnect());
    });
}
