//! The names files get where people see or save them. Uploaders choose names, so a name is only
//! ever text to show until it is made safe for the place it goes: a display name (one path
//! component, no control characters, at most 255 bytes with its extension kept), a download name
//! (its extension matches what the bytes are — a ZIP uploaded as `Brochure.hta` is saved as
//! `Brochure.zip`), and a ZIP entry name (extracts as itself on Windows, macOS and Linux).

use std::collections::HashSet;

/// File systems allow 255 bytes per name.
pub const MAX_NAME_BYTES: usize = 255;

/// The uploader's file name, reduced to its last path component and stripped of control
/// characters, at most [`MAX_NAME_BYTES`] with its extension kept.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    if cleaned.trim().is_empty() {
        "unnamed".to_owned()
    } else {
        fit(cleaned.trim(), MAX_NAME_BYTES)
    }
}

/// `name` cut to at most `max` bytes, keeping its extension and whole characters.
pub fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, extension) = split(name);
    let extension = extension.map(|e| format!(".{e}")).unwrap_or_default();
    let room = max.saturating_sub(extension.len());
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{extension}", stem[..cut].trim_end())
}

/// `(stem, extension)`: an extension is 1 to 10 letters or digits after the last dot of a name
/// that does not start with it.
fn split(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && (1..=10).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

/// Other spellings of a stored extension that name the same type.
fn same_type(stored: &str, named: &str) -> bool {
    const ALIASES: &[&[&str]] = &[
        &["jpg", "jpeg", "jpe", "jfif"],
        &["tif", "tiff"],
        &["heif", "heic"],
        &["mp4", "m4v"],
        &["mov", "qt"],
        &["mid", "midi"],
        &["txt", "text"],
        &["md", "markdown"],
        &["gz", "tgz"],
        &["ogg", "oga", "opus"],
    ];
    stored == named || ALIASES.iter().any(|set| set.contains(&stored) && set.contains(&named))
}

/// The name to save the object stored under `key` as: `name`, with its extension replaced by the
/// stored one (`key`'s, decided from the bytes) when it names another type, or added when it has
/// none; at most [`MAX_NAME_BYTES`].
pub fn download_name(name: &str, key: &str) -> String {
    let name = display_name(name);
    let Some((_, stored)) = key.rsplit_once('.').filter(|(_, e)| !e.contains('/')) else { return name };
    let stored = stored.to_ascii_lowercase();
    let (stem, named) = split(&name);
    let fitted = match named {
        Some(named) if same_type(&stored, &named.to_ascii_lowercase()) => return name,
        _ => format!("{stem}.{stored}"),
    };
    fit(&fitted, MAX_NAME_BYTES)
}

/// Names reserved for devices on Windows, whatever their extension.
const DEVICES: &[&str] = &["con", "prn", "aux", "nul", "conin$", "conout$"];

fn is_device(stem: &str) -> bool {
    let lower = stem.trim_end_matches([' ', '.']).to_ascii_lowercase();
    let numbered = |prefix: &str| {
        lower
            .strip_prefix(prefix)
            .is_some_and(|n| matches!(n, "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"))
    };
    DEVICES.contains(&lower.as_str()) || numbered("com") || numbered("lpt")
}

/// A name every common system extracts as one file here: no path parts, no `.`/`..`, no drive
/// prefix, no device name, none of `<>:"|?*\/` or control characters, no trailing dot or space,
/// at most [`MAX_NAME_BYTES`].
pub fn portable(name: &str) -> String {
    let replaced: String =
        name.chars().map(|c| if c.is_control() || "<>:\"|?*\\/".contains(c) { '_' } else { c }).collect();
    let trimmed = replaced.trim().trim_end_matches(['.', ' ']);
    let mut safe =
        if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') { "unnamed".to_owned() } else { trimmed.to_owned() };
    let stem = safe.split('.').next().unwrap_or_default();
    if is_device(stem) {
        safe.insert(0, '_');
    }
    fit(&safe, MAX_NAME_BYTES)
}

/// Unique, portable entry names in the order given; a name used twice (ignoring case, as
/// Windows and macOS do) gets " (2)", " (3)"… before its extension.
pub fn zip_entry_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    names
        .into_iter()
        .map(|wanted| {
            let clean = portable(wanted);
            let (stem, extension) = split(&clean);
            let extension = extension.map(|e| format!(".{e}")).unwrap_or_default();
            let mut candidate = clean.clone();
            let mut n = 1;
            while !taken.insert(candidate.to_lowercase()) {
                n += 1;
                let suffix = format!(" ({n}){extension}");
                candidate = format!("{}{suffix}", fit(stem, MAX_NAME_BYTES - suffix.len()));
            }
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_one_safe_component_that_keeps_its_extension() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\Users\\me\\cat.jpg"), "cat.jpg");
        assert_eq!(display_name("bad\u{0}\nname.png"), "badname.png");
        assert_eq!(display_name(""), "unnamed");
        let long = format!("{}.jpg", "é".repeat(300));
        let shown = display_name(&long);
        assert!(shown.len() <= 255 && shown.ends_with(".jpg"), "{shown}");
    }

    #[test]
    fn the_saved_name_says_what_the_bytes_are() {
        assert_eq!(download_name("Brochure.hta", "originals/1.zip"), "Brochure.zip");
        assert_eq!(download_name("invoice.pdf.exe", "originals/1.pdf"), "invoice.pdf.pdf");
        assert_eq!(download_name("photo", "originals/1.jpg"), "photo.jpg");
        assert_eq!(download_name("Photo.JPEG", "originals/1.jpg"), "Photo.JPEG");
        assert_eq!(download_name("scan.tiff", "originals/1.tif"), "scan.tiff");
        assert_eq!(download_name("clip.mkv", "transcodes/1/720p.mp4"), "clip.mp4");
        assert_eq!(download_name(".env", "originals/1.txt"), ".env.txt");
        let long = format!("{}.hta", "x".repeat(300));
        let saved = download_name(&long, "originals/1.zip");
        assert!(saved.len() <= 255 && saved.ends_with(".zip"), "{saved}");
    }

    #[test]
    fn zip_entries_extract_on_windows_macos_and_linux() {
        let names = zip_entry_names([
            "a.jpg",
            "A.JPG",
            "a.jpg",
            ".",
            "..",
            "...",
            "C:evil.png",
            "CON.txt",
            "lpt1",
            "com¹.jpg",
            "what?.png",
            "tab\tname.png",
            "trailing. ",
            "  ",
            "x/../y.png",
        ]);
        assert_eq!(
            names,
            [
                "a.jpg",
                "A (2).JPG",
                "a (3).jpg",
                "unnamed",
                "unnamed (2)",
                "unnamed (3)",
                "C_evil.png",
                "_CON.txt",
                "_lpt1",
                "_com¹.jpg",
                "what_.png",
                "tab_name.png",
                "trailing",
                "unnamed (4)",
                "x_.._y.png",
            ]
        );
        let long = format!("{}.png", "ж".repeat(200));
        let entries = zip_entry_names([long.as_str(), long.as_str()]);
        assert!(entries.iter().all(|n| n.len() <= 255 && n.ends_with(".png")), "{entries:?}");
        assert_ne!(entries[0], entries[1]);
    }
}
