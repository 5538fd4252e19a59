//! Share links in the UI: the dialog where editors make and turn them off (viewer, collection
//! header), and the public page a link opens.

pub mod share_page;
mod share_panel;

pub use share_panel::{ShareButton, ShareLinks};
