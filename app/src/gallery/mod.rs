//! The gallery page: the upload queue above a grid of assets that updates itself while any asset is
//! still being processed.

mod asset_card;
mod type_icon;
pub mod asset_page;

use std::time::Duration;

use domain::dto::AssetPage;
use leptos::prelude::*;

use crate::{api::assets::list_assets, ui::{error_text, use_current_user, RequirePermission}};
use domain::policy::{self, Permission};
use asset_card::AssetCard;
use crate::uploads::UploadQueue;

/// Status changes arriving within this window cause one reload of the list, not one each.
const COALESCE: Duration = Duration::from_millis(300);

/// Reloads the list when the server announces a status change (server-sent events from
/// `/api/events`). Effects run in the browser only.
fn live_updates(reload: impl Fn() + Copy + Send + Sync + 'static) {
    Effect::new(move |_| {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        let Ok(source) = web_sys::EventSource::new("/api/events") else { return };
        let scheduled = StoredValue::new(false);
        let on_change = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
            if !scheduled.get_value() {
                scheduled.set_value(true);
                set_timeout(move || { scheduled.set_value(false); reload(); }, COALESCE);
            }
        });
        // "open" also on reconnects: changes made while the stream was not connected are caught
        // by reloading once it is.
        for event in ["asset", "resync", "open"] {
            let _ = source.add_event_listener_with_callback(event, on_change.as_ref().unchecked_ref());
        }
        let guard = send_wrapper::SendWrapper::new((source, on_change));
        on_cleanup(move || guard.0.close());
    });
}

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

    live_updates(bump);

    view! {
        <section class="mb-8">
            <h1 class="mb-4 text-2xl font-semibold">"Library"</h1>
            <Show when=may_upload>
                <UploadQueue on_uploaded=bump/>
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
