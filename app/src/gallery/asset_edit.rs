//! Editing one asset on its page (editors): title and description, and tags with autocomplete (a
//! person's own, and processing's, marked "auto" — both removable).

use domain::{
    dto::AssetView,
    operations::library::{AssetDetails, AssetTag, AssetTags, TagPrefix},
};
use leptos::prelude::*;

use crate::{
    api::library::{suggest_tags, DescribeAsset, TagAsset, UntagAsset},
    ui::{error_text, TextArea},
};

/// Tags as typed: names separated by commas.
pub fn split_tags(typed: &str) -> Vec<String> {
    typed.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The error of an action's last call, if it failed.
fn failure<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, ServerFnError>>>,
) -> Option<String> {
    value.get().and_then(Result::err).map(|e| error_text(&e))
}

#[component]
pub fn DescribeForm(asset: AssetView, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let save = ServerAction::<DescribeAsset>::new();
    let (title, description) = (RwSignal::new(asset.title.clone()), RwSignal::new(asset.description.clone()));
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            on_saved();
        }
    });
    let id = asset.id;
    view! {
        <form class="mt-4 space-y-2 text-sm" data-testid="describe-form" on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(DescribeAsset {
                input: AssetDetails { id, title: Some(title.get_untracked()), description: Some(description.get_untracked()) },
            });
        }>
            <label class="block">
                <span class="text-fg-muted">"Title"</span>
                <input type="text" maxlength="200" class="input w-full" data-testid="title-input"
                    prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <label class="block">
                <span class="text-fg-muted">"Description"</span>
                <TextArea value=description label="Description" testid="description-input"/>
            </label>
            <button type="submit" class="btn btn-primary" data-testid="save-details">"Save"</button>
            {move || failure(save.value()).map(|e| view! { <p class="text-danger-text" role="alert">{e}</p> })}
        </form>
    }
}

#[component]
pub fn TagEditor(
    asset: AssetView,
    editable: bool,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let add = ServerAction::<TagAsset>::new();
    let remove = ServerAction::<UntagAsset>::new();
    let typed = RwSignal::new(String::new());
    // Asked for as the person types (an action, not a resource: nothing to render on the server,
    // and no resource made inside the page's Suspense; see `ui::RequirePermission`).
    // Each answer carries what it was asked for: a slow earlier answer must not replace a newer one.
    let suggest = Action::new(|typed: &String| {
        let typed = typed.clone();
        async move {
            let names = if typed.trim().is_empty() {
                Ok(Vec::new())
            } else {
                suggest_tags(TagPrefix { q: typed.clone(), limit: Some(8) })
                    .await
                    .map(|found| found.into_iter().map(|s| s.name).collect::<Vec<_>>())
            };
            (typed, names)
        }
    });
    let suggestions = move || {
        suggest
            .value()
            .get()
            .filter(|(asked, _)| *asked == typed.get())
            .and_then(|(_, names)| names.ok())
            .unwrap_or_default()
    };
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            typed.set(String::new());
            on_changed();
        }
    });
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(_))) {
            on_changed();
        }
    });
    let id = asset.id;
    let chips = asset
        .tags
        .into_iter()
        .map(|tag| {
            let name = tag.name.clone();
            let class = if tag.auto { "rounded-full border border-dashed border-line-strong px-2 py-0.5" } else { "rounded-full border border-line-strong bg-muted px-2 py-0.5" };
            view! {
                <li class=class data-testid="tag" data-auto=tag.auto.to_string()>
                    <a href=format!("/?tags={}", domain::dto::percent_encode(&tag.name)) class="hover:underline">{tag.name.clone()}</a>
                    {tag.auto.then(|| view! { <span class="ml-1 text-[10px] uppercase text-fg-muted" title="added by processing">"auto"</span> })}
                    {editable.then(|| view! {
                        <button class="btn btn-ghost btn-danger-text btn-sm ml-1" aria-label=format!("Remove tag {name}") data-testid="remove-tag"
                            on:click={
                                let name = name.clone();
                                move |_| { remove.dispatch(UntagAsset { input: AssetTag { id, tag: name.clone() } }); }
                            }>"×"</button>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <h2 class="mb-1 mt-4 font-semibold">"Tags"</h2>
        <ul class="flex flex-wrap gap-1 text-xs" data-testid="tags">{chips}</ul>
        {editable.then(|| view! {
            <form class="mt-2 flex gap-1 text-sm" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(TagAsset { input: AssetTags { id, tags: split_tags(&typed.get_untracked()) } });
            }>
                <input type="text" list="tag-suggestions" placeholder="add a tag" autocomplete="off" data-testid="tag-input"
                    class="input"
                    prop:value=typed on:input=move |ev| {
                        typed.set(event_target_value(&ev));
                        suggest.dispatch(typed.get_untracked());
                    }/>
                <datalist id="tag-suggestions">
                    {move || suggestions().into_iter().map(|name| view! { <option value=name/> }).collect_view()}
                </datalist>
                <button type="submit" class="btn btn-secondary btn-sm" data-testid="add-tag">"Add"</button>
            </form>
        })}
        {move || failure(add.value()).or_else(|| failure(remove.value())).map(|e| view! { <p class="text-sm text-danger-text" role="alert">{e}</p> })}
    }
}
