use domain::{
    dto::UploadReport,
    operations::{
        assets::{self, AssetLookup, VersionsPage},
        ById,
    },
};
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

/// The web form's upload: every file part is streamed to storage and queued for processing.
#[server(prefix = "/api/fn", endpoint = "upload_files", input = MultipartFormData)]
pub async fn upload_files(data: MultipartData) -> Result<UploadReport, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::Upload).await?;
    let form = data.into_inner().ok_or_else(|| ServerFnError::new("expected a multipart body"))?;
    domain::ingest::ingest_multipart(&services, &edge::links::API, &access.actor(), false, form).await.map_err(fail)
}

server_op!(get_asset, "get_asset", assets::GetAsset, AssetLookup);
server_op!(reprocess_asset, "reprocess_asset", assets::ReprocessAsset, ById);
server_op!(list_versions, "list_versions", assets::ListVersions, VersionsPage);

/// A new file for an asset (editors): fields `asset` (its id), then the file. The new version's
/// number, or `None` when the file is the current version already.
#[server(prefix = "/api/fn", endpoint = "upload_version", input = MultipartFormData)]
pub async fn upload_version(data: MultipartData) -> Result<Option<i32>, ServerFnError> {
    use super::{authorize, fail};
    use domain::library::versions::{self, Replaced};
    let (services, access) = authorize(domain::policy::Permission::ReplaceFile).await?;
    let mut form = data.into_inner().ok_or_else(|| ServerFnError::new("expected a multipart body"))?;
    let mut asset = None;
    while let Some(field) = form.next_field().await.map_err(|e| ServerFnError::new(format!("malformed upload: {e}")))? {
        let Some(filename) = field.file_name().map(domain::file_names::display_name) else {
            if field.name() == Some("asset") {
                asset = field.text().await.ok().and_then(|t| t.trim().parse::<uuid::Uuid>().ok());
            }
            continue;
        };
        let id = asset.ok_or_else(|| ServerFnError::new("say which asset the new version is for"))?;
        return match versions::upload(&services, &access.actor(), id, &filename, field).await.map_err(fail)? {
            Replaced::NewVersion(version) => Ok(Some(version)),
            Replaced::Unchanged => Ok(None),
        };
    }
    Err(ServerFnError::new("choose a file to upload as the new version"))
}
