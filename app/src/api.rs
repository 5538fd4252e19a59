//! Server functions: the web UI's calls into the server, also reachable as JSON under `/api/fn/`.

use domain::dto::{AssetPage, UploadReport};
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

#[server(prefix = "/api/fn", endpoint = "list_assets")]
pub async fn list_assets(page: Option<u64>, per_page: Option<u64>) -> Result<AssetPage, ServerFnError> {
    let _access: crate::auth::Access = leptos_axum::extract().await?;
    let services = expect_context::<domain::Services>();
    domain::catalog::list_assets(&services.db, page, per_page).await.map_err(|e| ServerFnError::new(e.to_string()))
}

/// The web form's upload: every file part is streamed to storage and queued for processing.
#[server(prefix = "/api/fn", endpoint = "upload_files", input = MultipartFormData)]
pub async fn upload_files(data: MultipartData) -> Result<UploadReport, ServerFnError> {
    let access: crate::auth::Access = leptos_axum::extract().await?;
    let services = expect_context::<domain::Services>();
    let form = data.into_inner().ok_or_else(|| ServerFnError::new("expected a multipart body"))?;
    domain::ingest::ingest_multipart(&services, access.uploader(), form)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}
