//! IPTC and XMP: keywords, title, caption, creator and copyright, read with Exiv2 (`rexiv2`, over
//! Debian's gexiv2). Where both standards carry a field, XMP wins (it is Unicode and newer), then
//! IPTC, then the EXIF text tags.

use std::sync::Once;

use rexiv2::Metadata;

#[derive(Debug, Default, PartialEq)]
pub struct Described {
    pub keywords: Vec<String>,
    pub title: Option<String>,
    pub caption: Option<String>,
    pub creator: Option<String>,
    pub copyright: Option<String>,
}

/// `None` when the file has none of these fields (or Exiv2 cannot read its container).
pub fn read(bytes: &[u8]) -> Option<Described> {
    static INIT: Once = Once::new();
    // Exiv2's XMP parser must be set up once before threads use it.
    INIT.call_once(|| {
        let _ = rexiv2::initialize();
        rexiv2::set_log_level(rexiv2::LogLevel::MUTE);
    });
    let meta = Metadata::new_from_buffer(bytes).ok()?;
    let mut keywords: Vec<String> = Vec::new();
    for tag in ["Xmp.dc.subject", "Iptc.Application2.Keywords"] {
        for keyword in meta.get_tag_multiple_strings(tag).unwrap_or_default() {
            let keyword = keyword.trim();
            if !keyword.is_empty() && !keywords.iter().any(|k| k.eq_ignore_ascii_case(keyword)) {
                keywords.push(keyword.to_owned());
            }
        }
    }
    let described = Described {
        keywords,
        title: first(&meta, &["Xmp.dc.title", "Iptc.Application2.ObjectName"]),
        caption: first(&meta, &["Xmp.dc.description", "Iptc.Application2.Caption", "Exif.Image.ImageDescription"]),
        creator: first(&meta, &["Xmp.dc.creator", "Iptc.Application2.Byline", "Exif.Image.Artist"]),
        copyright: first(&meta, &["Xmp.dc.rights", "Iptc.Application2.Copyright", "Exif.Image.Copyright"]),
    };
    (described != Described::default()).then_some(described)
}

fn first(meta: &Metadata, tags: &[&str]) -> Option<String> {
    tags.iter().filter(|tag| meta.has_tag(tag)).find_map(|tag| {
        let value = meta
            .get_tag_multiple_strings(tag)
            .ok()?
            .into_iter()
            .map(|v| without_language(&v).trim().to_owned())
            .find(|v| !v.is_empty())?;
        Some(value)
    })
}

/// XMP language alternatives come as `lang="x-default" The text`.
fn without_language(value: &str) -> &str {
    match value.strip_prefix("lang=\"").and_then(|rest| rest.split_once("\" ")) {
        Some((_, text)) => text,
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged_jpeg(tags: &[(&str, &[&str])]) -> Vec<u8> {
        let mut jpeg = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(16, 16, image::Rgb([200, 100, 50]))
            .write_to(&mut jpeg, image::ImageFormat::Jpeg)
            .unwrap();
        let file = tempfile::Builder::new().suffix(".jpg").tempfile().unwrap();
        std::fs::write(file.path(), jpeg.into_inner()).unwrap();
        read(&std::fs::read(file.path()).unwrap()); // initialises Exiv2
        let meta = Metadata::new_from_path(file.path()).unwrap();
        for (tag, values) in tags {
            meta.set_tag_multiple_strings(tag, values).unwrap();
        }
        meta.save_to_file(file.path()).unwrap();
        std::fs::read(file.path()).unwrap()
    }

    #[test]
    fn keywords_caption_and_copyright_come_from_iptc_and_xmp() {
        let jpeg = tagged_jpeg(&[
            ("Iptc.Application2.Keywords", &["beach", "summer campaign"]),
            ("Xmp.dc.subject", &["Summer campaign", "Côte d’Azur"]),
            ("Iptc.Application2.Caption", &["Models on the beach at dawn"]),
            ("Iptc.Application2.Copyright", &["© 2026 Example Studio"]),
            ("Xmp.dc.creator", &["Ana Pérez"]),
        ]);
        let described = read(&jpeg).expect("descriptive metadata");
        assert_eq!(described.keywords, ["Summer campaign", "Côte d’Azur", "beach"]);
        assert_eq!(described.caption.as_deref(), Some("Models on the beach at dawn"));
        assert_eq!(described.copyright.as_deref(), Some("© 2026 Example Studio"));
        assert_eq!(described.creator.as_deref(), Some("Ana Pérez"));
        assert_eq!(described.title, None);
    }

    #[test]
    fn xmp_language_alternatives_lose_their_language_tag() {
        let jpeg = tagged_jpeg(&[
            ("Xmp.dc.description", &["lang=\"x-default\" A quiet harbour"]),
            ("Xmp.dc.rights", &["lang=\"x-default\" CC BY 4.0"]),
        ]);
        let described = read(&jpeg).unwrap();
        assert_eq!(
            (described.caption.as_deref(), described.copyright.as_deref()),
            (Some("A quiet harbour"), Some("CC BY 4.0"))
        );
    }

    #[test]
    fn a_file_without_them_has_none_and_garbage_is_no_error() {
        assert_eq!(read(&tagged_jpeg(&[])), None);
        assert_eq!(read(b"not an image at all"), None);
    }
}
