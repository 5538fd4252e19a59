//! sea-orm entities: one module per table. The schema itself lives in the `migrations` crate.

pub mod api_token;
pub mod asset;
pub mod asset_file;
pub mod asset_tag;
pub mod audit_event;
pub mod derivative;
pub mod membership;
pub mod session;
pub mod share_link;
pub mod tag;
pub mod upload;
pub mod usage_stat;
pub mod user;
pub mod worker;
pub mod workspace;
