//! `/collections`: the collections, newest changed first, and a form to start one (editors).
//! A collection's own page is the library searched inside it (`/?collection=<id>`).

use domain::{
    dto::{AssetQuery, CollectionView, Page, PageRequest},
    policy::Permission,
};
use leptos::prelude::*;

use super::search_form::gallery_href;
use crate::{
    api::library::{list_collections, CreateCollection},
    ui::{
        error_text,
        icons::{Icon, COLLECTION},
        may, read_pages, RequirePermission, ShowMore, PAGE,
    },
};

pub fn collection_href(id: uuid::Uuid) -> String {
    gallery_href(&AssetQuery { collection: Some(id), ..Default::default() })
}

#[component]
pub fn CollectionsPage() -> impl IntoView {
    // Made here, once, not inside the guard's Suspense (see `ui::RequirePermission`).
    let create = ServerAction::<CreateCollection>::new();
    let wanted = RwSignal::new(PAGE);
    let items = Resource::new(
        move || (create.version().get(), wanted.get()),
        |(_, wanted)| read_pages(wanted, |after| list_collections(PageRequest { after, limit: None })),
    );
    view! {
        <RequirePermission permission=Permission::Browse>
            <Collections create items wanted/>
        </RequirePermission>
    }
}

#[component]
fn Collections(
    create: ServerAction<CreateCollection>,
    items: Resource<Result<Page<CollectionView>, ServerFnError>>,
    wanted: RwSignal<usize>,
) -> impl IntoView {
    let may_edit = may(Permission::EditMetadata);
    view! {
        <h1 class="mb-4 text-2xl font-semibold">"Collections"</h1>
        <Show when=may_edit>
            <ActionForm action=create attr:class="mb-6 flex flex-wrap items-end gap-2 text-sm" attr:data-testid="new-collection">
                <label class="flex flex-col">
                    <span class="text-fg-muted">"Name"</span>
                    <input type="text" name="input[name]" required maxlength="200" class="input" data-testid="collection-name"/>
                </label>
                <label class="flex flex-1 flex-col">
                    <span class="text-fg-muted">"Description"</span>
                    <input type="text" name="input[description]" class="input"/>
                </label>
                <button type="submit" class="btn btn-primary" data-testid="create-collection">"Create collection"</button>
            </ActionForm>
            {move || create.value().get().and_then(Result::err).map(|e| view! { <p class="mb-4 text-sm text-danger-text" role="alert">{error_text(&e)}</p> })}
        </Show>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(list) if list.items.is_empty() => view! { <p class="text-fg-muted">"No collections yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4" data-testid="collections">
                            {list.items.into_iter().map(|c| view! { <CollectionCard collection=c/> }).collect_view()}
                        </ul>
                        <ShowMore more=list.next.is_some() wanted/>
                    }.into_any(),
                    Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The newest pictures as a mosaic: one fills the cover, two side by side, three with the newest
/// large on the left and the others stacked beside it, four in a square.
#[component]
fn Cover(urls: Vec<String>) -> impl IntoView {
    let picture =
        |src: String| view! { <img src=src alt="" loading="lazy" class="h-full min-h-0 w-full object-cover"/> };
    let layout = match urls.len() {
        0 => return view! {
            <div class="flex aspect-video items-center justify-center bg-muted text-fg-muted" data-testid="collection-cover" data-pictures="0">
                <Icon icon=COLLECTION class="h-8 w-8"/>
            </div>
        }.into_any(),
        1 => "grid-cols-1",
        2 => "grid-cols-2",
        3 => "grid-cols-[2fr_1fr] grid-rows-2 [&>*:first-child]:row-span-2",
        _ => "grid-cols-2 grid-rows-2",
    };
    let count = urls.len();
    view! {
        <div class=format!("grid aspect-video gap-0.5 overflow-hidden bg-muted {layout}") data-testid="collection-cover" data-pictures=count>
            {urls.into_iter().take(4).map(picture).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn CollectionCard(collection: CollectionView) -> impl IntoView {
    let count = collection.asset_count;
    view! {
        <li class="overflow-hidden rounded-lg border border-line bg-surface shadow-sm" data-testid="collection-card">
            <a href=collection_href(collection.id) class="block">
                <Cover urls=collection.cover_urls.clone()/>
                <div class="p-2">
                    <p class="truncate font-medium">{collection.name.clone()}</p>
                    <p class="text-xs text-fg-muted" data-testid="collection-count">{format!("{count} asset{}", if count == 1 { "" } else { "s" })}</p>
                </div>
            </a>
        </li>
    }
}
