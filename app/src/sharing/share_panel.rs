//! The share dialog of one asset or one collection (editors): a new link's terms, then every link
//! with its state, a copy button and "Turn off" (which asks first).

use domain::{
    dto::{NewShareLink, ShareLinkView, ShareState},
    operations::{sharing::ShareFilter, ById},
};
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    api::sharing::{list_shares, CreateShare, RevokeShare},
    ui::{
        copy_to_clipboard,
        dialog::Dialog,
        error_text,
        icons::{Icon, CHECK, LINK, SHARE},
        read_pages,
    },
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

/// The Share button and its dialog. `compact` shows only the icon on a phone (the viewer's bar).
#[component]
pub fn ShareButton(
    links: ShareLinks,
    #[prop(optional)] asset_id: Option<Uuid>,
    #[prop(optional)] collection_id: Option<Uuid>,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="btn" class:btn-ghost=compact class:btn-secondary=!compact aria-haspopup="dialog" data-testid="share-open" on:click=move |_| open.set(true)>
            <Icon icon=SHARE/><span class:hidden=compact class="sm:inline">"Share"</span>
        </button>
        <Dialog open title="Share" testid="share-panel">
            <SharePanel links asset_id collection_id/>
        </Dialog>
    }
}

#[component]
fn SharePanel(links: ShareLinks, asset_id: Option<Uuid>, collection_id: Option<Uuid>) -> impl IntoView {
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
        <div class="text-sm">
            <p class="text-fg-muted">"Anyone with a link can see what it shares, without an account, until it expires or is turned off."</p>
            <form class="mt-3 grid gap-3 sm:grid-cols-2" on:submit=submit>
                <label class="flex flex-col gap-1"><span class="field-label">"Open for"</span>
                    <select class="select" data-testid="share-days"
                        on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(30))>
                        {LIFETIMES.iter().map(|(n, label)| view! { <option value=n.to_string() selected=*n == 30>{*label}</option> }).collect_view()}
                    </select>
                </label>
                <label class="flex flex-col gap-1"><span class="field-label">"Password (optional)"</span>
                    <input type="password" autocomplete="new-password" class="input" data-testid="share-password"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <label class="flex items-center gap-2">
                    <input type="checkbox" class="checkbox" data-testid="share-allow-download" prop:checked=allow_download
                        on:change=move |ev| allow_download.set(event_target_checked(&ev))/>
                    "Visitors may download"
                </label>
                <button type="submit" class="btn btn-primary sm:justify-self-end" data-testid="share-create"
                    disabled=move || create.pending().get()><Icon icon=LINK/>"Create link"</button>
            </form>
            {move || error().map(|e| view! { <p class="alert alert-danger mt-3" role="alert">{e}</p> })}
            <h3 class="mt-5 font-semibold">"Links"</h3>
            <Transition fallback=|| view! { <p class="mt-2 text-fg-muted">"Loading…"</p> }>
                {move || links.get().map(|found| match found {
                    Ok(list) if list.is_empty() => view! { <p class="mt-2 text-fg-muted">"No links yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="mt-2 max-h-80 divide-y divide-line overflow-y-auto" data-testid="share-links">
                            {list.into_iter().map(|link| view! { <LinkRow link origin revoke/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="mt-2 text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// One link: its state as a badge, its address with a copy button, its terms in words.
#[component]
fn LinkRow(link: ShareLinkView, origin: RwSignal<String>, revoke: ServerAction<RevokeShare>) -> impl IntoView {
    let path = StoredValue::new(link.path.clone());
    let url = move || format!("{}{}", origin.get(), path.get_value());
    let id = link.id;
    let when = |at: chrono::DateTime<chrono::Utc>| at.format("%-d %b %Y, %H:%M UTC").to_string();
    let mut terms = vec![match link.state {
        ShareState::Revoked => {
            link.revoked_at.map(|at| format!("turned off {}", when(at))).unwrap_or_else(|| "turned off".into())
        }
        ShareState::Expired => format!("expired {}", when(link.expires_at)),
        ShareState::Active => format!("until {}", when(link.expires_at)),
    }];
    if link.has_password {
        terms.push("password".into());
    }
    terms.push(if link.allow_download { "downloads allowed".into() } else { "view only".into() });
    terms.push(match link.opens {
        0 => "not opened yet".into(),
        1 => "opened once".into(),
        n => format!("opened {n} times"),
    });
    if let Some(by) = &link.created_by {
        terms.push(format!("by {by}"));
    }
    let (badge, state) = match link.state {
        ShareState::Active => ("badge badge-success", "Active"),
        ShareState::Expired => ("badge", "Expired"),
        ShareState::Revoked => ("badge badge-danger", "Off"),
    };
    let active = link.state == ShareState::Active;
    // Some(true): copied; Some(false): the browser would not (an address that is not https).
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let text = url();
        leptos::task::spawn_local(async move {
            copied.set(Some(copy_to_clipboard(&text).await));
            set_timeout(move || copied.set(None), std::time::Duration::from_secs(3));
        });
    };
    let confirming = RwSignal::new(false);
    view! {
        <li class="py-3" data-testid="share-link" data-state=link.state.label()>
            <div class="flex items-center gap-2">
                <span class=badge data-testid="share-state">{state}</span>
                <a href=link.path.clone() class="min-w-0 flex-1 truncate font-mono text-xs" class:line-through=!active
                    data-testid="share-url" target="_blank" rel="noopener">{url}</a>
                {active.then(|| view! {
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="share-copy" on:click=copy>
                        {move || match copied.get() {
                            Some(true) => view! { <Icon icon=CHECK/>"Copied" }.into_any(),
                            Some(false) => view! { "Select and copy" }.into_any(),
                            None => view! { "Copy link" }.into_any(),
                        }}
                    </button>
                })}
            </div>
            <p class="mt-1 text-xs text-fg-muted">{terms.join(" · ")}</p>
            <span class="sr-only" role="status">{move || (copied.get() == Some(true)).then_some("Link copied")}</span>
            {active.then(|| view! {
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="btn btn-ghost btn-danger-text btn-sm mt-1" data-testid="share-revoke"
                        on:click=move |_| confirming.set(true)>"Turn off"</button>
                }>
                    <div class="mt-2 flex flex-wrap items-center gap-2 rounded-lg bg-danger-soft p-2 text-xs" role="group" aria-label="Turn off this link?">
                        <span class="flex-1">"Turn off this link? Anyone who has it will no longer open it."</span>
                        <button type="button" class="btn btn-ghost btn-sm" on:click=move |_| confirming.set(false)>"Keep"</button>
                        <button type="button" class="btn btn-danger btn-sm" data-testid="share-revoke-confirm"
                            on:click=move |_| { confirming.set(false); revoke.dispatch(RevokeShare { input: ById { id } }); }>"Turn off"</button>
                    </div>
                </Show>
            })}
        </li>
    }
}
