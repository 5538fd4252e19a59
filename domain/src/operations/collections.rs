//! Collections: named sets of assets. Everyone browses them; editors make them and put assets in
//! them; editors delete the ones they made, admins any.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ById, EXAMPLE_ID};
#[cfg(feature = "server")]
use crate::library::collections;
use crate::{
    dto::{CollectionView, NewCollection, Page, PageRequest},
    policy::Permission,
};

/// A collection's new name and description.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CollectionChange {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Assets to put in or take out of a collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CollectionAssets {
    /// The collection.
    pub id: Uuid,
    /// 1 to 1000 assets.
    pub assets: Vec<Uuid>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Added {
    /// How many were not in the collection before.
    pub added: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Removed {
    pub removed: u64,
}

operation! {
    ListCollections(PageRequest) -> Page<CollectionView> {
        id: "list_collections",
        summary: "List the collections, most recently changed first",
        permission: Some(Permission::Browse),
        owned: false,
        success: Ok,
        failures: [],
        example: PageRequest { after: None, limit: Some(50) },
        run: |cx, input| collections::list(cx.db().await?, cx.links, input).await,
    }
}

operation! {
    GetCollection(ById) -> CollectionView {
        id: "get_collection",
        summary: "One collection, with its size and cover",
        permission: Some(Permission::Browse),
        owned: false,
        success: Ok,
        failures: [NotFound],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| collections::get(cx.db().await?, cx.links, input.id).await,
    }
}

operation! {
    CreateCollection(NewCollection) -> CollectionView {
        id: "create_collection",
        summary: "Start a collection",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Created,
        failures: [Invalid, Conflict],
        example: NewCollection { name: "Spring campaign".into(), description: "Key visuals and cut-downs".into() },
        run: |cx, input| collections::create(cx.db().await?, cx.links, &cx.actor, input).await,
    }
}

operation! {
    UpdateCollection(CollectionChange) -> CollectionView {
        id: "update_collection",
        summary: "Rename a collection or change its description",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Ok,
        failures: [Invalid, NotFound, Conflict],
        example: CollectionChange { id: EXAMPLE_ID, name: "Spring campaign 2027".into(), description: String::new() },
        run: |cx, input| {
            let change = NewCollection { name: input.name, description: input.description };
            collections::update(cx.db().await?, cx.links, &cx.actor, input.id, change).await
        },
    }
}

operation! {
    DeleteCollection(ById) -> () {
        id: "delete_collection",
        summary: "Delete a collection (its assets stay in the library)",
        permission: Some(Permission::DeleteCollection),
        owned: true,
        success: NoContent,
        failures: [NotFound],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| collections::delete(cx.db().await?, &cx.actor, input.id).await,
    }
}

operation! {
    AddToCollection(CollectionAssets) -> Added {
        id: "add_to_collection",
        summary: "Put assets in a collection (those already in it stay as they are)",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Ok,
        failures: [Invalid, NotFound],
        example: CollectionAssets { id: EXAMPLE_ID, assets: vec![EXAMPLE_ID] },
        run: |cx, input| Ok(Added { added: collections::add(cx.db().await?, &cx.actor, input.id, &input.assets).await? }),
    }
}

operation! {
    RemoveFromCollection(CollectionAssets) -> Removed {
        id: "remove_from_collection",
        summary: "Take assets out of a collection (not out of the library)",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Ok,
        failures: [Invalid, NotFound],
        example: CollectionAssets { id: EXAMPLE_ID, assets: vec![EXAMPLE_ID] },
        run: |cx, input| Ok(Removed { removed: collections::remove(cx.db().await?, &cx.actor, input.id, &input.assets).await? }),
    }
}
