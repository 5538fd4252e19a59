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
        Some(found) => {
            let detected = classify(&found).ok_or_else(|| refusal(&named, found.mime_type()))?;
            refine(detected, head)
        }
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

/// What the generic detector calls a container, named for what is inside: Matroska is not WebM
/// (both are EBML; the header's DocType tells), and office documents are ZIP files whose entries
/// say which.
fn refine(detected: Detected, head: &[u8]) -> Detected {
    match detected.mime {
        "video/webm" | "video/x-matroska" => match ebml_doc_type(head) {
            Some(b"matroska") => Detected { mime: "video/x-matroska", extension: "mkv", ..detected },
            Some(b"webm") => Detected { mime: "video/webm", extension: "webm", ..detected },
            _ => detected,
        },
        "application/zip" => office_document(head).map_or(detected, |(mime, extension)| Detected {
            mime,
            extension,
            kind: AssetKind::Document,
        }),
        _ => detected,
    }
}

/// The DocType of an EBML header (`1A 45 DF A3`, then elements; DocType is `42 82`).
fn ebml_doc_type(head: &[u8]) -> Option<&[u8]> {
    let header = head.get(..head.len().min(64))?;
    let at = header.windows(2).position(|w| w == [0x42, 0x82])? + 2;
    let size_byte = *header.get(at)?;
    // A one-byte size (0x80 | n) is what every muxer writes for so short a string.
    if size_byte & 0x80 == 0 {
        return None;
    }
    header.get(at + 1..at + 1 + usize::from(size_byte & 0x7F))
}

const OOXML: [(&str, &str, &str); 3] = [
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
];
const ODF: [(&str, &str); 4] = [
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("application/vnd.oasis.opendocument.presentation", "odp"),
    ("application/vnd.oasis.opendocument.graphics", "odg"),
];

/// An Office Open XML or OpenDocument file, from the ZIP entries at its start: ODF begins with an
/// uncompressed `mimetype` entry naming its type; OOXML has `word/`, `xl/` or `ppt/` parts.
fn office_document(head: &[u8]) -> Option<(&'static str, &'static str)> {
    let mut entries = Vec::new();
    let mut at = 0;
    while let Some(found) = head.get(at..).and_then(|rest| rest.windows(4).position(|w| w == b"PK\x03\x04")) {
        let start = at + found;
        let field =
            |offset: usize| head.get(start + offset..start + offset + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let (Some(name_len), Some(extra_len)) = (field(26), field(28)) else { break };
        let name_at = start + 30;
        let Some(name) = head.get(name_at..name_at + usize::from(name_len)) else { break };
        entries.push((name, name_at + usize::from(name_len) + usize::from(extra_len)));
        at = start + 4;
    }
    if let Some((_, data_at)) = entries.first().filter(|(name, _)| *name == b"mimetype") {
        let content = head.get(*data_at..).unwrap_or_default();
        if let Some((mime, ext)) = ODF.iter().find(|(mime, _)| content.starts_with(mime.as_bytes())) {
            return Some((mime, ext));
        }
    }
    OOXML.iter().find_map(|(folder, mime, ext)| {
        entries.iter().any(|(name, _)| name.starts_with(folder.as_bytes())).then_some((*mime, *ext))
    })
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

    /// A ZIP's local file headers with these entries (stored, tiny contents).
    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, content) in entries {
            out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0");
            out.extend_from_slice(&[0; 4]); // crc
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(content);
        }
        out
    }

    #[test]
    fn office_documents_are_told_from_zip_files() {
        let docx =
            zip(&[("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<r/>"), ("word/document.xml", b"<w/>")]);
        assert_eq!(detect(&docx, "Brief.docx").unwrap().extension, "docx");
        let xlsx = zip(&[("_rels/.rels", b"<r/>"), ("docProps/app.xml", b"<a/>"), ("xl/workbook.xml", b"<x/>")]);
        assert_eq!(detect(&xlsx, "prices").unwrap().extension, "xlsx");
        let pptx = zip(&[("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p/>")]);
        let found = detect(&pptx, "deck.pptx").unwrap();
        assert_eq!((found.extension, found.kind), ("pptx", AssetKind::Document));
        let odt = zip(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<c/>")]);
        assert_eq!(detect(&odt, "letter.odt").unwrap().mime, "application/vnd.oasis.opendocument.text");
        let plain = zip(&[("photos/a.jpg", b"..."), ("readme.txt", b"hello")]);
        assert_eq!(detect(&plain, "Brochure.hta").unwrap().mime, "application/zip");
    }

    #[test]
    fn matroska_is_not_labelled_webm() {
        // EBML header as FFmpeg writes it: version fields, then DocType.
        let ebml = |doc_type: &str| {
            let mut out = vec![0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01];
            out.extend_from_slice(&[0x42, 0x82, 0x80 | doc_type.len() as u8]);
            out.extend_from_slice(doc_type.as_bytes());
            out.resize(64, 0);
            out
        };
        let mkv = detect(&ebml("matroska"), "clip.mkv").unwrap();
        assert_eq!((mkv.mime, mkv.extension, mkv.kind), ("video/x-matroska", "mkv", AssetKind::Video));
        let webm = detect(&ebml("webm"), "clip.webm").unwrap();
        assert_eq!((webm.mime, webm.extension), ("video/webm", "webm"));
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
