//! Deciding what a file is from its first bytes (magic numbers), never from its name or the
//! Content-Type the client claimed.

use crate::dto::AssetKind;

/// How many leading bytes the detector needs to see (ISO-BMFF brands, TIFF headers, …).
pub const SNIFF_LEN: usize = 8192;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    pub mime: &'static str,
    pub extension: &'static str,
    pub kind: AssetKind,
}

/// `Ok` for an image or a video; `Err` with a description of what it looks like otherwise.
pub fn detect(head: &[u8]) -> Result<Detected, String> {
    let Some(found) = infer::get(head) else {
        return Err(if looks_like_text(head) { "plain text".into() } else { "unknown binary data".into() });
    };
    let kind = match found.matcher_type() {
        infer::MatcherType::Image => AssetKind::Image,
        infer::MatcherType::Video => AssetKind::Video,
        _ => return Err(found.mime_type().to_owned()),
    };
    Ok(Detected { mime: found.mime_type(), extension: found.extension(), kind })
}

fn looks_like_text(head: &[u8]) -> bool {
    std::str::from_utf8(head).is_ok_and(|s| !s.contains('\0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_magic_is_an_image_whatever_the_name() {
        let d = detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0]).unwrap();
        assert_eq!((d.mime, d.extension, d.kind), ("image/jpeg", "jpg", AssetKind::Image));
    }

    #[test]
    fn text_and_pdf_are_refused_with_what_they_look_like() {
        assert_eq!(detect(b"hello, I am not a picture").unwrap_err(), "plain text");
        assert_eq!(detect(b"%PDF-1.7\n%\xe2\xe3").unwrap_err(), "application/pdf");
    }
}
