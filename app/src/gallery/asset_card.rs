//! One asset in the gallery's justified rows: the picture at its own shape, and nothing else until
//! the pointer (or keyboard focus) is on it — then the checkbox and the name. Videos carry a play
//! mark and their length; documents without a picture their type icon. Status shows only when
//! the asset is not ready: a shimmer while it is processed, a badge when processing failed.

use domain::dto::{AssetKind, AssetStatus, AssetView, DerivativeKind};
use leptos::prelude::*;

use super::{selection::Selection, type_icon::TypeIcon};
use crate::{
    routes,
    ui::icons::{Icon, PLAY},
};
use domain::media_words::duration_label;

/// Width over height for the tile: the picture's own, kept within what a row can show (a
/// panorama or a tall strip is cropped a little rather than making a row of slivers). The
/// stylesheet has a class per 0.05 step from 0.5 to 2.5 (`ar-10` … `ar-50`).
fn tile_ratio(asset: &AssetView) -> f64 {
    let thumb = asset.derivatives.iter().find(|d| d.kind == DerivativeKind::Thumbnail);
    let (w, h) = match (thumb, asset.width, asset.height) {
        (Some(t), _, _) if t.width > 0 && t.height > 0 => (t.width, t.height),
        (_, Some(w), Some(h)) if w > 0 && h > 0 => (w, h),
        // Documents without a picture stand upright, like a page.
        _ if asset.kind == AssetKind::Document => (3, 4),
        _ => (1, 1),
    };
    (f64::from(w) / f64::from(h)).clamp(0.5, 2.5)
}

/// The thumbnails as a `srcset` (each size the worker made, by width), smallest first; only
/// sizes that exist are listed.
fn thumbnail_srcset(asset: &AssetView, mime: &str) -> Option<String> {
    let mut sizes: Vec<_> = asset
        .derivatives
        .iter()
        .filter(|d| d.kind == DerivativeKind::Thumbnail && d.mime == mime && d.width > 0)
        .collect();
    sizes.sort_by_key(|d| d.width);
    sizes.dedup_by_key(|d| d.width);
    (!sizes.is_empty()).then(|| sizes.iter().map(|d| format!("{} {}w", d.url, d.width)).collect::<Vec<_>>().join(", "))
}

#[component]
pub fn AssetCard(asset: AssetView, selection: Option<Selection>) -> impl IntoView {
    let id = asset.id;
    let name = asset.display_name().to_owned();
    let ratio = tile_ratio(&asset);
    let status = asset.status;
    let selected = move || selection.is_some_and(|s| s.is_chosen(id));
    let selecting = move || selection.is_some_and(|s| !s.is_empty());
    let checkbox = selection.map(|chosen| {
        view! {
            <input type="checkbox" class="tile-check checkbox absolute left-2 top-2 z-10 h-5 w-5" data-testid="select-asset"
                aria-label=format!("Select {name}")
                prop:checked=selected
                on:click=move |ev: leptos::ev::MouseEvent| chosen.set(id, event_target_checked(&ev), ev.shift_key())/>
        }
    });
    // The row is about as tall as the tile is on screen; the browser picks 1× or 2× from these.
    let sizes = format!("{}px", (ratio * 240.0).round() as i64);
    let picture = match asset.thumbnail_url.clone() {
        Some(url) => {
            let alt = name.clone();
            let webp = thumbnail_srcset(&asset, "image/webp");
            let jpeg = thumbnail_srcset(&asset, "image/jpeg");
            view! {
                <picture>
                    {webp.map(|srcset| view! { <source srcset=srcset sizes=sizes.clone() type="image/webp"/> })}
                    <img src=url srcset=jpeg sizes=sizes alt=alt loading="lazy" decoding="async"
                        class="absolute inset-0 h-full w-full object-cover"/>
                </picture>
            }
            .into_any()
        }
        None if asset.kind == AssetKind::Document && status.is_settled() => {
            view! { <span class="absolute inset-0 flex items-center justify-center"><TypeIcon mime=asset.mime.clone() filename=asset.filename.clone()/></span> }.into_any()
        }
        None if status == AssetStatus::Failed => ().into_any(),
        None => view! { <span class="skeleton absolute inset-0" aria-hidden="true"></span> }.into_any(),
    };
    let video = (asset.kind == AssetKind::Video).then(|| {
        let length = asset.duration_ms.map(duration_label);
        view! {
            <span class="tile-mark absolute bottom-2 right-2 flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium" data-testid="video-mark">
                <Icon icon=PLAY class="h-3 w-3 fill-current"/>{length}
            </span>
        }
    });
    let not_ready = match status {
        AssetStatus::Processed => None,
        AssetStatus::Failed => {
            Some(view! { <span class="badge badge-danger" data-testid="asset-status">"Failed"</span> })
        }
        _ => Some(view! { <span class="badge badge-warning" data-testid="asset-status">"Processing"</span> }),
    };
    let reason = asset.failure_reason.clone();
    view! {
        <li class=format!("tile ar-{}", (ratio * 20.0).round() as i64)
            class:tile-selected=selected class:tile-selecting=selecting
            data-testid="asset-card" data-status=status.label() data-asset-id=id.to_string()>
            // Once something is chosen, a click on a tile chooses too (Shift for a range).
            <a href=routes::asset(id) class="tile-link" aria-label=name.clone() title=reason.clone().unwrap_or_else(|| name.clone())
                on:click=move |ev: leptos::ev::MouseEvent| if let Some(s) = selection.filter(|s| !s.chosen.with_untracked(Vec::is_empty)) {
                    ev.prevent_default();
                    s.set(id, !s.chosen.with_untracked(|c| c.contains(&id)), ev.shift_key());
                }>
                {picture}
                {video}
                <span class="tile-caption" aria-hidden="true">{name.clone()}</span>
            </a>
            {checkbox}
            {not_ready.map(|badge| view! { <span class="absolute right-2 top-2">{badge}</span> })}
            {reason.map(|reason| view! { <span class="sr-only">{format!("Processing failed: {reason}")}</span> })}
        </li>
    }
}
