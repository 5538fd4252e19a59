//! EXIF: camera, lens, time, place and exposure (`kamadak-exif`).

use std::io::Cursor;

use chrono::{DateTime, NaiveDateTime, Utc};
use domain::dto::PhotoMetadata;
use exif::{Exif, In, Tag, Value};

/// `None` when the file carries no EXIF at all.
pub fn read(bytes: &[u8]) -> Option<PhotoMetadata> {
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)).ok()?;
    Some(PhotoMetadata {
        camera_make: text(&exif, Tag::Make),
        camera_model: text(&exif, Tag::Model),
        lens: text(&exif, Tag::LensModel),
        taken_at: taken_at(&exif),
        gps: gps(&exif),
        orientation: exif.get_field(Tag::Orientation, In::PRIMARY).and_then(|f| f.value.get_uint(0)),
        exposure_time: shown(&exif, Tag::ExposureTime),
        f_number: shown(&exif, Tag::FNumber),
        iso: exif.get_field(Tag::PhotographicSensitivity, In::PRIMARY).and_then(|f| f.value.get_uint(0)),
        focal_length: shown(&exif, Tag::FocalLength),
        ..Default::default()
    })
}

fn text(exif: &Exif, tag: Tag) -> Option<String> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(parts) => {
            let joined: String = parts
                .iter()
                .map(|p| String::from_utf8_lossy(p).trim_matches(char::from(0)).trim().to_owned())
                .collect::<Vec<_>>()
                .join(" ");
            (!joined.is_empty()).then_some(joined)
        }
        _ => None,
    }
}

fn shown(exif: &Exif, tag: Tag) -> Option<String> {
    exif.get_field(tag, In::PRIMARY).map(|f| f.display_value().with_unit(exif).to_string())
}

fn taken_at(exif: &Exif) -> Option<DateTime<Utc>> {
    let raw = text(exif, Tag::DateTimeOriginal).or_else(|| text(exif, Tag::DateTime))?;
    let naive = NaiveDateTime::parse_from_str(&raw, "%Y:%m:%d %H:%M:%S").ok()?;
    match text(exif, Tag::OffsetTimeOriginal).and_then(|o| chrono::FixedOffset::from_str_offset(&o)) {
        Some(offset) => naive.and_local_timezone(offset).single().map(|t| t.with_timezone(&Utc)),
        None => Some(naive.and_utc()),
    }
}

trait FromStrOffset {
    fn from_str_offset(text: &str) -> Option<chrono::FixedOffset>;
}

impl FromStrOffset for chrono::FixedOffset {
    /// EXIF offsets look like `+02:00`.
    fn from_str_offset(text: &str) -> Option<chrono::FixedOffset> {
        let sign = if text.starts_with('-') { -1 } else { 1 };
        let (h, m) = text.trim_start_matches(['+', '-']).split_once(':')?;
        chrono::FixedOffset::east_opt(sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60))
    }
}

fn gps(exif: &Exif) -> Option<(f64, f64)> {
    let coordinate = |value_tag: Tag, ref_tag: Tag, negative: &str| -> Option<f64> {
        let Value::Rational(parts) = &exif.get_field(value_tag, In::PRIMARY)?.value else { return None };
        let [d, m, s] = [parts.first()?, parts.get(1)?, parts.get(2)?].map(|r| r.to_f64());
        let sign = if text(exif, ref_tag).is_some_and(|r| r.eq_ignore_ascii_case(negative)) { -1.0 } else { 1.0 };
        Some(sign * (d + m / 60.0 + s / 3600.0))
    };
    Some((
        coordinate(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S")?,
        coordinate(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W")?,
    ))
}
