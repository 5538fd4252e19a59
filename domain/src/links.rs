//! Where a client fetches an asset's files. The domain asks and the HTTP edge answers
//! (`edge::links`): the paths — `/api/v1/…` for people with an account, a share link's
//! `/s/{token}/…` for its visitors, later a workspace's prefix — belong to the edge, which knows
//! how the request came in.

use uuid::Uuid;

use crate::dto::DerivativeKind;

pub trait Links: Send + Sync {
    /// An asset's current original file.
    fn original(&self, asset: Uuid) -> String;
    /// One of an asset's derivatives (`label` tells sizes and formats of a kind apart).
    fn derivative(&self, asset: Uuid, kind: DerivativeKind, label: &str) -> String;
    /// An earlier file version's original.
    fn version(&self, asset: Uuid, version: i32) -> String;
}
