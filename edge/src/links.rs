//! The URLs the domain's views carry (`domain::links::Links`), built here beside the routes that
//! answer them.

use domain::{dto::DerivativeKind, links::Links};
use uuid::Uuid;

/// The segment under `…/assets/{id}/` that serves a derivative kind.
pub fn derivative_segment(kind: DerivativeKind) -> &'static str {
    match kind {
        DerivativeKind::Thumbnail => "thumbnail",
        DerivativeKind::Preview => "preview",
        DerivativeKind::Transcode => "transcode",
        DerivativeKind::Poster => "poster",
    }
}

/// Files as people with an account fetch them: through the API, which checks their rights and
/// redirects to a signed link.
pub struct ApiLinks {
    /// Where the API is mounted.
    pub base: &'static str,
}

/// The API's links at its versioned mount.
pub const API: ApiLinks = ApiLinks { base: "/api/v1" };

impl Links for ApiLinks {
    fn original(&self, asset: Uuid) -> String {
        format!("{}/assets/{asset}/original", self.base)
    }
    fn derivative(&self, asset: Uuid, kind: DerivativeKind, label: &str) -> String {
        format!("{}/assets/{asset}/{}?format={label}", self.base, derivative_segment(kind))
    }
    fn version(&self, asset: Uuid, version: i32) -> String {
        format!("{}/assets/{asset}/versions/{version}/original", self.base)
    }
}

/// Files as a share link's visitor fetches them: under the link, which is their only right.
pub struct SharedLinks {
    /// The link's page, `/s/{token}`.
    pub page: String,
}

impl SharedLinks {
    pub fn under(page: &str) -> Self {
        SharedLinks { page: page.to_owned() }
    }
}

impl Links for SharedLinks {
    fn original(&self, asset: Uuid) -> String {
        format!("{}/assets/{asset}/original", self.page)
    }
    fn derivative(&self, asset: Uuid, kind: DerivativeKind, label: &str) -> String {
        format!("{}/assets/{asset}/{}?format={label}", self.page, derivative_segment(kind))
    }
    fn version(&self, _asset: Uuid, _version: i32) -> String {
        // A visitor sees the current file only; nothing links here.
        self.page.clone()
    }
}
