//! The library: searching it, describing and tagging assets.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Changed, EXAMPLE_ID};
#[cfg(feature = "server")]
use crate::{catalog, library::editing, library::search, library::tags};
use crate::{
    dto::{AssetQuery, AssetView, SearchResults},
    policy::Permission,
};

/// A new title or description; what is left out stays as it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AssetDetails {
    pub id: Uuid,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Tags to add to one asset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AssetTags {
    pub id: Uuid,
    /// Up to 64 characters each; they are stored lower-case.
    pub tags: Vec<String>,
}

/// One tag of one asset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AssetTag {
    pub id: Uuid,
    pub tag: String,
}

/// Tags to add to a selection of assets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct SelectionTags {
    /// 1 to 1000 assets.
    pub assets: Vec<Uuid>,
    pub tags: Vec<String>,
}

/// What was typed so far, for tag suggestions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct TagPrefix {
    #[serde(default)]
    pub q: String,
    /// 1 to 50; 10 when left out.
    #[serde(default)]
    pub limit: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct TagSuggestion {
    pub name: String,
    /// On how many assets.
    pub uses: i64,
}

operation! {
    SearchAssets(AssetQuery) -> SearchResults {
        id: "search_assets",
        summary: "Search and filter the library, with facet counts; `after` continues a page",
        permission: Some(Permission::Browse),
        owned: false,
        success: Ok,
        failures: [Invalid],
        example: AssetQuery { q: "beach".into(), ..Default::default() },
        // Read only, and its page and counts are read side by side on separate pooled
        // connections (one transaction's connection would take them one after another: p95 44 ms
        // became ~200 ms). It never asks for `cx.db()`, so it holds no connection while it waits.
        run: |cx, input| search::search(&cx.workspace_db()?, cx.links, &input).await,
    }
}

operation! {
    DescribeAsset(AssetDetails) -> AssetView {
        id: "describe_asset",
        summary: "Set an asset's title or description",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Ok,
        failures: [Invalid, NotFound],
        example: AssetDetails { id: EXAMPLE_ID, title: Some("Harbour at dawn".into()), description: None },
        run: |cx, input| {
            editing::describe(cx.db().await?, &cx.actor, input.id, input.title, input.description).await?;
            catalog::get_asset(cx.db().await?, cx.links, &cx.actor, input.id).await
        },
    }
}

operation! {
    TagAsset(AssetTags) -> AssetView {
        id: "tag_asset",
        summary: "Add tags to an asset",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Ok,
        failures: [Invalid, NotFound],
        example: AssetTags { id: EXAMPLE_ID, tags: vec!["harbour".into(), "dawn".into()] },
        run: |cx, input| {
            tags::add(cx.db().await?, &cx.actor, &[input.id], &input.tags).await?;
            catalog::get_asset(cx.db().await?, cx.links, &cx.actor, input.id).await
        },
    }
}

operation! {
    UntagAsset(AssetTag) -> AssetView {
        id: "untag_asset",
        summary: "Take a tag off an asset (an automatic tag stays off when the asset is processed again)",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Ok,
        failures: [Invalid, NotFound],
        example: AssetTag { id: EXAMPLE_ID, tag: "dawn".into() },
        run: |cx, input| {
            tags::remove(cx.db().await?, &cx.actor, input.id, &input.tag).await?;
            catalog::get_asset(cx.db().await?, cx.links, &cx.actor, input.id).await
        },
    }
}

operation! {
    TagAssets(SelectionTags) -> Changed {
        id: "tag_assets",
        summary: "Add tags to a selection of assets",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Ok,
        failures: [Invalid, NotFound],
        example: SelectionTags { assets: vec![EXAMPLE_ID], tags: vec!["campaign-2027".into()] },
        run: |cx, input| {
            tags::add(cx.db().await?, &cx.actor, &input.assets, &input.tags).await?;
            Ok(Changed { changed: input.assets.len() as u64 })
        },
    }
}

operation! {
    SuggestTags(TagPrefix) -> Vec<TagSuggestion> {
        id: "suggest_tags",
        summary: "Tag names starting like what was typed (or spelt close to it), most used first",
        permission: Some(Permission::Browse),
        owned: false,
        success: Ok,
        failures: [],
        example: TagPrefix { q: "harb".into(), limit: Some(8) },
        run: |cx, input| {
            let found = tags::suggest(cx.db().await?, &input.q, input.limit.unwrap_or(10)).await?;
            Ok(found.into_iter().map(|(name, uses)| TagSuggestion { name, uses }).collect())
        },
    }
}
