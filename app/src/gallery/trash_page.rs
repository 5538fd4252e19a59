//! `/trash`: what was deleted, to restore; admins can empty it for good.

use domain::{
    dto::{AssetView, Page, PageRequest},
    operations::{AssetIds, Nothing},
    policy::Permission,
};
use leptos::prelude::*;

use super::asset_card::AssetCard;
use crate::{
    api::library::{list_trash, EmptyTrash, RestoreAssets},
    ui::{error_text, may, read_pages, RequirePermission, ShowMore, PAGE},
};

#[component]
pub fn TrashPage() -> impl IntoView {
    // Made here, once, not inside the guard's Suspense (see `ui::RequirePermission`).
    let restore = ServerAction::<RestoreAssets>::new();
    let empty = ServerAction::<EmptyTrash>::new();
    let wanted = RwSignal::new(PAGE);
    let items = Resource::new(
        move || (restore.version().get(), empty.version().get(), wanted.get()),
        |(_, _, wanted)| read_pages(wanted, |after| list_trash(PageRequest { after, limit: None })),
    );
    view! {
        <RequirePermission permission=Permission::Trash>
            <Trash restore empty items wanted/>
        </RequirePermission>
    }
}

type TrashItems = Resource<Result<Page<AssetView>, ServerFnError>>;

#[component]
fn Trash(
    restore: ServerAction<RestoreAssets>,
    empty: ServerAction<EmptyTrash>,
    items: TrashItems,
    wanted: RwSignal<usize>,
) -> impl IntoView {
    let may_empty = may(Permission::EmptyTrash);
    let confirming = RwSignal::new(false);
    view! {
        <h1 class="mb-4 text-2xl font-semibold">"Trash"</h1>
        <p class="mb-4 text-sm text-fg-muted">"Deleted assets stay here, hidden from the library, until restored or the trash is emptied."</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(page) if page.items.is_empty() => view! { <p class="text-fg-muted" data-testid="trash-empty">"The trash is empty."</p> }.into_any(),
                    Ok(page) => {
                        let more = page.next.is_some();
                        let assets = page.items;
                        // "Empty trash" deletes everything there, also what is not shown yet.
                        let count = if more { format!("{} or more", assets.len()) } else { assets.len().to_string() };
                        let plural = if assets.len() == 1 && !more { "" } else { "s" };
                        let question = StoredValue::new(format!("Delete {count} asset{plural} and their files for good?"));
                        view! {
                            <Show when=may_empty>
                                <div class="mb-4 flex items-center gap-2 text-sm">
                                    <Show when=move || confirming.get() fallback=move || view! {
                                        <button class="btn btn-secondary btn-danger-text" data-testid="empty-trash" on:click=move |_| confirming.set(true)>"Empty trash"</button>
                                    }>
                                        <span>{move || question.get_value()}</span>
                                        <button class="btn btn-danger" data-testid="confirm-empty-trash"
                                            on:click=move |_| { confirming.set(false); empty.dispatch(EmptyTrash { input: Nothing {} }); }>"Delete forever"</button>
                                        <button class="btn btn-ghost btn-sm" on:click=move |_| confirming.set(false)>"Keep"</button>
                                    </Show>
                                </div>
                            </Show>
                            <div class="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4" data-testid="trash-grid">
                                {assets.into_iter().map(|asset| {
                                    let id = asset.id;
                                    view! {
                                        <div data-testid="trash-item">
                                            <ul><AssetCard asset selection=None/></ul>
                                            <button class="btn btn-ghost btn-sm mt-1" data-testid="restore" on:click=move |_| { restore.dispatch(RestoreAssets { input: AssetIds { assets: vec![id] } }); }>"Restore"</button>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                            <ShowMore more wanted/>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
        {move || restore.value().get().and_then(Result::err).or_else(|| empty.value().get().and_then(Result::err)).map(|e| view! { <p class="text-sm text-danger-text" role="alert">{error_text(&e)}</p> })}
    }
}
