//! Share links in the UI: the panel where editors make and revoke them (asset page, collection
//! header), and the public page a link opens.

pub mod share_page;
mod share_panel;

pub use share_panel::{ShareLinks, SharePanel};
