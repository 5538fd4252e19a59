//! An asset's file versions on its page: each one listed with who uploaded it and a download,
//! and (editors) a form to upload a new file as the next version.

use domain::operations::assets::VersionsPage;
use leptos::{html, prelude::*, server_fn::ServerFn as _};
use uuid::Uuid;

use crate::{
    api::assets::{list_versions, upload_version, UploadVersion},
    ui::{error_text, human_size, read_pages},
};

/// An asset's versions, made by the page once, outside any Suspense (see `ui::RequirePermission`).
#[derive(Clone, Copy)]
pub struct Versions {
    uploaded: RwSignal<u32>,
    list: Resource<Result<Vec<domain::dto::FileVersionView>, ServerFnError>>,
}

impl Versions {
    pub fn new(asset_id: impl Fn() -> Option<Uuid> + Send + Sync + 'static) -> Self {
        let uploaded = RwSignal::new(0u32);
        let list = Resource::new(
            move || (asset_id(), uploaded.get()),
            |(asset_id, _)| async move {
                match asset_id {
                    Some(id) => {
                        let all =
                            read_pages(usize::MAX, |after| list_versions(VersionsPage { id, after, limit: Some(500) }));
                        all.await.map(|page| page.items)
                    }
                    None => Ok(Vec::new()),
                }
            },
        );
        Versions { uploaded, list }
    }
}

#[component]
pub fn VersionsPanel(
    asset_id: Uuid,
    versions: Versions,
    editable: bool,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let Versions { uploaded, list: versions } = versions;
    let form_ref = NodeRef::<html::Form>::new();
    let upload = Action::new_local(|data: &web_sys::FormData| upload_version(data.clone().into()));
    let message = move || {
        upload.value().get().map(|outcome| match outcome {
            Ok(Some(version)) => (false, format!("Version {version} uploaded; it is being processed.")),
            Ok(None) => (false, "That file is the current version already; nothing changed.".to_owned()),
            Err(e) => (true, error_text(&e)),
        })
    };
    Effect::new(move |_| {
        if matches!(upload.value().get(), Some(Ok(Some(_)))) {
            uploaded.update(|n| *n += 1);
            if let Some(form) = form_ref.get_untracked() {
                form.reset();
            }
            on_changed();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(data) = form_ref.get_untracked().and_then(|form| web_sys::FormData::new_with_form(&form).ok()) {
            upload.dispatch_local(data);
        }
    };
    view! {
        <section class="mt-6" data-testid="versions">
            <h2 class="mb-1 font-semibold">"File versions"</h2>
            <Transition fallback=|| ()>
                {move || versions.get().map(|found| match found {
                    Ok(list) => view! {
                        <ul class="text-sm">
                            {list.into_iter().map(|v| view! {
                                <li class="flex flex-wrap gap-2" data-testid="version">
                                    <span class="font-medium">{format!("v{}", v.version)}</span>
                                    <a class="underline" href=v.download_url download>{v.filename}</a>
                                    <span class="text-fg-muted">{format!("{} · {} · {}", human_size(v.size), v.uploaded_at.format("%Y-%m-%d %H:%M"), v.uploaded_by.unwrap_or_else(|| "unknown".into()))}</span>
                                    {v.current.then(|| view! { <span class="rounded bg-success-soft px-1 text-success-text">"current"</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
            {editable.then(|| view! {
                // Posts by itself before the page is interactive; the server then sends the browser back here.
                <form node_ref=form_ref class="mt-2 flex flex-wrap items-center gap-2 text-sm" on:submit=submit
                    method="post" enctype="multipart/form-data" action=UploadVersion::url()>
                    <input type="hidden" name="asset" value=asset_id.to_string()/>
                    <input type="file" name="file" required class="file-input" data-testid="version-file" aria-label="New version"/>
                    <button type="submit" class="btn btn-secondary btn-sm" data-testid="version-upload"
                        disabled=move || upload.pending().get()>"Upload new version"</button>
                </form>
            })}
            {move || message().map(|(failed, text)| view! {
                <p class=if failed { "text-sm text-danger-text" } else { "text-sm text-success-text" } role=if failed { "alert" } else { "status" } data-testid="version-message">{text}</p>
            })}
        </section>
    }
}
