//! Deciding what a file is from its first bytes (magic numbers), never from the Content-Type the
//! client claimed. The name only matters where the bytes cannot tell (plain text) or contradict
//! it (a document dressed up as a photo).

use crate::dto::AssetKind;

/// How many leading bytes the detector needs to see (ISO-BMFF brands, TIFF headers, …).
pub const SNIFF_LEN: usize = 8192;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    pub mime: &'static str,
    pub extension: &'static str,
    pub kind: AssetKind,
}

const IMAGE_NAMES: &[&str] = &["jpg", "jpeg", "png", "gif", "webp", "tif", "tiff", "bmp", "heic", "heif", "avif"];
const VIDEO_NAMES: &[&str] = &["mp4", "m4v", "mov", "mkv", "webm", "avi"];
/// Plain text has no magic number: it is taken only under one of these names.
const TEXT_NAMES: &[(&str, &str)] = &[
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"),
    ("md", "text/markdown"),
    ("srt", "text/plain"),
    ("vtt", "text/vtt"),
];
/// Archive-family types a creative team keeps beside its media (the rest — packages, ROMs,
/// databases, browser extensions, Flash — are refused).
const ARCHIVES: &[&str] = &["pdf", "zip", "tar", "rar", "gz", "bz2", "7z", "xz", "zst", "rtf", "ps"];

/// `Ok` for what the library stores; `Err` with the end of a sentence about `filename` otherwise
/// (“is not an image: its content looks like plain text”).
pub fn detect(head: &[u8], filename: &str) -> Result<Detected, String> {
    let named = filename.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    let detected = match infer::get(head) {
        Some(found) => classify(&found).ok_or_else(|| refusal(&named, found.mime_type()))?,
        None if looks_like_markup(head) => {
            return Err(refusal(&named, "SVG/HTML markup, which could run scripts in a browser"))
        }
        None if looks_like_text(head) => match TEXT_NAMES.iter().find(|(ext, _)| *ext == named) {
            Some((extension, mime)) => Detected { mime, extension, kind: AssetKind::Document },
            None => return Err(refusal(&named, "plain text")),
        },
        None => return Err(refusal(&named, "unknown binary data")),
    };
    match disguise(&named) {
        Some(claim) if detected.kind == AssetKind::Document => {
            Err(format!("{claim}: its content looks like {}", detected.mime))
        }
        _ => Ok(detected),
    }
}

fn refusal(named: &str, what: &str) -> String {
    match disguise(named) {
        Some(claim) => format!("{claim}: its content looks like {what}"),
        None => format!("is not a file type this library stores (its content looks like {what})"),
    }
}

fn classify(found: &infer::Type) -> Option<Detected> {
    use infer::MatcherType::*;
    let kind = match found.matcher_type() {
        Image => AssetKind::Image,
        Video => AssetKind::Video,
        Doc | Book | Audio | Font => AssetKind::Document,
        Archive if ARCHIVES.contains(&found.extension()) => AssetKind::Document,
        _ => return None,
    };
    Some(Detected { mime: found.mime_type(), extension: found.extension(), kind })
}

/// A name that promises a picture or a clip, for content that is neither.
fn disguise(named: &str) -> Option<String> {
    if IMAGE_NAMES.contains(&named) {
        Some("is not an image".into())
    } else if VIDEO_NAMES.contains(&named) {
        Some("is not a video".into())
    } else {
        None
    }
}

fn looks_like_text(head: &[u8]) -> bool {
    // The head may end inside a multi-byte character.
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    };
    valid && !head.contains(&0)
}

fn looks_like_markup(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    ["<svg", "<html", "<!doctype", "<script", "<?xml"].iter().any(|tag| text.contains(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_magic_is_an_image_whatever_the_name() {
        let d = detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0], "holiday.png").unwrap();
        assert_eq!((d.mime, d.extension, d.kind), ("image/jpeg", "jpg", AssetKind::Image));
    }

    #[test]
    fn documents_are_kept_under_their_own_names() {
        let pdf = detect(b"%PDF-1.7\n%\xe2\xe3", "brochure.pdf").unwrap();
        assert_eq!((pdf.mime, pdf.kind), ("application/pdf", AssetKind::Document));
        let csv = detect(b"sku,price\n1,2\n", "prices.csv").unwrap();
        assert_eq!((csv.mime, csv.extension, csv.kind), ("text/csv", "csv", AssetKind::Document));
    }

    #[test]
    fn documents_dressed_as_media_are_refused_with_what_they_are() {
        assert_eq!(
            detect(b"hello, I am not a picture", "notes.jpg").unwrap_err(),
            "is not an image: its content looks like plain text"
        );
        assert_eq!(
            detect(b"%PDF-1.7\n%\xe2\xe3", "b.pdf.jpg").unwrap_err(),
            "is not an image: its content looks like application/pdf"
        );
        assert!(detect(b"plain words", "notes").unwrap_err().contains("plain text"));
    }

    #[test]
    fn markup_and_programs_are_refused() {
        assert!(detect(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.txt")
            .unwrap_err()
            .contains("markup"));
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0".to_vec();
        elf.resize(256, 0);
        assert!(detect(&elf, "tool.pdf").unwrap_err().contains("application/x-executable"));
    }
}
