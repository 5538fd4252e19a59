use domain::dto::UploadReport;
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

/// The web form's upload: every file part is streamed to storage and queued for processing.
#[server(prefix = "/api/fn", endpoint = "upload_files", input = MultipartFormData)]
pub async fn upload_files(data: MultipartData) -> Result<UploadReport, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::Upload).await?;
    let form = data.into_inner().ok_or_else(|| ServerFnError::new("expected a multipart body"))?;
    domain::ingest::ingest_multipart(&services, &access.actor(), false, form).await.map_err(fail)
}

/// One asset. `viewing`: the asset page is opening (not refreshing), which counts as a view.
#[server(prefix = "/api/fn", endpoint = "get_asset")]
pub async fn get_asset(id: uuid::Uuid, #[server(default)] viewing: bool) -> Result<domain::dto::AssetView, ServerFnError> {
    use super::{authorize, fail};
    let (services, _) = authorize(domain::policy::Permission::Browse).await?;
    let asset = domain::catalog::get_asset(&services.db, id).await.map_err(fail)?;
    if viewing {
        services.usage.record(id, domain::analytics::UsageEvent::View).await;
    }
    Ok(asset)
}

/// Processes the asset again (editors): a failed one once its cause is fixed, or to regenerate.
#[server(prefix = "/api/fn", endpoint = "reprocess_asset")]
pub async fn reprocess_asset(id: uuid::Uuid) -> Result<(), ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::EditMetadata).await?;
    domain::pipeline::state::request(&services.db, &access.actor(), id, domain::pipeline::Priority::Retry).await.map_err(fail)
}
