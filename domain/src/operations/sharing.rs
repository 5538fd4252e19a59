//! Share links, as their makers manage them. What visitors see is `sharing::visitors`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ById, EXAMPLE_ID};
#[cfg(feature = "server")]
use crate::sharing::links;
use crate::{
    dto::{NewShareLink, Page, ShareLinkView},
    policy::Permission,
};

/// Whose links: an asset's or a collection's (neither: every link the caller may see); and which
/// page (`PageRequest`'s fields, spelled out because query strings cannot carry nested objects).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ShareFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_id: Option<Uuid>,
    /// The `next` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// How many at most (1 to 500; 100 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

operation! {
    ListShares(ShareFilter) -> Page<ShareLinkView> {
        id: "list_shares",
        summary: "Share links, newest first (editors see the ones they made)",
        permission: Some(Permission::ManageShareLinks),
        owned: false,
        success: Ok,
        failures: [],
        example: ShareFilter { asset_id: Some(EXAMPLE_ID), ..Default::default() },
        run: |cx, input| {
            let page = crate::dto::PageRequest { after: input.after, limit: input.limit };
            links::list(cx.db().await?, &cx.actor, input.asset_id, input.collection_id, page).await
        },
    }
}

operation! {
    CreateShare(NewShareLink) -> ShareLinkView {
        id: "create_share",
        summary: "Share an asset or a collection through a link that needs no account",
        permission: Some(Permission::Share),
        owned: false,
        success: Created,
        failures: [Invalid, NotFound, Conflict],
        example: NewShareLink {
            asset_id: Some(EXAMPLE_ID),
            collection_id: None,
            expires_at: None,
            expires_in_days: Some(30),
            password: None,
            allow_download: true,
        },
        run: |cx, input| links::create(cx.db().await?, &cx.actor, input).await,
    }
}

operation! {
    RevokeShare(ById) -> ShareLinkView {
        id: "revoke_share",
        summary: "Turn a share link off (its maker or an admin); visitors get 410 from then on",
        permission: Some(Permission::ManageShareLinks),
        owned: true,
        success: Ok,
        failures: [NotFound],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| links::revoke(cx.db().await?, &cx.actor, input.id).await,
    }
}
