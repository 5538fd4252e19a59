use domain::dto::{AssetKind, AssetStatus, AssetView, DerivativeKind};
use leptos::prelude::*;

use super::type_icon::TypeIcon;

/// One asset in the grid; with `selection`, a checkbox adds it to the selection for bulk actions.
#[component]
pub fn AssetCard(asset: AssetView, selection: Option<RwSignal<Vec<uuid::Uuid>>>) -> impl IntoView {
    let id = asset.id;
    let name = asset.display_name().to_owned();
    let shown = name.clone();
    // People's own tags first: they say more than what processing guessed.
    let mut ordered: Vec<&domain::dto::TagView> = asset.tags.iter().collect();
    ordered.sort_by_key(|t| t.auto);
    let tags = ordered.iter().take(6).map(|t| t.name.as_str()).collect::<Vec<_>>().join(" · ");
    let checkbox = selection.map(|selected| {
        view! {
            <input type="checkbox" class="absolute left-2 top-2 h-4 w-4" data-testid="select-asset" aria-label=format!("Select {name}")
                prop:checked=move || selected.with(|s| s.contains(&id))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selected.update(|s| { s.retain(|x| *x != id); if on { s.push(id); } });
                }/>
        }
    });
    let status = asset.status;
    let badge = match status {
        AssetStatus::Processed => "bg-emerald-100 text-emerald-800",
        AssetStatus::Failed => "bg-red-100 text-red-800",
        _ => "bg-amber-100 text-amber-800",
    };
    let webp = asset
        .derivatives
        .iter()
        .find(|d| d.kind == DerivativeKind::Thumbnail && d.mime == "image/webp")
        .map(|d| d.url.clone());
    let preview = match asset.thumbnail_url {
        Some(url) => view! {
            <picture class="h-full w-full">
                {webp.map(|srcset| view! { <source srcset=srcset type="image/webp"/> })}
                <img src=url alt=asset.filename.clone() loading="lazy" class="h-full w-full object-contain"/>
            </picture>
        }
        .into_any(),
        None if asset.kind == AssetKind::Document => view! { <TypeIcon mime=asset.mime.clone() filename=asset.filename.clone()/> }.into_any(),
        None => view! {
            <span class="text-sm text-slate-400">{if status == AssetStatus::Failed { "no preview" } else { "processing…" }}</span>
        }
        .into_any(),
    };
    view! {
        <li class="relative overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm"
            data-testid="asset-card" data-status=status.label() data-asset-id=asset.id.to_string()>
            <div class="flex aspect-square items-center justify-center bg-slate-100">{preview}</div>
            {checkbox}
            <div class="space-y-1 p-2">
                <a href=format!("/assets/{}", asset.id) class="block truncate text-sm font-medium hover:underline" title=asset.filename.clone()>{shown}</a>
                <p class="flex items-center justify-between text-xs text-slate-500">
                    <span class=format!("rounded px-1.5 py-0.5 {badge}") data-testid="asset-status">{status.label()}</span>
                    <a href=asset.original_url download class="underline">"original"</a>
                </p>
                {asset.failure_reason.map(|reason| view! { <p class="text-xs text-red-700">{reason}</p> })}
                <p class="truncate text-xs text-slate-400" data-testid="asset-tags">{tags}</p>
            </div>
        </li>
    }
}
