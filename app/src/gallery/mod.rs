//! The gallery page: the upload form above a grid of assets that updates itself while any asset is
//! still being processed.

mod asset_card;
mod upload_form;

use std::time::Duration;

use domain::dto::AssetPage;
use leptos::prelude::*;

use crate::{api::assets::list_assets, ui::{error_text, use_current_user, RequirePermission}};
use domain::policy::{self, Permission};
use asset_card::AssetCard;
use upload_form::UploadForm;

/// How often the gallery re-reads the list while something is still processing.
const POLL_EVERY: Duration = Duration::from_millis(1000);

#[component]
pub fn GalleryPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::Browse>
            <Library/>
        </RequirePermission>
    }
}

#[component]
fn Library() -> impl IntoView {
    let me = use_current_user();
    let may_upload = move || me.get().and_then(Result::ok).flatten().is_some_and(|u| policy::allows(u.role, Permission::Upload));
    let refresh = RwSignal::new(0u64);
    let assets = Resource::new(move || refresh.get(), |_| list_assets(None, None));
    let bump = move || refresh.update(|n| *n += 1);

    // Poll only while something is unsettled; effects run in the browser only.
    Effect::new(move |_| {
        let unsettled = assets.get().and_then(Result::ok).is_some_and(|page| page.items.iter().any(|a| !a.status.is_settled()));
        if unsettled {
            set_timeout(bump, POLL_EVERY);
        }
    });

    view! {
        <section class="mb-8">
            <h1 class="mb-4 text-2xl font-semibold">"Library"</h1>
            <Show when=may_upload>
                <UploadForm on_uploaded=bump/>
            </Show>
        </section>
        <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match assets.await {
                    Ok(page) => view! { <AssetGrid page/> }.into_any(),
                    Err(e) => view! { <p class="text-red-700" role="alert">{format!("Could not load the library: {}", error_text(&e))}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AssetGrid(page: AssetPage) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="text-slate-500" data-testid="empty-library">"No assets yet. Upload some images to get started."</p> }.into_any();
    }
    let total = page.total;
    view! {
        <p class="mb-3 text-sm text-slate-500">{format!("{total} asset{}", if total == 1 { "" } else { "s" })}</p>
        <ul class="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4" data-testid="asset-grid">
            {page.items.into_iter().map(|asset| view! { <AssetCard asset/> }).collect_view()}
        </ul>
    }
    .into_any()
}
