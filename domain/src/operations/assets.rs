//! One asset: reading it, processing it again, its file versions.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ById, EXAMPLE_ID};
#[cfg(feature = "server")]
use crate::{analytics::UsageEvent, catalog, library::versions, pipeline};
use crate::{
    dto::{AssetView, FileVersionView, Page},
    policy::Permission,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AssetLookup {
    pub id: Uuid,
    /// A person opens it (its page, the viewer), which counts as a view; not for refreshes.
    #[serde(default)]
    pub viewing: bool,
}

/// Which asset's versions, and which page of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct VersionsPage {
    pub id: Uuid,
    /// The `next` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// How many at most (1 to 500; 100 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

operation! {
    GetAsset(AssetLookup) -> AssetView {
        id: "get_asset",
        summary: "One asset with its derivatives, status, tags and the reason it failed, if it did",
        permission: Some(Permission::Browse),
        owned: false,
        success: Ok,
        failures: [NotFound],
        example: AssetLookup { id: EXAMPLE_ID, viewing: false },
        run: |cx, input| {
            let asset = catalog::get_asset(cx.db().await?, cx.links, &cx.actor, input.id).await?;
            if input.viewing {
                let usage = cx.services.usage.clone();
                cx.after_commit(async move {
                    usage.record(input.id, UsageEvent::View).await;
                    Ok(())
                });
            }
            Ok(asset)
        },
    }
}

operation! {
    ReprocessAsset(ById) -> AssetView {
        id: "reprocess_asset",
        summary: "Process an asset again: a failed one once its cause is fixed, or to regenerate",
        permission: Some(Permission::EditMetadata),
        owned: false,
        success: Accepted,
        failures: [NotFound, Conflict],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| {
            catalog::find(cx.db().await?, &cx.actor, input.id).await?;
            pipeline::state::request(cx.db().await?, &cx.actor, input.id, pipeline::Priority::Retry).await?;
            catalog::get_asset(cx.db().await?, cx.links, &cx.actor, input.id).await
        },
    }
}

operation! {
    ListVersions(VersionsPage) -> Page<FileVersionView> {
        id: "list_versions",
        summary: "Every file version of an asset, the current one first",
        permission: Some(Permission::Browse),
        owned: false,
        success: Ok,
        failures: [NotFound],
        example: VersionsPage { id: EXAMPLE_ID, after: None, limit: None },
        run: |cx, input| {
            let page = crate::dto::PageRequest { after: input.after, limit: input.limit };
            versions::list(cx.db().await?, cx.links, &cx.actor, input.id, page).await
        },
    }
}
