//! Making and revoking share links for one asset or one collection (editors).

use domain::{
    dto::{NewShareLink, ShareLinkView, ShareState},
    operations::{sharing::ShareFilter, ById},
};
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    api::sharing::{list_shares, CreateShare, RevokeShare},
    ui::{error_text, read_pages},
};

/// How long a new link stays open, in days (the person picks one).
const LIFETIMES: [(u32, &str); 5] = [(1, "1 day"), (7, "1 week"), (30, "30 days"), (90, "90 days"), (365, "1 year")];

/// The links of one asset or collection and the actions that change them. Made by the page, once,
/// outside any Suspense: Leptos re-runs the views inside a Suspense while it waits, and a resource
/// made there is made a varying number of times, which breaks hydration (see `ui::RequirePermission`).
#[derive(Clone, Copy)]
pub struct ShareLinks {
    create: ServerAction<CreateShare>,
    revoke: ServerAction<RevokeShare>,
    links: Resource<Result<Vec<ShareLinkView>, ServerFnError>>,
}

impl ShareLinks {
    /// The links of what `target` names now: `(asset, collection)`; neither loads nothing.
    pub fn new(target: impl Fn() -> (Option<Uuid>, Option<Uuid>) + Copy + Send + Sync + 'static) -> Self {
        let create = ServerAction::<CreateShare>::new();
        let revoke = ServerAction::<RevokeShare>::new();
        let links = Resource::new(
            move || (target(), create.version().get(), revoke.version().get()),
            |((asset_id, collection_id), _, _)| async move {
                if asset_id.is_none() && collection_id.is_none() {
                    return Ok(Vec::new());
                }
                let all = read_pages(usize::MAX, |after| {
                    list_shares(ShareFilter { asset_id, collection_id, after, limit: Some(500) })
                });
                all.await.map(|page| page.items)
            },
        );
        // A failure shown for one asset or collection is not about the next one opened.
        Effect::new(move |_| {
            target();
            create.value().set(None);
            revoke.value().set(None);
        });
        ShareLinks { create, revoke, links }
    }
}

#[component]
pub fn SharePanel(
    links: ShareLinks,
    #[prop(optional)] asset_id: Option<Uuid>,
    #[prop(optional)] collection_id: Option<Uuid>,
) -> impl IntoView {
    let ShareLinks { create, revoke, links } = links;
    let days = RwSignal::new(30u32);
    let password = RwSignal::new(String::new());
    let allow_download = RwSignal::new(true);
    // The full address needs the browser's location; the server renders the path alone.
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(window().location().origin().unwrap_or_default()));
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            password.set(String::new());
        }
    });
    let error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
            .map(|e| error_text(&e))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let password = Some(password.get_untracked()).filter(|p| !p.is_empty());
        create.dispatch(CreateShare {
            input: NewShareLink {
                asset_id,
                collection_id,
                expires_at: None,
                expires_in_days: Some(days.get_untracked()),
                password,
                allow_download: allow_download.get_untracked(),
            },
        });
    };
    view! {
        <details class="mt-4 rounded border border-line bg-surface p-3 text-sm" data-testid="share-panel">
            <summary class="cursor-pointer font-semibold">"Share links"</summary>
            <form class="mt-2 flex flex-wrap items-end gap-3" on:submit=submit>
                <label class="flex flex-col">"Open for"
                    <select class="select" data-testid="share-days"
                        on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(30))>
                        {LIFETIMES.iter().map(|(n, label)| view! { <option value=n.to_string() selected=*n == 30>{*label}</option> }).collect_view()}
                    </select>
                </label>
                <label class="flex flex-col">"Password (optional)"
                    <input type="password" autocomplete="new-password" class="input" data-testid="share-password"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <label class="flex items-center gap-1">
                    <input type="checkbox" data-testid="share-allow-download" prop:checked=allow_download
                        on:change=move |ev| allow_download.set(event_target_checked(&ev))/>
                    "Allow downloads"
                </label>
                <button type="submit" class="btn btn-primary" data-testid="share-create">"Create link"</button>
            </form>
            {move || error().map(|e| view! { <p class="mt-2 text-danger-text" role="alert">{e}</p> })}
            <Transition fallback=|| ()>
                {move || links.get().map(|found| match found {
                    Ok(list) if list.is_empty() => view! { <p class="mt-2 text-fg-muted">"No links yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="mt-3 divide-y divide-line" data-testid="share-links">
                            {list.into_iter().map(|link| view! { <LinkRow link origin revoke/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="mt-2 text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
        </details>
    }
}

#[component]
fn LinkRow(link: ShareLinkView, origin: RwSignal<String>, revoke: ServerAction<RevokeShare>) -> impl IntoView {
    let path = link.path.clone();
    let href = link.path.clone();
    let id = link.id;
    let mut terms = vec![format!("until {}", link.expires_at.format("%Y-%m-%d %H:%M UTC"))];
    if link.has_password {
        terms.push("password".into());
    }
    terms.push(if link.allow_download { "downloads allowed".into() } else { "view only".into() });
    terms.push(format!("opened {} times", link.opens));
    if let Some(by) = &link.created_by {
        terms.push(format!("by {by}"));
    }
    let state_class = match link.state {
        ShareState::Active => "text-success-text",
        _ => "text-fg-muted line-through",
    };
    view! {
        <li class="flex flex-wrap items-center gap-2 py-2" data-testid="share-link" data-state=link.state.label()>
            <a href=href class=format!("break-all underline {state_class}") data-testid="share-url" target="_blank" rel="noopener">
                {move || format!("{}{}", origin.get(), path)}
            </a>
            <span class="text-xs text-fg-muted">{format!("{} · {}", link.state.label(), terms.join(" · "))}</span>
            {(link.state == ShareState::Active).then(|| view! {
                <button class="btn btn-ghost btn-danger-text btn-sm ml-auto" data-testid="share-revoke"
                    on:click=move |_| { revoke.dispatch(RevokeShare { input: ById { id } }); }>"Turn off"</button>
            })}
        </li>
    }
}
