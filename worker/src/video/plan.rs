//! Which renditions a video gets: its *short* side at 1080 and 720, never upscaled; a source
//! smaller than 720 on its short side gets one rendition at its own size.

/// Short-side heights of the standard renditions, largest first.
pub const STANDARD_SHORT_SIDES: [u32; 2] = [1080, 720];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `1080p`, `720p`, or the source's own short side (`480p`).
    pub label: String,
    pub width: u32,
    pub height: u32,
}

/// Targets for an upright picture of `width` × `height` display pixels.
pub fn renditions_for(width: u32, height: u32) -> Vec<Target> {
    let short = width.min(height);
    let mut sides: Vec<u32> = STANDARD_SHORT_SIDES.into_iter().filter(|side| *side <= short).collect();
    if sides.is_empty() {
        // H.264 in 4:2:0 needs even sizes.
        sides.push((short & !1).max(2));
    }
    sides.into_iter().map(|side| target(width, height, side)).collect()
}

fn target(width: u32, height: u32, short_side: u32) -> Target {
    let (short, long) = (width.min(height), width.max(height));
    let scaled_long = even(f64::from(long) * f64::from(short_side) / f64::from(short));
    let (w, h) = if width <= height { (short_side, scaled_long) } else { (scaled_long, short_side) };
    Target { label: format!("{short_side}p"), width: w, height: h }
}

fn even(x: f64) -> u32 {
    (((x / 2.0).round() as u32) * 2).max(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(width: u32, height: u32) -> Vec<(String, u32, u32)> {
        renditions_for(width, height).into_iter().map(|t| (t.label, t.width, t.height)).collect()
    }

    #[test]
    fn full_hd_and_larger_get_both_renditions() {
        assert_eq!(sizes(1920, 1080), [("1080p".into(), 1920, 1080), ("720p".into(), 1280, 720)]);
        assert_eq!(sizes(3840, 2160), [("1080p".into(), 1920, 1080), ("720p".into(), 1280, 720)]);
    }

    #[test]
    fn portrait_phones_keep_their_orientation() {
        assert_eq!(sizes(1080, 1920), [("1080p".into(), 1080, 1920), ("720p".into(), 720, 1280)]);
    }

    #[test]
    fn a_short_side_under_1080_gets_only_720p() {
        assert_eq!(sizes(1918, 1078), [("720p".into(), 1282, 720)]);
    }

    #[test]
    fn small_sources_get_one_rendition_at_their_own_even_size() {
        assert_eq!(sizes(640, 360), [("360p".into(), 640, 360)]);
        assert_eq!(sizes(321, 241), [("240p".into(), 320, 240)]);
    }
}
