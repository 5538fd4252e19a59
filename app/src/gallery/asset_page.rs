//! One asset: its preview (or poster), what is known about it, and its files.

use domain::{
    dto::{AssetView, DerivativeKind},
    operations::{assets::AssetLookup, ById},
    policy::Permission,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    asset_edit::{DescribeForm, TagEditor, TrashButton},
    live_updates,
    type_icon::TypeIcon,
    versions_panel::{Versions, VersionsPanel},
};
use crate::{
    api::assets::{get_asset, ReprocessAsset},
    sharing::{ShareLinks, SharePanel},
    ui::{error_text, human_size, may, may_on, RequirePermission},
};

/// What the asset page loads: made here, once, outside any Suspense (see `ui::RequirePermission`).
#[derive(Clone, Copy)]
struct PageData {
    first: Resource<Result<AssetView, ServerFnError>>,
    versions: Versions,
    links: ShareLinks,
}

#[component]
pub fn AssetPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<uuid::Uuid>().ok()));
    // Loaded once per asset (and counted as a view); changes afterwards refresh the parts that
    // show them, not the whole page (see AssetSections).
    let first = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_asset(AssetLookup { id, viewing: true }).await,
            None => Err(ServerFnError::new("this is not an asset address")),
        }
    });
    let data = PageData { first, versions: Versions::new(id), links: ShareLinks::new(move || (id(), None)) };
    view! {
        <RequirePermission permission=Permission::Browse>
            <AssetDetail data/>
        </RequirePermission>
    }
}

