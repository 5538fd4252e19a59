//! One asset: reading it, processing it again, its file versions.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ById, EXAMPLE_ID};
#[cfg(feature = "server")]
use crate::{analytics::UsageEvent, catalog, library::versions, pipeline};
use crate::{
    dto::{AssetView, FileVersionView},
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
            let asset = catalog::get_asset(cx.db, &cx.actor, input.id).await?;
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
            catalog::find(cx.db, &cx.actor, input.id).await?;
            pipeline::state::request(cx.db, &cx.actor, input.id, pipeline::Priority::Retry).await?;
            catalog::get_asset(cx.db, &cx.actor, input.id).await
        },
    }
}

operation! {
    ListVersions(ById) -> Vec<FileVersionView> {
        id: "list_versions",
        summary: "Every file version of an asset, the current one first",
        permission: Some(Permission::Browse),
        owned: false,
        success: Ok,
        failures: [NotFound],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| versions::list(cx.db, &cx.actor, input.id).await,
    }
}
