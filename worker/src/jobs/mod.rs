//! One module per job kind.

pub mod process_image;
pub mod process_video;