#[component]
fn AssetDetail(data: PageData) -> impl IntoView {
    let first = data.first;
    view! {
        <p class="mb-4 text-sm"><a href="/" class="underline">"← Library"</a></p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(asset) => view! { <AssetSections initial=asset data/> }.into_any(),
                    Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The page of one asset. What shows the asset's details re-renders when it changes (an edit,
/// processing ending, a new version); the panels with their own state (a file being chosen, an
/// upload's outcome, a share link being made) stay, so a change arriving meanwhile loses nothing.
#[component]
fn AssetSections(initial: AssetView, data: PageData) -> impl IntoView {
    let id = initial.id;
    let owner = initial.uploaded_by;
    let reprocess = ServerAction::<ReprocessAsset>::new();
    let changed = RwSignal::new(0u64);
    let bump = move || changed.update(|n| *n += 1);
    let reload = Action::new(move |_: &()| get_asset(AssetLookup { id, viewing: false }));
    Effect::new(move |first_run: Option<()>| {
        changed.track();
        reprocess.version().track();
        if first_run.is_some() {
            reload.dispatch(());
        }
    });
    let current = Signal::derive(move || reload.value().get().and_then(Result::ok).unwrap_or_else(|| initial.clone()));
    // Only this asset's changes: other assets' processing must not reload this page.
    let about_this_asset =
        move |kind: &str, data: Option<&str>| kind == "asset" && data.is_some_and(|d| d.contains(&id.to_string()));
    live_updates(about_this_asset, bump);
    let may_edit = may(Permission::EditMetadata);
    let may_share = may(Permission::Share);
    // Files, trash: editors for what they uploaded, admins for anything.
    let (trash_on, replace_on) = (may_on(Permission::Trash), may_on(Permission::ReplaceFile));
    let may_trash = move || trash_on(owner);
    let may_replace = move || replace_on(owner);
    view! {
        {move || view! { <Detail asset=current.get()/> }}
        {move || view! { <TagEditor asset=current.get() editable=may_edit() on_changed=bump/> }}
        {move || may_edit().then(|| view! { <DescribeForm asset=current.get() on_saved=bump/> })}
        {move || view! { <VersionsPanel asset_id=id versions=data.versions editable=may_replace() on_changed=bump/> }}
        {move || may_share().then(|| view! { <SharePanel links=data.links asset_id=id/> })}
        {move || may_trash().then(|| view! { <TrashButton asset=current.get() on_changed=bump/> })}
        <Show when=may_edit>
            <button class="btn btn-secondary mt-4" on:click=move |_| { reprocess.dispatch(ReprocessAsset { input: ById { id } }); }>
                "Process again"
            </button>
        </Show>
        {move || reprocess.value().get().and_then(Result::err).map(|e| view! { <p class="text-sm text-danger-text" role="alert">{error_text(&e)}</p> })}
    }
}

/// The preview fitted to the page; a click shows it at full size (scroll to look around), another
/// click fits it again.
#[component]
fn ZoomablePreview(src: String, alt: String) -> impl IntoView {
    let zoomed = RwSignal::new(false);
    view! {
        <div class=move || if zoomed.get() { "max-h-[80vh] w-full overflow-auto" } else { "flex w-full justify-center" }>
            <img src=src alt=alt data-testid="asset-preview" data-zoomed=move || zoomed.get().to_string()
                title=move || if zoomed.get() { "Click to fit" } else { "Click to see at full size" }
                class=move || if zoomed.get() { "max-w-none cursor-zoom-out" } else { "max-h-[70vh] max-w-full cursor-zoom-in object-contain" }
                on:click=move |_| zoomed.update(|z| *z = !*z)/>
        </div>
    }
}

#[component]
fn Detail(asset: AssetView) -> impl IntoView {
    let large =
        |kind| asset.derivatives.iter().find(|d| d.kind == kind && d.mime == "image/jpeg").map(|d| d.url.clone());
    let picture =
        large(DerivativeKind::Preview).or_else(|| large(DerivativeKind::Poster)).or(asset.thumbnail_url.clone());
    // The lighter rendition first: it starts sooner, and the browser plays the first it can.
    let mut playable: Vec<(String, String, i32)> = asset
        .derivatives
        .iter()
        .filter(|d| d.kind == DerivativeKind::Transcode)
        .map(|d| (d.url.clone(), d.label.clone(), d.width.min(d.height)))
        .collect();
    playable.sort_by_key(|(_, _, short_side)| (*short_side - 720).abs());
    let playable: Vec<(String, String)> = playable.into_iter().map(|(url, label, _)| (url, label)).collect();
    let photo = &asset.metadata["photo"];
    let video = &asset.metadata["video"];
    let document = &asset.metadata["document"];
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    let mut facts: Vec<(&str, Option<String>)> = vec![
        ("Type", Some(format!("{} ({})", asset.mime, asset.kind.label()))),
        ("Size", Some(human_size(asset.size))),
        ("Dimensions", asset.width.zip(asset.height).map(|(w, h)| format!("{w} × {h}"))),
        ("Status", Some(asset.status.label().to_owned())),
        ("Why it failed", asset.failure_reason.clone()),
        ("Uploaded", Some(asset.created_at.format("%Y-%m-%d %H:%M UTC").to_string())),
        ("SHA-256", Some(asset.checksum.clone())),
        ("Title", text(&photo["title"])),
        ("Caption", text(&photo["caption"])),
        (
            "Keywords",
            photo["keywords"]
                .as_array()
                .filter(|k| !k.is_empty())
                .map(|k| k.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", ")),
        ),
        ("Creator", text(&photo["creator"])),
        ("Copyright", text(&photo["copyright"])),
        (
            "Camera",
            asset.camera_make.clone().map(|m| format!("{m} {}", asset.camera_model.clone().unwrap_or_default())),
        ),
        ("Lens", text(&photo["lens"])),
        ("Taken", asset.taken_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string())),
        (
            "Exposure",
            text(&photo["exposure_time"]).map(|e| {
                format!(
                    "{e} · {} · ISO {}",
                    text(&photo["f_number"]).unwrap_or_default(),
                    text(&photo["iso"]).unwrap_or_default()
                )
            }),
        ),
        (
            "Location",
            photo["gps"]
                .as_array()
                .map(|g| format!("{:.5}, {:.5}", g[0].as_f64().unwrap_or_default(), g[1].as_f64().unwrap_or_default())),
        ),
        ("Duration", video["duration_ms"].as_i64().map(|ms| format!("{:.1} s", ms as f64 / 1000.0))),
        (
            "Codecs",
            text(&video["video_codec"])
                .map(|v| format!("{v} / {}", text(&video["audio_codec"]).unwrap_or_else(|| "no audio".into()))),
        ),
        ("Frame rate", video["fps"].as_f64().map(|f| format!("{f:.2} fps"))),
        ("Container", text(&video["container"])),
        ("Pages", document["pages"].as_u64().map(|p| p.to_string())),
        ("Page size", text(&document["page_size"])),
        ("Title", text(&document["title"])),
        ("Author", text(&document["author"])),
    ];
    facts.retain(|(_, v)| v.is_some());
    view! {
        <h1 class="mb-1 break-all text-2xl font-semibold" data-testid="asset-title">{asset.display_name().to_owned()}</h1>
        {(!asset.title.is_empty()).then(|| view! { <p class="mb-1 text-sm text-fg-muted">{asset.filename.clone()}</p> })}
        {(!asset.description.is_empty()).then(|| view! { <p class="mb-4 whitespace-pre-line text-fg" data-testid="asset-description">{asset.description.clone()}</p> })}
        <div class="grid gap-6 md:grid-cols-3">
            <div class="md:col-span-2 flex min-h-64 items-center justify-center rounded-lg bg-muted">
                {if !playable.is_empty() {
                    view! {
                        <video controls preload="metadata" poster=picture class="max-h-[70vh] max-w-full" data-testid="asset-video">
                            {playable.into_iter().map(|(src, label)| view! { <source src=src type="video/mp4" data-label=label/> }).collect_view()}
                        </video>
                    }.into_any()
                } else if let Some(src) = picture {
                    view! { <ZoomablePreview src alt=asset.filename.clone()/> }.into_any()
                } else {
                    view! { <TypeIcon mime=asset.mime.clone() filename=asset.filename.clone()/> }.into_any()
                }}
            </div>
            <div>
                <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="asset-metadata">
                    {facts.into_iter().map(|(label, value)| view! {
                        <dt class="text-fg-muted">{label}</dt>
                        <dd class="break-all">{value}</dd>
                    }).collect_view()}
                </dl>
                <h2 class="mb-1 mt-4 font-semibold">"Files"</h2>
                <ul class="text-sm">
                    <li><a class="underline" href=asset.original_url.clone() download>"Original"</a></li>
                    {asset.derivatives.iter().map(|d| view! {
                        <li><a class="underline" href=format!("{}&download=true", d.url)>{format!("{:?} {} · {}×{} · {}", d.kind, d.label, d.width, d.height, human_size(d.size))}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        </div>
    }
}
