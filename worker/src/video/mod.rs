//! Videos, in-process with FFmpeg's libraries (`ffmpeg-next`): what the file is (probe), a
//! poster frame from about a tenth into the clip (not a black first frame), and the playable
//! 1080p/720p renditions made from one decode.

pub mod plan;
pub mod poster;
pub mod probe;
pub mod transcode;

use std::sync::Once;

pub use plan::renditions_for;
pub use poster::poster_frame;
pub use probe::Probe;
pub use transcode::{transcode, Transcoded};

/// FFmpeg's global set-up, once per process; its own logging is kept to errors.
pub(crate) fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let _ = ffmpeg_next::init();
        ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Error);
    });
}
