//! Bulk actions on the selected assets: download them as one ZIP; for editors also add tags, add
//! to (or, inside one, remove from) a collection, move to the trash (asked first, with an undo).

use domain::{
    operations::{collections::CollectionAssets, library::SelectionTags},
    policy::Permission,
};
use leptos::prelude::*;
use uuid::Uuid;

use super::{
    selection::Selection,
    trash_actions::{trash_with_undo, what},
    LibraryChanges,
};
use crate::{
    api::library::{AddToCollection, RemoveFromCollection, TagAssets},
    gallery::asset_edit::split_tags,
    ui::{dialog::Confirm, error_text, may, toast::use_toasts},
};

#[component]
pub fn SelectionBar(
    selection: Selection,
    collection: Signal<Option<Uuid>>,
    /// Every collection, loaded by the page (see `ui::RequirePermission`).
    collections: Resource<Result<Vec<domain::dto::CollectionView>, ServerFnError>>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let tag = ServerAction::<TagAssets>::new();
    let add = ServerAction::<AddToCollection>::new();
    let take_out = ServerAction::<RemoveFromCollection>::new();
    let tags = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let may_edit = may(Permission::EditMetadata);
    Effect::new(move |_| {
        if matches!(tag.value().get(), Some(Ok(_))) {
            tags.set(String::new());
            on_changed();
        }
    });
    Effect::new(move |_| {
        if matches!(take_out.value().get(), Some(Ok(_))) {
            selection.clear();
            on_changed();
        }
    });
    let (toasts, library) = (use_toasts(), LibraryChanges::get());
    let asking = RwSignal::new(false);
    let trashing = RwSignal::new(false);
    let trash_error = RwSignal::new(None::<String>);
    let trash = move || {
        trashing.set(true);
        trash_error.set(None);
        let ids = selection.chosen.get_untracked();
        leptos::task::spawn_local(async move {
            match trash_with_undo(ids, None, toasts, library).await {
                Ok(()) => {
                    asking.set(false);
                    selection.clear();
                    on_changed();
                }
                Err(e) => trash_error.set(Some(e)),
            }
            trashing.set(false);
        });
    };
    let trash_question = Signal::derive(move || {
        format!(
            "{} will leave the library and every search. They can be restored from the Trash.",
            what(selection.chosen.with(Vec::len), None)
        )
    });
    Effect::new(move |_| {
        if let Some(Ok(added)) = add.value().get().map(|r| r.map(|a| a.added)) {
            message.set(Some(format!("{added} added to the collection")));
        }
    });
    let error = move || {
        let failed = |v: Option<Result<(), ServerFnError>>| v.and_then(Result::err).map(|e| error_text(&e));
        failed(tag.value().get().map(|r| r.map(|_| ())))
            .or_else(|| failed(add.value().get().map(|r| r.map(|_| ()))))
            .or_else(|| failed(take_out.value().get().map(|r| r.map(|_| ()))))
    };
    view! {
        <Show when=move || !selection.is_empty()>
            <div class="sticky top-0 z-10 mb-3 flex flex-wrap items-center gap-2 rounded border border-line bg-accent-soft p-2 text-sm" data-testid="selection-bar">
                <span class="font-medium" data-testid="selected-count">{move || format!("{} selected", selection.chosen.with(Vec::len))}</span>
                {move || {
                    let listed = selection.listed.with(Vec::len);
                    (listed > selection.chosen.with(Vec::len)).then(|| view! {
                        <button type="button" class="btn btn-ghost btn-sm" data-testid="select-all" title="Ctrl+A"
                            on:click=move |_| selection.all()>{format!("Select all {listed}")}</button>
                    })
                }}
                // A plain form post: the browser saves the streamed ZIP itself, however large.
                <form method="post" action="/api/downloads/zip">
                    <input type="hidden" name="ids" prop:value=move || selection.chosen.with(|s| s.iter().map(Uuid::to_string).collect::<Vec<_>>().join(","))/>
                    <button type="submit" class="btn btn-secondary btn-sm" data-testid="bulk-download">"Download ZIP"</button>
                </form>
                <Show when=may_edit>
                    <form class="flex gap-1" on:submit=move |ev| {
                        ev.prevent_default();
                        tag.dispatch(TagAssets {
                            input: SelectionTags { assets: selection.chosen.get_untracked(), tags: split_tags(&tags.get_untracked()) },
                        });
                    }>
                        <input type="text" placeholder="tag, another tag" class="input" data-testid="bulk-tag-input"
                            prop:value=tags on:input=move |ev| tags.set(event_target_value(&ev))/>
                        <button type="submit" class="btn btn-primary btn-sm" data-testid="bulk-tag">"Add tags"</button>
                    </form>
                    <form class="flex gap-1" on:submit=move |ev| {
                        ev.prevent_default();
                        if let Ok(id) = target.get_untracked().parse::<Uuid>() {
                            add.dispatch(AddToCollection { input: CollectionAssets { id, assets: selection.chosen.get_untracked() } });
                        }
                    }>
                        <select class="select" data-testid="collection-choice" aria-label="Collection"
                            on:change=move |ev| target.set(event_target_value(&ev))>
                            <option value="">"Add to collection…"</option>
                            <Transition>
                                {move || collections.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                    .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                            </Transition>
                        </select>
                        <button type="submit" class="btn btn-secondary btn-sm" data-testid="add-to-collection">"Add"</button>
                    </form>
                    {move || collection.get().map(|id| view! {
                        <button class="btn btn-secondary btn-sm" data-testid="remove-from-collection"
                            on:click=move |_| { take_out.dispatch(RemoveFromCollection { input: CollectionAssets { id, assets: selection.chosen.get_untracked() } }); }>"Remove from this collection"</button>
                    })}
                    <button class="btn btn-secondary btn-danger-text btn-sm" data-testid="bulk-trash"
                        on:click=move |_| asking.set(true)>"Move to trash"</button>
                    <Confirm open=asking title="Move to the trash?" message=trash_question action="Move to trash"
                        testid="confirm-trash" busy=trashing error=trash_error on_confirm=trash/>
                </Show>
                <button class="btn btn-ghost btn-sm" title="Esc" on:click=move |_| selection.clear()>"Clear selection"</button>
                {move || message.get().map(|m| view! { <span class="text-success-text" data-testid="selection-message">{m}</span> })}
                {move || error().map(|e| view! { <span class="text-danger-text" role="alert">{e}</span> })}
            </div>
        </Show>
    }
}
