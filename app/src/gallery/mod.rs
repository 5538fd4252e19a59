//! The gallery page: the upload queue, the search box and filters, and the results, which update
//! themselves while assets are being processed.

mod asset_card;
mod asset_edit;
mod asset_facts;
pub mod asset_page;
mod collection_header;
mod collection_menu;
pub mod collections_page;
mod results;
mod search_form;
mod selection;
mod selection_bar;
mod trash_actions;
pub mod trash_page;
mod type_icon;
mod versions_panel;
mod video_player;
mod viewer_nav;
mod zoom;

use std::time::Duration;

use domain::{
    dto::{AssetQuery, CollectionView, PageRequest, SearchResults},
    operations::ById,
    policy::Permission,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::library::{get_collection, list_collections, search_assets},
    sharing::ShareLinks,
    ui::{error_text, may, read_pages, RequirePermission},
    uploads::UploadQueue,
};
use results::{MorePages, Results};
use search_form::SearchForm;
use selection_bar::SelectionBar;

/// Status changes arriving within this window cause one reload of the list, not one each.
const COALESCE: Duration = Duration::from_millis(300);

/// Calls `reload` when the server announces something that `concerns` the page, over server-sent
/// events from `/api/events`: `concerns` gets the event's type (`asset` for a status change, with
/// its JSON `{"id": …, "status": …}`; `resync` after missed events; `open` on every (re)connect).
/// Effects run in the browser only.
pub(crate) fn live_updates(
    concerns: impl Fn(&str, Option<&str>) -> bool + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) {
    let concerns = std::sync::Arc::new(concerns);
    Effect::new(move |_| {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        let Ok(source) = web_sys::EventSource::new("/api/events") else { return };
        let scheduled = StoredValue::new(false);
        let concerns = concerns.clone();
        let on_change = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let data = event.dyn_ref::<web_sys::MessageEvent>().and_then(|m| m.data().as_string());
            if concerns(&event.type_(), data.as_deref()) && !scheduled.get_value() {
                scheduled.set_value(true);
                set_timeout(
                    move || {
                        scheduled.set_value(false);
                        reload();
                    },
                    COALESCE,
                );
            }
        });
        for event in ["asset", "resync", "open"] {
            let _ = source.add_event_listener_with_callback(event, on_change.as_ref().unchecked_ref());
        }
        let guard = send_wrapper::SendWrapper::new((source, on_change));
        on_cleanup(move || guard.0.close());
    });
}

/// Counts changes to the library made from outside the gallery page (an undo in a notice, after
/// the page that raised it has gone); the gallery reloads on each. Provided once, in the app's frame.
#[derive(Clone, Copy)]
pub struct LibraryChanges(RwSignal<u64>);

impl LibraryChanges {
    pub fn provide() {
        provide_context(LibraryChanges(RwSignal::new(0)));
    }

    pub fn get() -> Self {
        expect_context::<LibraryChanges>()
    }

    pub fn bump(&self) {
        self.0.update(|n| *n += 1);
    }
}

#[component]
pub fn GalleryPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| AssetQuery::from_lookup(|key| p.get(key))));
    let refresh = LibraryChanges::get().0;
    let collection_id = move || query.with(|q| q.collection);
    let data = LibraryData {
        query,
        refresh,
        first_page: Resource::new(move || (query.get(), refresh.get()), |(query, _)| search_assets(query)),
        collection: Resource::new(collection_id, |id| async move {
            match id {
                Some(id) => get_collection(ById { id }).await.map(Some),
                None => Ok(None),
            }
        }),
        // Every collection, for "Add to collection".
        collections: Resource::new(
            || (),
            |_| async {
                let all = read_pages(usize::MAX, |after| list_collections(PageRequest { after, limit: Some(500) }));
                all.await.map(|page| page.items)
            },
        ),
        links: ShareLinks::new(move || (None, collection_id())),
    };
    view! {
        <RequirePermission permission=Permission::Browse>
            <Library data/>
        </RequirePermission>
    }
}

/// What the library page loads. Made by the page, once, outside any Suspense: Leptos re-runs the
/// views inside a Suspense while it waits, and resources made there are made a varying number of
/// times, which breaks hydration (see `ui::RequirePermission`).
#[derive(Clone, Copy)]
struct LibraryData {
    query: Memo<AssetQuery>,
    refresh: RwSignal<u64>,
    first_page: Resource<Result<SearchResults, ServerFnError>>,
    /// The collection searched inside, if any.
    collection: Resource<Result<Option<CollectionView>, ServerFnError>>,
    /// Every collection, to add the selection to.
    collections: Resource<Result<Vec<CollectionView>, ServerFnError>>,
    links: ShareLinks,
}

#[component]
fn Library(data: LibraryData) -> impl IntoView {
    let LibraryData { query, refresh, first_page, collection, collections, links } = data;
    let may_upload = may(Permission::Upload);
    let bump = move || refresh.update(|n| *n += 1);
    let more = MorePages::new();
    Effect::new(move |_| {
        query.track();
        more.reset();
    });
    let selection = selection::Selection::new();
    selection::keyboard(selection);

    // Every change may alter the list; changes made while the stream was not connected are
    // caught by reloading when it (re)opens.
    live_updates(|_, _| true, bump);

    view! {
        <h1 class="sr-only">"Library"</h1>
        {move || query.with(|q| q.collection).map(|id| view! { <collection_header::CollectionHeader id collection links/> })}
        <div class="sticky top-0 z-30 -mx-4 mb-2 flex items-center gap-2 bg-canvas px-4 py-2 md:-mx-6 md:px-6" data-testid="gallery-bar">
            <SearchForm query/>
            <Show when=may_upload>
                <UploadQueue on_uploaded=bump/>
            </Show>
        </div>
        <SelectionBar selection collection=Signal::derive(move || query.with(|q| q.collection)) collections on_changed=bump/>
        <Transition fallback=|| view! { <p class="text-fg-muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match first_page.await {
                    Ok(results) => view! { <Results query=query.get_untracked() results more selection=Some(selection)/> }.into_any(),
                    Err(e) => view! { <p class="text-danger-text" role="alert">{format!("Could not search the library: {}", error_text(&e))}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
