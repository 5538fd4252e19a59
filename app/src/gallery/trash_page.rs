//! `/trash`: what was deleted, when and by whom, to restore one by one or as a selection; admins
//! can empty it for good (asked first, saying how many go).

use domain::{
    dto::{AssetView, Page, PageRequest},
    operations::{AssetIds, Nothing},
    policy::Permission,
};
use leptos::prelude::*;

use super::{
    asset_card::AssetCard,
    selection::{self, Selection},
    trash_actions::what,
    LibraryChanges,
};
use crate::{
    api::library::{list_trash, EmptyTrash, RestoreAssets},
    ui::{dialog::Confirm, error_text, may, read_pages, toast::use_toasts, RequirePermission, ShowMore, PAGE},
};

#[component]
pub fn TrashPage() -> impl IntoView {
    // Made here, once, not inside the guard's Suspense (see `ui::RequirePermission`).
    let restore = ServerAction::<RestoreAssets>::new();
    let empty = ServerAction::<EmptyTrash>::new();
    let wanted = RwSignal::new(PAGE);
    let library = LibraryChanges::get();
    let items = Resource::new(
        move || (restore.version().get(), empty.version().get(), wanted.get(), library.0.get()),
        |(_, _, wanted, _)| read_pages(wanted, |after| list_trash(PageRequest { after, limit: None })),
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
    let chosen = Selection::new();
    selection::keyboard(chosen);
    let toasts = use_toasts();
    let restoring = StoredValue::new(0usize);
    Effect::new(move |_| {
        if let Some(Ok(_)) = restore.value().get() {
            toasts.say(format!("Restored {}", what(restoring.get_value(), None)));
            chosen.clear();
        }
    });
    let restore_ids = move |ids: Vec<uuid::Uuid>| {
        restoring.set_value(ids.len());
        restore.dispatch(RestoreAssets { input: AssetIds { assets: ids } });
    };
    let asking = RwSignal::new(false);
    // "Empty trash" deletes everything there, also what is not shown yet.
    let question = Signal::derive(move || {
        items.with(|found| match found {
            Some(Ok(page)) => {
                let count = if page.next.is_some() {
                    format!("{} or more assets", page.items.len())
                } else {
                    what(page.items.len(), None)
                };
                format!("{count} and their files will be deleted for good. This cannot be undone.")
            }
            _ => String::new(),
        })
    });
    // Ranges and "all" are taken from what is listed.
    Effect::new(move |_| {
        items.with(|found| {
            if let Some(Ok(page)) = found {
                chosen.listed.set(page.items.iter().map(|a| a.id).collect());
            }
        })
    });
    Effect::new(move |_| {
        if matches!(empty.value().get(), Some(Ok(_))) {
            asking.set(false);
        }
    });
    let emptying = Signal::derive(move || empty.pending().get());
    let empty_error = Signal::derive(move || empty.value().get().and_then(Result::err).map(|e| error_text(&e)));
    view! {
        <div class="mb-4 flex flex-wrap items-end gap-3">
            <div class="flex-1">
                <h1 class="text-2xl font-semibold">"Trash"</h1>
                <p class="text-sm text-fg-muted">"Deleted assets stay here, hidden from the library, until restored or the trash is emptied."</p>
            </div>
            <Show when=may_empty>
                <button class="btn btn-secondary btn-danger-text" data-testid="empty-trash" on:click=move |_| asking.set(true)>"Empty trash"</button>
            </Show>
        </div>
        <Confirm open=asking title="Empty the trash?" message=question action="Delete forever" testid="confirm-empty-trash"
            busy=emptying error=empty_error on_confirm=move || { empty.dispatch(EmptyTrash { input: Nothing {} }); }/>
        <Show when=move || !chosen.is_empty()>
            <div class="sticky top-0 z-10 mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-line bg-accent-soft p-2 text-sm" data-testid="trash-selection-bar">
                <span class="font-medium">{move || format!("{} selected", chosen.chosen.with(Vec::len))}</span>
                <button class="btn btn-primary btn-sm" data-testid="restore-selected"
                    on:click=move |_| restore_ids(chosen.chosen.get_untracked())>"Restore"</button>
                <button class="btn btn-ghost btn-sm" title="Esc" on:click=move |_| chosen.clear()>"Clear selection"</button>
            </div>
        </Show>
        <Transition fallback=|| view! { <p class="text-fg-muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(page) if page.items.is_empty() => view! {
                        <div class="empty" data-testid="trash-empty">
                            <p class="font-medium">"The trash is empty."</p>
                            <p class="text-sm text-fg-muted">"What you move to the trash from the library waits here."</p>
                        </div>
                    }.into_any(),
                    Ok(page) => {
                        let more = page.next.is_some();
                        let assets = page.items;
                        view! {
                            <ul class="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5" data-testid="trash-grid">
                                {assets.into_iter().map(|asset| {
                                    let id = asset.id;
                                    let when = asset.deleted_at.map(|at| at.format("%-d %b %Y").to_string()).unwrap_or_default();
                                    let by = asset.deleted_by.clone();
                                    view! {
                                        <li data-testid="trash-item" class="flex flex-col gap-1">
                                            <ul><AssetCard asset selection=Some(chosen)/></ul>
                                            <p class="text-xs text-fg-muted" data-testid="trash-when">
                                                {format!("Deleted {when}")}{by.map(|by| format!(" by {by}"))}
                                            </p>
                                            <button class="btn btn-ghost btn-sm self-start" data-testid="restore"
                                                on:click=move |_| restore_ids(vec![id])>"Restore"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <ShowMore more wanted/>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="alert alert-danger" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
        {move || restore.value().get().and_then(Result::err).map(|e| view! { <p class="text-sm text-danger-text" role="alert">{error_text(&e)}</p> })}
    }
}
