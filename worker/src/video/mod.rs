//! Videos, in-process with FFmpeg's libraries (`ffmpeg-next`): what the file is (probe), a
//! poster frame from about a tenth into the clip (not a black first frame), and the playable
//! 1080p/720p renditions made from one decode.

pub mod plan;
pub mod poster;
pub mod probe;
pub mod transcode;

use std::{
    path::Path,
    sync::Once,
    time::{Duration, Instant},
};

use ffmpeg_next::{format, Dictionary};

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

/// Demuxers a video file may be read with. Playlists and concatenation lists (HLS, DASH,
/// `concat`, image sequences) are not among them: they name other files or URLs, and an uploaded
/// file must not make the worker read anything but itself.
const CONTAINERS: &str = "mov,mp4,matroska,webm,avi,mpegts,mpeg,flv,asf,ogg,mxf,dv,m4v,h264,hevc,mpegvideo,mjpeg";

/// Opens `path` as a video: only the file itself (no network or other protocol), only as one of
/// [`CONTAINERS`].
pub fn open(path: &Path) -> Result<format::context::Input, String> {
    init();
    let mut options = Dictionary::new();
    options.set("protocol_whitelist", "file");
    options.set("format_whitelist", CONTAINERS);
    format::input_with_dictionary(&path, options)
        .map_err(|e| format!("the video could not be read; the file is corrupt, truncated or not a video ({e})"))
}

/// How long making a video's renditions may take: a few times its length (the renditions of a
/// clip are made faster than it plays on a worker's cores), and two minutes for any clip, so a
/// file whose container lies about its length cannot hold a worker for hours.
pub fn time_limit(duration_ms: Option<i64>) -> Duration {
    let playing = Duration::from_millis(duration_ms.unwrap_or(0).clamp(0, 2 * 3_600_000) as u64);
    Duration::from_secs(120) + playing * 5
}

/// The point past which the transcode gives up; checked between packets.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    pub fn after(limit: Duration) -> Self {
        Deadline { at: Instant::now() + limit, limit }
    }

    pub fn check(&self) -> Result<(), String> {
        if Instant::now() <= self.at {
            return Ok(());
        }
        let minutes = self.limit.as_secs().div_ceil(60);
        Err(format!(
            "making its playable versions took longer than the limit of {minutes} minutes for a video of this length; \
             it was stopped"
        ))
    }
}
