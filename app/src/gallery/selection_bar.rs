//! Bulk actions on the selected assets (editors): add tags, move to the trash.

use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    api::library::{TagAssets, TrashAssets},
    ui::error_text,
};

#[component]
pub fn SelectionBar(selection: RwSignal<Vec<Uuid>>, on_changed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let tag = ServerAction::<TagAssets>::new();
    let trash = ServerAction::<TrashAssets>::new();
    let tags = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(tag.value().get(), Some(Ok(_))) {
            tags.set(String::new());
            on_changed();
        }
    });
    Effect::new(move |_| {
        if matches!(trash.value().get(), Some(Ok(_))) {
            selection.set(Vec::new());
            on_changed();
        }
    });
    let error = move || {
        let failed = |v: Option<Result<_, ServerFnError>>| v.and_then(Result::err).map(|e| error_text(&e));
        failed(tag.value().get().map(|r| r.map(|_| ()))).or_else(|| failed(trash.value().get().map(|r| r.map(|_| ()))))
    };
    view! {
        <Show when=move || selection.with(|s| !s.is_empty())>
            <div class="sticky top-0 z-10 mb-3 flex flex-wrap items-center gap-2 rounded border border-sky-200 bg-sky-50 p-2 text-sm" data-testid="selection-bar">
                <span>{move || format!("{} selected", selection.with(Vec::len))}</span>
                <form class="flex gap-1" on:submit=move |ev| {
                    ev.prevent_default();
                    tag.dispatch(TagAssets { assets: selection.get_untracked(), tags: tags.get_untracked() });
                }>
                    <input type="text" placeholder="tag, another tag" class="rounded border border-slate-300 px-2 py-1" data-testid="bulk-tag-input"
                        prop:value=tags on:input=move |ev| tags.set(event_target_value(&ev))/>
                    <button type="submit" class="rounded bg-sky-700 px-2 py-1 text-white" data-testid="bulk-tag">"Add tags"</button>
                </form>
                <button class="rounded border border-red-300 px-2 py-1 text-red-800" data-testid="bulk-trash"
                    on:click=move |_| { trash.dispatch(TrashAssets { assets: selection.get_untracked() }); }>"Move to trash"</button>
                <button class="underline" on:click=move |_| selection.set(Vec::new())>"Clear selection"</button>
                {move || error().map(|e| view! { <span class="text-red-700" role="alert">{e}</span> })}
            </div>
        </Show>
    }
}
