use domain::dto::{AssetKind, AssetStatus, AssetView, DerivativeKind};
use leptos::prelude::*;

use super::type_icon::TypeIcon;

#[component]
pub fn AssetCard(asset: AssetView) -> impl IntoView {
    let status = asset.status;
    let badge = match status {
        AssetStatus::Processed => "bg-emerald-100 text-emerald-800",
        AssetStatus::Failed => "bg-red-100 text-red-800",
        _ => "bg-amber-100 text-amber-800",
    };
    let webp = asset.derivatives.iter().find(|d| d.kind == DerivativeKind::Thumbnail && d.mime == "image/webp").map(|d| d.url.clone());
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
        <li class="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm"
            data-testid="asset-card" data-status=status.label() data-asset-id=asset.id.to_string()>
            <div class="flex aspect-square items-center justify-center bg-slate-100">{preview}</div>
            <div class="space-y-1 p-2">
                <a href=format!("/assets/{}", asset.id) class="block truncate text-sm font-medium hover:underline" title=asset.filename.clone()>{asset.filename.clone()}</a>
                <p class="flex items-center justify-between text-xs text-slate-500">
                    <span class=format!("rounded px-1.5 py-0.5 {badge}") data-testid="asset-status">{status.label()}</span>
                    <a href=asset.original_url download class="underline">"original"</a>
                </p>
                {asset.failure_reason.map(|reason| view! { <p class="text-xs text-red-700">{reason}</p> })}
            </div>
        </li>
    }
}
