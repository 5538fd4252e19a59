//! Videos, in-process with FFmpeg's libraries (`ffmpeg-next`): what the file is (probe) and a
//! poster frame from about a tenth into the clip (not a black first frame).

pub mod poster;
pub mod probe;

use std::sync::Once;

pub use poster::poster_frame;
pub use probe::Probe;

/// FFmpeg's global set-up, once per process; its own logging is kept to errors.
pub(crate) fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let _ = ffmpeg_next::init();
        ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Error);
    });
}
