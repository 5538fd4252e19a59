//! Dominant colours by name (for auto-tags and colour search): each pixel of the thumbnail is
//! put in one of a dozen named colours by hue, saturation and lightness; the names covering a
//! good share of the picture are kept, most present first.

/// A colour must cover this share of the picture to count.
const MIN_SHARE: f32 = 0.12;
const MAX_NAMES: usize = 3;

/// The named colours of a small RGB picture (3 bytes per pixel).
pub fn dominant_colours(rgb: &[u8]) -> Vec<String> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let mut total = 0usize;
    for pixel in rgb.chunks_exact(3) {
        let name = name_of(pixel[0], pixel[1], pixel[2]);
        total += 1;
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    }
    if total == 0 {
        return Vec::new();
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts
        .into_iter()
        .filter(|(_, count)| *count as f32 / total as f32 >= MIN_SHARE)
        .take(MAX_NAMES)
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// The colours of a JPEG thumbnail; none if it cannot be read (colours are a nicety).
pub fn dominant_colours_of_jpeg(jpeg: &[u8]) -> Vec<String> {
    match image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg) {
        Ok(picture) => dominant_colours(picture.to_rgb8().as_raw()),
        Err(_) => Vec::new(),
    }
}

fn name_of(r: u8, g: u8, b: u8) -> &'static str {
    let (r, g, b) = (f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let lightness = (max + min) / 2.0;
    let chroma = max - min;
    let saturation = if chroma == 0.0 { 0.0 } else { chroma / (1.0 - (2.0 * lightness - 1.0).abs()) };
    if lightness < 0.12 {
        return "black";
    }
    if lightness > 0.92 {
        return "white";
    }
    if saturation < 0.18 || chroma < 0.08 {
        return match lightness {
            l if l < 0.25 => "black",
            l if l > 0.85 => "white",
            _ => "gray",
        };
    }
    let hue = if max == r {
        60.0 * ((g - b) / chroma).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / chroma + 2.0)
    } else {
        60.0 * ((r - g) / chroma + 4.0)
    };
    match hue {
        h if !(15.0..345.0).contains(&h) => {
            if lightness < 0.3 {
                "brown"
            } else {
                "red"
            }
        }
        h if h < 45.0 => {
            if lightness < 0.4 {
                "brown"
            } else {
                "orange"
            }
        }
        h if h < 70.0 => "yellow",
        h if h < 165.0 => "green",
        h if h < 195.0 => "teal",
        h if h < 255.0 => "blue",
        h if h < 290.0 => "purple",
        _ => "pink",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(parts: &[([u8; 3], usize)]) -> Vec<u8> {
        parts.iter().flat_map(|(rgb, n)| std::iter::repeat_n(*rgb, *n).flatten()).collect()
    }

    #[test]
    fn common_colours_get_their_everyday_names() {
        for (rgb, name) in [
            ([220, 30, 30], "red"),
            ([250, 140, 20], "orange"),
            ([240, 220, 40], "yellow"),
            ([40, 160, 60], "green"),
            ([30, 90, 200], "blue"),
            ([130, 50, 170], "purple"),
            ([240, 110, 180], "pink"),
            ([110, 70, 30], "brown"),
            ([128, 128, 128], "gray"),
            ([10, 10, 12], "black"),
            ([250, 250, 250], "white"),
        ] {
            assert_eq!(name_of(rgb[0], rgb[1], rgb[2]), name, "{rgb:?}");
        }
    }

    #[test]
    fn only_colours_covering_a_good_share_count_most_present_first() {
        let sea_and_sand =
            fill(&[([30, 90, 200], 600), ([240, 220, 40], 300), ([220, 30, 30], 50), ([10, 10, 12], 50)]);
        assert_eq!(dominant_colours(&sea_and_sand), ["blue", "yellow"]);
        assert!(dominant_colours(&[]).is_empty());
    }
}
