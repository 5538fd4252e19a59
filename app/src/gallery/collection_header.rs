//! Above the library when it is searched inside a collection: which one, and deleting it (its
//! assets stay in the library).

use domain::{operations::ById, policy::Permission};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::{
    api::library::DeleteCollection,
    sharing::{ShareButton, ShareLinks},
    ui::{error_text, may, may_on},
};

#[component]
pub fn CollectionHeader(
    id: Uuid,
    /// Loaded by the page (see `ui::RequirePermission`).
    collection: Resource<Result<Option<domain::dto::CollectionView>, ServerFnError>>,
    links: ShareLinks,
) -> impl IntoView {
    let delete = ServerAction::<DeleteCollection>::new();
    let may_delete = may_on(Permission::DeleteCollection);
    let may_share = may(Permission::Share);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/collections", Default::default());
        }
    });
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match collection.await {
                    Ok(None) => ().into_any(),
                    Ok(Some(c)) => view! {
                        <div class="mb-4 rounded border border-line bg-surface p-3" data-testid="collection-header">
                            <p class="text-xs uppercase text-fg-muted"><a href="/collections" class="hover:underline">"Collection"</a></p>
                            <h2 class="text-xl font-semibold">{c.name.clone()}</h2>
                            {(!c.description.is_empty()).then(|| view! { <p class="text-sm text-fg-muted">{c.description.clone()}</p> })}
                            {(c.asset_count > 0).then(|| view! {
                                <a href=format!("/api/collections/{id}/download.zip") class="mt-2 inline-block text-sm underline" data-testid="collection-zip" download>
                                    {format!("Download all {} (ZIP)", c.asset_count)}
                                </a>
                            })}
                            <Show when=may_share>
                                <div class="mt-2"><ShareButton links collection_id=id/></div>
                            </Show>
                            <Show when=move || may_delete(c.created_by)>
                                <button class="btn btn-ghost btn-danger-text btn-sm mt-2" data-testid="delete-collection"
                                    on:click=move |_| { delete.dispatch(DeleteCollection { input: ById { id } }); }>"Delete collection (keeps its assets)"</button>
                            </Show>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
