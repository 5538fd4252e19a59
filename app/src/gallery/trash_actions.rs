//! Moving assets to the trash asks first and offers an undo afterwards (a notice that outlives the
//! page); an asset already there says so and can be brought back.

use domain::{dto::AssetView, operations::AssetIds};

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::{viewer_nav::Neighbours, LibraryChanges};
use crate::{
    api::library::{restore_assets, trash_assets, RestoreAssets},
    ui::{
        dialog::Confirm,
        error_text,
        icons::{Icon, TRASH},
        toast::{use_toasts, Toasts},
    },
};

/// "3 assets" / "“Poster.png”".
pub fn what(ids: usize, name: Option<&str>) -> String {
    match (ids, name) {
        (1, Some(name)) => format!("“{name}”"),
        (1, None) => "1 asset".into(),
        (n, _) => format!("{n} assets"),
    }
}

/// Trashes `ids`, then says so with an Undo. `Ok` once they are in the trash.
pub async fn trash_with_undo(
    ids: Vec<Uuid>,
    name: Option<String>,
    toasts: Toasts,
    library: LibraryChanges,
) -> Result<(), String> {
    trash_assets(AssetIds { assets: ids.clone() }).await.map_err(|e| error_text(&e))?;
    library.bump();
    let text = format!("Moved {} to the trash", what(ids.len(), name.as_deref()));
    toasts.say_with_undo(text, move || restore_in_background(ids.clone(), toasts, library));
    Ok(())
}

fn restore_in_background(ids: Vec<Uuid>, toasts: Toasts, library: LibraryChanges) {
    leptos::task::spawn_local(async move {
        let count = ids.len();
        match restore_assets(AssetIds { assets: ids }).await {
            Ok(_) => {
                library.bump();
                toasts.say(format!("Restored {}", what(count, None)));
            }
            Err(e) => toasts.say(format!("Could not restore: {}", error_text(&e))),
        }
    });
}

/// The viewer's trash button: asks, trashes, and moves on to the next asset (or back to the
/// gallery) with an undo on screen.
#[component]
pub fn TrashAssetButton(asset: AssetView, neighbours: Neighbours) -> impl IntoView {
    let (id, name) = (asset.id, asset.display_name().to_owned());
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // Called from the browser only; the wrapper lets the handler be `Send` as views require.
    let navigate = send_wrapper::SendWrapper::new(use_navigate());
    let (toasts, library) = (use_toasts(), LibraryChanges::get());
    let message =
        format!("{} leaves the library and every search. It can be restored from the Trash.", what(1, Some(&name)));
    let confirm = move || {
        busy.set(true);
        error.set(None);
        let (navigate, name) = (navigate.clone(), name.clone());
        leptos::task::spawn_local(async move {
            match trash_with_undo(vec![id], Some(name), toasts, library).await {
                Ok(()) => {
                    asking.set(false);
                    busy.set(false);
                    (*navigate)(&neighbours.after_leaving(), Default::default());
                }
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <button type="button" class="btn btn-ghost btn-icon" aria-label="Move to trash" title="Move to trash"
            data-testid="trash" on:click=move |_| asking.set(true)><Icon icon=TRASH/></button>
        <Confirm open=asking title="Move to the trash?" message=message action="Move to trash" testid="confirm-trash"
            busy error on_confirm=confirm/>
    }
}

/// On an asset in the trash: says so, with Restore.
#[component]
pub fn InTrashNotice(asset_id: Uuid, on_changed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let restore = ServerAction::<RestoreAssets>::new();
    let library = LibraryChanges::get();
    Effect::new(move |_| {
        if matches!(restore.value().get(), Some(Ok(_))) {
            library.bump();
            on_changed();
        }
    });
    view! {
        <div class="alert alert-warning mx-2 mb-2 flex items-center gap-3 text-sm" data-testid="in-trash">
            <Icon icon=TRASH/>
            <span class="flex-1">"This asset is in the trash: hidden from the library and from searches."</span>
            <button type="button" class="btn btn-secondary btn-sm" data-testid="restore"
                on:click=move |_| { restore.dispatch(RestoreAssets { input: AssetIds { assets: vec![asset_id] } }); }>"Restore"</button>
        </div>
        {move || restore.value().get().and_then(Result::err).map(|e| view! { <p class="mx-2 text-sm text-danger-text" role="alert">{error_text(&e)}</p> })}
    }
}
