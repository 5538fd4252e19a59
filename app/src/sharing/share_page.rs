//! `/s/<token>`: what a share link opens, for anyone holding it — no account needed. An unknown
//! link answers 404, an expired or revoked one 410, each with a sentence saying so.

use domain::{
    dto::{format_label, AssetKind, ShareOpening, SharedAsset, SharedPage},
    media_words::duration_label,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::sharing::{open_share, UnlockShare},
    ui::{
        error_text, human_size,
        icons::{Icon, DOWNLOAD},
    },
};

#[component]
pub fn SharePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let unlock = ServerAction::<UnlockShare>::new();
    let opening = Resource::new(move || (token(), unlock.version().get()), |(token, _)| open_share(token));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match opening.await {
                    Ok(ShareOpening::Open(page)) => view! { <Shared page/> }.into_any(),
                    Ok(ShareOpening::NeedsPassword) => view! { <PasswordGate token=token() unlock/> }.into_any(),
                    Ok(ShareOpening::Gone(why)) => {
                        set_status(410);
                        view! { <Notice title="This link no longer works" text=format!("Sorry — {why}. Ask the person who shared it for a new one.")/> }.into_any()
                    }
                    Ok(ShareOpening::NotFound) => {
                        set_status(404);
                        view! { <Notice title="Link not found" text="There is nothing at this address. Check that the link was copied completely.".into()/> }.into_any()
                    }
                    Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The page's HTTP status while it is rendered on the server (in the browser there is none to set).
fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), axum::http::StatusCode::from_u16(_code))
    {
        response.set_status(status);
    }
}

#[component]
fn Notice(title: &'static str, text: String) -> impl IntoView {
    view! {
        <div class="mx-auto mt-10 max-w-lg rounded border border-line bg-surface p-6 text-center" data-testid="share-notice">
            <h1 class="mb-2 text-xl font-semibold">{title}</h1>
            <p class="text-fg-muted">{text}</p>
        </div>
    }
}

#[component]
fn PasswordGate(token: String, unlock: ServerAction<UnlockShare>) -> impl IntoView {
    let failed = move || unlock.value().get().and_then(Result::err).map(|e| error_text(&e));
    view! {
        <div class="mx-auto mt-10 max-w-sm rounded border border-line bg-surface p-6">
            <h1 class="mb-2 text-xl font-semibold">"This link is protected"</h1>
            <p class="mb-4 text-sm text-fg-muted">"Type the password you were given with the link."</p>
            <ActionForm action=unlock>
                <input type="hidden" name="token" value=token/>
                <input type="password" name="password" required autocomplete="current-password" aria-label="Password"
                    class="input mb-3 w-full" data-testid="share-unlock-password"/>
                <button type="submit" class="btn btn-primary w-full" data-testid="share-unlock">"Open"</button>
            </ActionForm>
            {move || failed().map(|e| view! { <p class="mt-3 text-sm text-danger-text" role="alert">{e}</p> })}
        </div>
    }
}

#[component]
fn Shared(page: SharedPage) -> impl IntoView {
    let count = page.assets.len();
    let single = count == 1;
    let shown = RwSignal::new(page.assets.first().cloned());
    let assets = page.assets.clone();
    let files = if single { String::new() } else { format!("{count} files · ") };
    view! {
        <header class="mb-4 flex flex-wrap items-end gap-3">
            <div class="min-w-0 flex-1">
                <h1 class="break-words text-2xl font-semibold" data-testid="share-title">{page.title.clone()}</h1>
                {(!page.description.is_empty()).then(|| view! { <p class="mt-1 max-w-prose whitespace-pre-line text-fg">{page.description.clone()}</p> })}
                <p class="mt-1 text-sm text-fg-muted">{format!("Shared with you · {files}available until {}", page.expires_at.format("%-d %B %Y"))}</p>
            </div>
            {page.zip_url.clone().map(|url| view! {
                <a href=url class="btn btn-primary" data-testid="share-zip" download>
                    <Icon icon=DOWNLOAD/>{if single { "Download" } else { "Download all (ZIP)" }}
                </a>
            })}
        </header>
        {move || shown.get().map(|asset| view! { <Viewer asset/> })}
        {(!single).then(|| view! {
            <ul class="mt-4 grid grid-cols-3 gap-2 sm:grid-cols-4 md:grid-cols-6 lg:grid-cols-8" data-testid="share-grid" aria-label="Files">
                {assets.into_iter().map(|asset| {
                    let (chosen, id) = (asset.clone(), asset.id);
                    let current = move || shown.with(|s| s.as_ref().is_some_and(|s| s.id == id));
                    view! {
                        <li data-testid="share-item">
                            <button type="button" class="btn-tile" title=asset.name.clone()
                                aria-pressed=move || current().to_string() on:click=move |_| shown.set(Some(chosen.clone()))>
                                {match asset.thumbnail_url.clone() {
                                    Some(src) => view! { <img src=src alt=asset.name.clone() loading="lazy" class="aspect-square w-full rounded object-cover"/> }.into_any(),
                                    None => view! { <span class="flex aspect-square w-full items-center justify-center rounded bg-muted text-fg-muted">{asset.kind.label()}</span> }.into_any(),
                                }}
                                <span class="block truncate px-0.5 pt-1 text-xs">{asset.name.clone()}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
    }
}

/// The asset shown large on a dark stage: its player, or its preview, with what it is (in words)
/// and its download.
#[component]
fn Viewer(asset: SharedAsset) -> impl IntoView {
    let facts = [
        Some(format_label(&asset.mime, &asset.name)),
        Some(human_size(asset.size)),
        asset.width.zip(asset.height).map(|(w, h)| format!("{w} × {h}")),
        asset.duration_ms.map(duration_label),
    ];
    let facts: Vec<String> = facts.into_iter().flatten().collect();
    view! {
        <figure class="overflow-hidden rounded-lg border border-line" data-testid="share-viewer">
            <div class="viewer-stage flex min-h-64 items-center justify-center p-2">
                {if asset.kind == AssetKind::Video && !asset.videos.is_empty() {
                    view! {
                        <video controls preload="metadata" poster=asset.preview_url.clone() class="max-h-[70vh] max-w-full" data-testid="share-video">
                            {asset.videos.iter().map(|(src, label)| view! { <source src=src.clone() type="video/mp4" data-label=label.clone()/> }).collect_view()}
                        </video>
                    }.into_any()
                } else if let Some(src) = asset.preview_url.clone().or(asset.thumbnail_url.clone()) {
                    view! { <img src=src alt=asset.name.clone() class="max-h-[70vh] max-w-full object-contain" data-testid="share-preview"/> }.into_any()
                } else {
                    view! { <p class="text-fg-muted">"No preview for this file."</p> }.into_any()
                }}
            </div>
            <figcaption class="flex flex-wrap items-center gap-x-3 gap-y-2 bg-surface px-3 py-2 text-sm">
                <span class="min-w-0 break-all font-medium">{asset.name.clone()}</span>
                <span class="text-fg-muted" data-testid="share-facts">{facts.join(" · ")}</span>
                {asset.download_url.clone().map(|url| view! {
                    <a href=url class="btn btn-secondary btn-sm ml-auto" data-testid="share-download" download><Icon icon=DOWNLOAD/>"Download original"</a>
                })}
            </figcaption>
        </figure>
    }
}
