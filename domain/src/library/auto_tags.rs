//! Tags processing gives an asset from what is known about it: words of its file name, its kind
//! and format, orientation, resolution class, camera, when it was taken, how long it plays, its
//! dominant colours, and the keywords written into the file (IPTC/XMP). Pure, so it is tested
//! here on its own; `tags::set_auto` stores the result.

use chrono::Datelike;

use super::tags::normalize;
use crate::dto::{AssetKind, PhotoMetadata};

pub struct Facts<'a> {
    pub filename: &'a str,
    /// The format as detected from the content (the original's extension: `jpg`, `mp4`, `pdf`).
    pub format: &'a str,
    pub kind: AssetKind,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub photo: &'a PhotoMetadata,
    pub duration_ms: Option<i64>,
    /// Named dominant colours, most present first.
    pub colours: &'a [String],
}

/// Camera and app prefixes that say nothing about the picture.
const NOISE_WORDS: &[&str] = &[
    "img", "dsc", "dscn", "dscf", "pxl", "mvimg", "vid", "mov", "image", "photo", "copy", "final", "edit", "untitled",
    "scan",
];

pub fn auto_tags(facts: &Facts) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut add = |raw: &str| {
        if let Some(tag) = normalize(raw) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    };
    for word in name_words(facts.filename) {
        add(&word);
    }
    add(facts.kind.label());
    add(facts.format);
    if let (Some(w), Some(h)) = (facts.width, facts.height) {
        add(if w > h {
            "landscape"
        } else if h > w {
            "portrait"
        } else {
            "square"
        });
        if facts.kind != AssetKind::Document {
            add(resolution_class(w, h));
        }
    }
    if let Some(make) = &facts.photo.camera_make {
        add(make);
    }
    if let Some(model) = &facts.photo.camera_model {
        add(model);
    }
    if let Some(taken) = facts.photo.taken_at {
        add(&taken.year().to_string());
        add(&format!("{}-{:02}", taken.year(), taken.month()));
    }
    if let Some(ms) = facts.duration_ms {
        add(match ms {
            ..30_000 => "short clip",
            30_000..=300_000 => "medium clip",
            _ => "long clip",
        });
    }
    for colour in facts.colours {
        add(colour);
    }
    for keyword in &facts.photo.keywords {
        add(keyword);
    }
    tags
}

/// 4K, 1080p, 720p or SD by the short side, as video people count (a 4000×3000 photo is 4K).
fn resolution_class(width: u32, height: u32) -> &'static str {
    match width.min(height) {
        2160.. => "4k",
        1080.. => "1080p",
        720.. => "720p",
        _ => "sd",
    }
}

/// Meaningful words of a file name: no extension, no numbers-only parts, no camera prefixes.
fn name_words(filename: &str) -> Vec<String> {
    let stem = filename.rsplit_once('.').map_or(filename, |(stem, _)| stem);
    stem.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| {
            w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()) && !NOISE_WORDS.contains(&w.as_str())
        })
        .take(8)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(filename: &'a str, photo: &'a PhotoMetadata, colours: &'a [String]) -> Facts<'a> {
        Facts {
            filename,
            format: "jpg",
            kind: AssetKind::Image,
            width: Some(6000),
            height: Some(4000),
            photo,
            duration_ms: None,
            colours,
        }
    }

    #[test]
    fn a_photo_gets_name_words_kind_format_shape_size_camera_date_colours_and_keywords() {
        let photo = PhotoMetadata {
            camera_make: Some("Canon".into()),
            camera_model: Some("Canon EOS R5".into()),
            taken_at: Some("2024-06-15T18:30:00Z".parse().unwrap()),
            keywords: vec!["Summer Campaign".into(), "beach".into()],
            ..Default::default()
        };
        let colours = vec!["blue".to_owned(), "orange".to_owned()];
        let tags = auto_tags(&facts("IMG_0042 Sunset-Beach_2024.JPG", &photo, &colours));
        assert_eq!(
            tags,
            [
                "sunset",
                "beach",
                "image",
                "jpg",
                "landscape",
                "4k",
                "canon",
                "canon eos r5",
                "2024",
                "2024-06",
                "blue",
                "orange",
                "summer campaign"
            ]
        );
    }

    #[test]
    fn videos_get_a_duration_class_and_documents_no_resolution() {
        let photo = PhotoMetadata::default();
        let clip = Facts {
            filename: "teaser.mp4",
            format: "mp4",
            kind: AssetKind::Video,
            width: Some(720),
            height: Some(1280),
            photo: &photo,
            duration_ms: Some(45_000),
            colours: &[],
        };
        assert_eq!(auto_tags(&clip), ["teaser", "video", "mp4", "portrait", "720p", "medium clip"]);
        let pdf = Facts {
            filename: "Q3 report.pdf",
            format: "pdf",
            kind: AssetKind::Document,
            width: Some(595),
            height: Some(842),
            photo: &photo,
            duration_ms: None,
            colours: &[],
        };
        assert_eq!(auto_tags(&pdf), ["report", "document", "pdf", "portrait"]);
        assert_eq!(resolution_class(1280, 720), "720p");
        assert_eq!(resolution_class(640, 480), "sd");
    }
}
