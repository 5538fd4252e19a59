//! `/s/<token>`: what a share link opens, for anyone holding it — no account needed. An unknown
//! link answers 404, an expired or revoked one 410, each with a sentence saying so.

use domain::dto::{AssetKind, ShareOpening, SharedAsset, SharedPage};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::sharing::{open_share, UnlockShare},
    ui::{error_text, human_size},
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
    let single = page.assets.len() == 1;
    let shown = RwSignal::new(page.assets.first().cloned());
    let assets = page.assets.clone();
    view! {
        <div class="mb-4 flex flex-wrap items-end gap-3">
            <div>
                <h1 class="break-all text-2xl font-semibold" data-testid="share-title">{page.title.clone()}</h1>
                {(!page.description.is_empty()).then(|| view! { <p class="whitespace-pre-line text-fg">{page.description.clone()}</p> })}
                <p class="text-sm text-fg-muted">{format!("Shared with you · available until {}", page.expires_at.format("%-d %B %Y"))}</p>
            </div>
            {page.zip_url.clone().map(|url| view! {
                <a href=url class="btn btn-primary ml-auto" data-testid="share-zip" download>
                    {if single { "Download" } else { "Download all (ZIP)" }}
                </a>
            })}
        </div>
        {move || shown.get().map(|asset| view! { <Viewer asset/> })}
        {(!single).then(|| view! {
            <ul class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4 md:grid-cols-6" data-testid="share-grid">
                {assets.into_iter().map(|asset| {
                    let chosen = asset.clone();
                    view! {
                        <li class="rounded border border-line bg-surface p-1 text-xs" data-testid="share-item">
                            <button class="btn btn-ghost btn-sm block w-full" on:click=move |_| shown.set(Some(chosen.clone())) title=asset.name.clone()>
                                {match asset.thumbnail_url.clone() {
                                    Some(src) => view! { <img src=src alt=asset.name.clone() loading="lazy" class="aspect-square w-full object-cover"/> }.into_any(),
                                    None => view! { <div class="flex aspect-square items-center justify-center bg-muted">{asset.kind.label()}</div> }.into_any(),
                                }}
                                <span class="block truncate pt-1">{asset.name.clone()}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
    }
}

/// The asset shown large: its player, or its preview, with what it is and its download.
#[component]
fn Viewer(asset: SharedAsset) -> impl IntoView {
    let facts = [
        Some(asset.mime.clone()),
        Some(human_size(asset.size)),
        asset.width.zip(asset.height).map(|(w, h)| format!("{w} × {h}")),
        asset.duration_ms.map(|ms| format!("{:.1} s", ms as f64 / 1000.0)),
    ];
    let facts: Vec<String> = facts.into_iter().flatten().collect();
    view! {
        <div class="rounded-lg bg-muted p-2" data-testid="share-viewer">
            <div class="flex min-h-64 items-center justify-center">
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
            <p class="mt-2 flex flex-wrap items-center gap-3 text-sm">
                <span class="font-medium break-all">{asset.name.clone()}</span>
                <span class="text-fg-muted">{facts.join(" · ")}</span>
                {asset.download_url.clone().map(|url| view! { <a href=url class="underline" data-testid="share-download" download>"Download original"</a> })}
            </p>
        </div>
    }
}
