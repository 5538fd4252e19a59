//! "Add to collection" in the viewer's top bar: a menu of the collections (read each time it
//! opens), each a button; the asset joins the one chosen and a notice says so.

use domain::{dto::CollectionView, dto::PageRequest, operations::collections::CollectionAssets};
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    api::library::{add_to_collection, list_collections},
    routes,
    ui::{
        close_on_escape, error_text, follow_details,
        icons::{Icon, ADD_TO_COLLECTION},
        read_pages,
        toast::use_toasts,
    },
};

/// The collections listed: not read yet, read, or why they could not be.
type Listed = Option<Result<Vec<CollectionView>, String>>;

#[component]
pub fn AddToCollectionMenu(asset_id: Uuid) -> impl IntoView {
    let open = RwSignal::new(false);
    let listed = RwSignal::new(Listed::None);
    let toasts = use_toasts();
    // Read each time it opens: collections may have been made or deleted meanwhile. Only the
    // answer to the latest opening is shown (an earlier one may arrive after it).
    let openings = StoredValue::new(0u64);
    Effect::new(move |_| {
        if open.get() {
            let this = openings.get_value() + 1;
            openings.set_value(this);
            listed.set(None);
            leptos::task::spawn_local(async move {
                let all = read_pages(usize::MAX, |after| list_collections(PageRequest { after, limit: Some(500) }));
                let answer = all.await.map(|page| page.items).map_err(|e| error_text(&e));
                if openings.get_value() == this {
                    listed.set(Some(answer));
                }
            });
        }
    });
    let add = move |collection: CollectionView| {
        open.set(false);
        leptos::task::spawn_local(async move {
            let added = add_to_collection(CollectionAssets { id: collection.id, assets: vec![asset_id] }).await;
            match added {
                Ok(added) if added.added == 0 => toasts.say(format!("Already in {}", collection.name)),
                Ok(_) => toasts.say(format!("Added to {}", collection.name)),
                Err(e) => toasts.say(format!("Could not add it to {}: {}", collection.name, error_text(&e))),
            }
        });
    };
    view! {
        <details class="relative" data-testid="collection-menu" prop:open=open
            on:toggle=move |ev| follow_details(ev, open)
            on:keydown=close_on_escape(open)>
            <summary class="btn btn-ghost btn-icon list-none" aria-label="Add to collection" title="Add to collection">
                <Icon icon=ADD_TO_COLLECTION/>
            </summary>
            <div class="menu absolute right-0 top-full z-40 mt-1 w-72 max-w-[calc(100vw-2rem)]">
                <p class="px-3 py-1 text-xs font-medium uppercase tracking-wide text-fg-muted">"Add to collection"</p>
                {move || collection_items(listed.get(), add)}
                <a class="menu-item border-t border-line" href=routes::COLLECTIONS>"New or manage collections…"</a>
            </div>
        </details>
    }
}

fn collection_items(listed: Listed, add: impl Fn(CollectionView) + Copy + Send + Sync + 'static) -> AnyView {
    match listed {
        None => view! { <p class="px-3 py-2 text-sm text-fg-muted">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="px-3 py-2 text-sm text-danger-text" role="alert">{e}</p> }.into_any(),
        Some(Ok(collections)) if collections.is_empty() => {
            view! { <p class="px-3 py-2 text-sm text-fg-muted">"No collections yet."</p> }.into_any()
        }
        Some(Ok(collections)) => view! {
            <ul class="max-h-72 overflow-y-auto">
                {collections.into_iter().map(|c| {
                    let name = c.name.clone();
                    view! {
                        <li><button type="button" class="menu-item w-full text-left" on:click=move |_| add(c.clone())>{name}</button></li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}
