//! One asset in the viewer (`/assets/:id`): the media on a dark stage, previous / next in the
//! gallery's order, download, share and trash above it, and the info panel with what is known and
//! can be changed.

use domain::{
    dto::{format_label, AssetView, DerivativeKind},
    operations::{assets::AssetLookup, ById},
    policy::Permission,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    asset_edit::{DescribeForm, TagEditor},
    asset_facts::AssetFacts,
    collection_menu::AddToCollectionMenu,
    live_updates,
    trash_actions::{InTrashNotice, TrashAssetButton},
    type_icon::TypeIcon,
    versions_panel::{Versions, VersionsPanel},
    video_player::{self, VideoPlayer},
    viewer_nav,
    zoom::ZoomablePreview,
};
use crate::{
    api::assets::{get_asset, ReprocessAsset},
    routes,
    sharing::{ShareButton, ShareLinks},
    ui::{
        close_on_escape, error_text, follow_details, human_size,
        icons::{Icon, CHEVRON_LEFT, CHEVRON_RIGHT, CLOSE, DOWNLOAD, INFO},
        may, may_on, RequirePermission,
    },
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
        <Transition fallback=|| view! { <p class="text-fg-muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(asset) => view! { <AssetSections initial=asset data/> }.into_any(),
                    Err(e) => view! {
                        <p class="alert alert-danger" role="alert">{error_text(&e)}</p>
                        <p class="mt-3"><a href=routes::LIBRARY>"Back to the library"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The viewer: the picture (or video, or document) on a dark stage with the actions above it,
/// and the info panel beside it (`i` shows or hides it). What shows the asset's details re-renders
/// when it changes (an edit, processing ending, a new version); the panels with their own state (a
/// file being chosen, an upload's outcome, a share link being made) stay, so a change arriving
/// meanwhile loses nothing.
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
    let info = RwSignal::new(true);
    let neighbours = viewer_nav::Neighbours::of(id);
    viewer_nav::keyboard(neighbours, info);
    view! {
        <div class="viewer -mx-4 -my-4 flex flex-col md:-mx-6 lg:flex-row">
            <section class="viewer-stage flex min-w-0 flex-1 flex-col" aria-label="Viewer" data-testid="viewer">
                <div class="flex items-center gap-1 px-2 py-2">
                    <a href=move || neighbours.back.get() class="btn btn-ghost btn-icon" aria-label="Close (Esc)" title="Close (Esc)" data-testid="viewer-close"><Icon icon=CLOSE/></a>
                    <h1 class="min-w-0 flex-1 truncate px-1 text-base font-semibold" data-testid="asset-title">
                        {move || current.with(|a| a.display_name().to_owned())}
                    </h1>
                    {move || view! { <DownloadMenu asset=current.get()/> }}
                    {move || may_share().then(|| view! { <ShareButton links=data.links asset_id=id compact=true/> })}
                    // Collections hold what is in the library, not what is in the trash.
                    {move || (may_edit() && current.with(|a| a.deleted_at.is_none())).then(|| view! { <AddToCollectionMenu asset_id=id/> })}
                    {move || (may_trash() && current.with(|a| a.deleted_at.is_none())).then(|| view! { <TrashAssetButton asset=current.get() neighbours/> })}
                    <button type="button" class="btn btn-ghost btn-icon" aria-label="Info (i)" title="Info (i)"
                        aria-pressed=move || info.get().to_string() aria-controls="asset-info" data-testid="info-toggle"
                        on:click=move |_| info.update(|i| *i = !*i)><Icon icon=INFO/></button>
                </div>
                {move || current.with(|a| a.deleted_at.is_some()).then(|| view! { <InTrashNotice asset_id=id on_changed=bump/> })}
                <div class="relative flex min-h-[50vh] flex-1 items-center justify-center px-2 pb-2 lg:min-h-[calc(100vh-7.5rem)]"
                    on:touchstart=move |ev| neighbours.touch_start(&ev) on:touchend=move |ev| neighbours.touch_end(&ev)>
                    {move || view! { <Stage asset=current.get()/> }}
                    {move || neighbours.previous().map(|href| view! {
                        <a href=href class="viewer-nav left-2" aria-label="Previous (←)" title="Previous (←)" data-testid="viewer-previous"><Icon icon=CHEVRON_LEFT/></a>
                    })}
                    {move || neighbours.next().map(|href| view! {
                        <a href=href class="viewer-nav right-2" aria-label="Next (→)" title="Next (→)" data-testid="viewer-next"><Icon icon=CHEVRON_RIGHT/></a>
                    })}
                </div>
            </section>
            <aside id="asset-info" class="w-full shrink-0 space-y-6 border-line bg-surface p-4 lg:max-h-[calc(100vh-3.5rem)] lg:w-96 lg:overflow-y-auto lg:border-l"
                class:hidden=move || !info.get() aria-label="Info">
                {move || current.with(|a| (!a.description.is_empty()).then(|| view! {
                    <p class="whitespace-pre-line" data-testid="asset-description">{a.description.clone()}</p>
                }))}
                {move || view! { <AssetFacts asset=current.get()/> }}
                {move || view! { <TagEditor asset=current.get() editable=may_edit() on_changed=bump/> }}
                {move || may_edit().then(|| view! { <DescribeForm asset=current.get() on_saved=bump/> })}
                {move || view! { <VersionsPanel asset_id=id versions=data.versions editable=may_replace() on_changed=bump/> }}
                <Show when=may_edit>
                    <button class="btn btn-secondary" on:click=move |_| { reprocess.dispatch(ReprocessAsset { input: ById { id } }); }>
                        "Process again"
                    </button>
                </Show>
                {move || reprocess.value().get().and_then(Result::err).map(|e| view! { <p class="text-sm text-danger-text" role="alert">{error_text(&e)}</p> })}
            </aside>
        </div>
    }
}

/// The media: the video with its renditions, a document's first page, the large preview, or the
/// type icon.
#[component]
fn Stage(asset: AssetView) -> impl IntoView {
    let large =
        |kind| asset.derivatives.iter().find(|d| d.kind == kind && d.mime == "image/jpeg").map(|d| d.url.clone());
    let picture =
        large(DerivativeKind::Preview).or_else(|| large(DerivativeKind::Poster)).or(asset.thumbnail_url.clone());
    let playable: Vec<video_player::Rendition> = asset
        .derivatives
        .iter()
        .filter(|d| d.kind == DerivativeKind::Transcode)
        .map(|d| (d.url.clone(), d.label.clone(), d.width.min(d.height)))
        .collect();
    let pages = asset.metadata["document"]["pages"].as_u64();
    if !playable.is_empty() {
        view! { <VideoPlayer poster=picture renditions=playable/> }.into_any()
    } else if let (Some(src), Some(pages)) = (picture.clone(), pages) {
        // A document's first page, with how many there are and the file itself.
        let pages = if pages == 1 { "1 page".to_owned() } else { format!("{pages} pages") };
        view! {
            <div class="flex max-w-full flex-col items-center gap-2">
                <img src=src alt=asset.display_name().to_owned() data-testid="asset-preview" class="max-h-[calc(100vh-11rem)] max-w-full object-contain shadow-lg"/>
                <p class="flex items-center gap-3 text-sm" data-testid="document-pages">
                    <span>{format!("First of {pages}")}</span>
                    <a href=asset.original_url.clone() class="btn btn-secondary btn-sm" download="">"Download the document"</a>
                </p>
            </div>
        }
        .into_any()
    } else if let Some(src) = picture {
        // Zooming shows the original where the preview is smaller and browsers draw the format.
        let drawn =
            matches!(asset.mime.as_str(), "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/avif");
        let larger = asset.width.zip(asset.height).is_some_and(|(w, h)| w.max(h) > 1600);
        let original = (drawn && larger).then(|| asset.original_url.clone());
        let full_width = original.as_ref().and(asset.width);
        view! { <ZoomablePreview src alt=asset.display_name().to_owned() original full_width/> }.into_any()
    } else {
        view! { <TypeIcon mime=asset.mime.clone() filename=asset.filename.clone()/> }.into_any()
    }
}

/// Download: the original and each rendition, named by what it is and how big.
#[component]
fn DownloadMenu(asset: AssetView) -> impl IntoView {
    let mut files = vec![(
        format!("Original · {} · {}", format_label(&asset.mime, &asset.filename), human_size(asset.size)),
        asset.original_url.clone(),
    )];
    for d in &asset.derivatives {
        let what = match d.kind {
            DerivativeKind::Thumbnail => "Thumbnail",
            DerivativeKind::Preview => "Large preview",
            DerivativeKind::Poster => "Poster frame",
            DerivativeKind::Transcode => "Video",
        };
        let format = d.mime.rsplit('/').next().unwrap_or_default().to_uppercase();
        files.push((
            format!("{what} · {format} · {} × {} · {}", d.width, d.height, human_size(d.size)),
            format!("{}&download=true", d.url),
        ));
    }
    // Esc closes the menu first (the viewer's own Esc then closes the viewer).
    let open = RwSignal::new(false);
    view! {
        <details class="relative" data-testid="download-menu" prop:open=open
            on:toggle=move |ev| follow_details(ev, open)
            on:keydown=close_on_escape(open)>
            <summary class="btn btn-ghost list-none" aria-label="Download"><Icon icon=DOWNLOAD/><span class="hidden sm:inline">"Download"</span></summary>
            <ul class="menu absolute right-0 top-full z-40 mt-1 w-80 max-w-[calc(100vw-2rem)]">
                {files.into_iter().enumerate().map(|(i, (label, href))| view! {
                    <li><a class="menu-item" href=href download=(i == 0).then_some("")>{label}</a></li>
                }).collect_view()}
            </ul>
        </details>
    }
}
