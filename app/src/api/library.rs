//! Server functions of the library: search, describing and tagging assets, and the trash.

use domain::dto::{AssetQuery, AssetView, SearchResults};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api/fn", endpoint = "search_assets")]
pub async fn search_assets(#[server(default)] query: AssetQuery) -> Result<SearchResults, ServerFnError> {
    use super::{authorize, fail};
    let (services, _) = authorize(domain::policy::Permission::Browse).await?;
    domain::library::search::search(&services.db, &query).await.map_err(fail)
}

/// Sets the title and description (editors).
#[server(prefix = "/api/fn", endpoint = "describe_asset")]
pub async fn describe_asset(id: Uuid, title: String, description: String) -> Result<(), ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::EditMetadata).await?;
    domain::library::editing::describe(&services.db, &access.actor(), id, Some(title), Some(description))
        .await
        .map_err(fail)
}

/// Adds tags (comma-separated in `tags`) to one asset or a selection (editors).
#[server(prefix = "/api/fn", endpoint = "tag_assets")]
pub async fn tag_assets(assets: Vec<Uuid>, tags: String) -> Result<Vec<String>, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::EditMetadata).await?;
    let names: Vec<String> = tags.split(',').map(str::to_owned).collect();
    domain::library::tags::add(&services.db, &access.actor(), &assets, &names).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "untag_asset")]
pub async fn untag_asset(id: Uuid, tag: String) -> Result<(), ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::EditMetadata).await?;
    domain::library::tags::remove(&services.db, &access.actor(), id, &tag).await.map_err(fail)
}

/// Tag names starting like `typed` (or spelt close to it), most used first.
#[server(prefix = "/api/fn", endpoint = "suggest_tags")]
pub async fn suggest_tags(typed: String) -> Result<Vec<String>, ServerFnError> {
    use super::{authorize, fail};
    let (services, _) = authorize(domain::policy::Permission::Browse).await?;
    let found = domain::library::tags::suggest(&services.db, &typed, 8).await.map_err(fail)?;
    Ok(found.into_iter().map(|(name, _)| name).collect())
}

/// Moves assets to the trash: editors their own uploads, admins any.
#[server(prefix = "/api/fn", endpoint = "trash_assets")]
pub async fn trash_assets(assets: Vec<Uuid>) -> Result<u64, ServerFnError> {
    use super::{authorize, fail};
    use domain::policy::Permission;
    let (services, access) = authorize(Permission::Trash).await?;
    domain::library::trash::trash(&services.db, &access.actor(), &assets).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "restore_assets")]
pub async fn restore_assets(assets: Vec<Uuid>) -> Result<u64, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::Trash).await?;
    domain::library::trash::restore(&services.db, &access.actor(), &assets).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "list_trash")]
pub async fn list_trash() -> Result<Vec<AssetView>, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::Trash).await?;
    domain::library::trash::list(&services.db, &access.actor()).await.map_err(fail)
}

/// Removes everything in the trash for good (admins).
#[server(prefix = "/api/fn", endpoint = "empty_trash")]
pub async fn empty_trash() -> Result<u64, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::EmptyTrash).await?;
    domain::library::trash::empty(&services, &access.actor()).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "list_collections")]
pub async fn list_collections() -> Result<Vec<domain::dto::CollectionView>, ServerFnError> {
    use super::{authorize, fail};
    let (services, _) = authorize(domain::policy::Permission::Browse).await?;
    domain::library::collections::list(&services.db).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "get_collection")]
pub async fn get_collection(id: Uuid) -> Result<domain::dto::CollectionView, ServerFnError> {
    use super::{authorize, fail};
    let (services, _) = authorize(domain::policy::Permission::Browse).await?;
    domain::library::collections::get(&services.db, id).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "create_collection")]
pub async fn create_collection(
    name: String,
    description: String,
) -> Result<domain::dto::CollectionView, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::EditMetadata).await?;
    domain::library::collections::create(
        &services.db,
        &access.actor(),
        domain::dto::NewCollection { name, description },
    )
    .await
    .map_err(fail)
}

/// Adds the selected assets to a collection (editors); returns how many were new there.
#[server(prefix = "/api/fn", endpoint = "add_to_collection")]
pub async fn add_to_collection(collection: Uuid, assets: Vec<Uuid>) -> Result<u64, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::EditMetadata).await?;
    domain::library::collections::add(&services.db, &access.actor(), collection, &assets).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "remove_from_collection")]
pub async fn remove_from_collection(collection: Uuid, assets: Vec<Uuid>) -> Result<u64, ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::EditMetadata).await?;
    domain::library::collections::remove(&services.db, &access.actor(), collection, &assets).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "delete_collection")]
pub async fn delete_collection(id: Uuid) -> Result<(), ServerFnError> {
    use super::{authorize, fail};
    let (services, access) = authorize(domain::policy::Permission::DeleteCollection).await?;
    domain::library::collections::delete(&services.db, &access.actor(), id).await.map_err(fail)
}
