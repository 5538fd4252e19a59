//! How media values read on screen: a video's length as players show it, codecs by the names
//! people know (not FFmpeg's identifiers). Shared by the web UI (also compiled to WASM).

/// `83_000` ms → `1:23`; an hour or more → `1:02:03`.
pub fn duration_label(ms: i64) -> String {
    let total = (ms.max(0) + 500) / 1000;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `h264` → `H.264`; names FFmpeg reports, as players and editors show them.
pub fn codec_name(codec: &str) -> String {
    match codec.to_ascii_lowercase().as_str() {
        "h264" => "H.264".into(),
        "hevc" | "h265" => "H.265 (HEVC)".into(),
        "av1" => "AV1".into(),
        "vp8" => "VP8".into(),
        "vp9" => "VP9".into(),
        "prores" => "Apple ProRes".into(),
        "mpeg4" => "MPEG-4 Part 2".into(),
        "mpeg2video" => "MPEG-2".into(),
        "mjpeg" => "Motion JPEG".into(),
        "aac" => "AAC".into(),
        "mp3" | "mp3float" => "MP3".into(),
        "opus" => "Opus".into(),
        "vorbis" => "Vorbis".into(),
        "flac" => "FLAC".into(),
        "ac3" => "Dolby Digital (AC-3)".into(),
        "eac3" => "Dolby Digital Plus".into(),
        s if s.starts_with("pcm_") => "PCM (uncompressed)".into(),
        other => other.to_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::{codec_name, duration_label};

    #[test]
    fn lengths_read_like_a_player_shows_them() {
        assert_eq!(duration_label(0), "0:00");
        assert_eq!(duration_label(83_000), "1:23");
        assert_eq!(duration_label(59_600), "1:00");
        assert_eq!(duration_label(3_723_000), "1:02:03");
    }

    #[test]
    fn codecs_are_named_as_people_know_them() {
        assert_eq!(codec_name("h264"), "H.264");
        assert_eq!(codec_name("hevc"), "H.265 (HEVC)");
        assert_eq!(codec_name("pcm_s16le"), "PCM (uncompressed)");
        assert_eq!(codec_name("dnxhd"), "DNXHD");
    }
}
