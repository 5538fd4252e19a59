//! What a photo says about itself: EXIF from the camera, IPTC/XMP from the people who captioned,
//! keyworded and licensed it.

mod exif;
mod iptc_xmp;

use domain::dto::PhotoMetadata;

/// `None` when the file carries neither EXIF nor descriptive metadata.
pub fn read_photo(bytes: &[u8]) -> Option<PhotoMetadata> {
    let from_camera = exif::read(bytes);
    let described = iptc_xmp::read(bytes);
    if from_camera.is_none() && described.is_none() {
        return None;
    }
    let mut photo = from_camera.unwrap_or_default();
    if let Some(d) = described {
        photo.keywords = d.keywords;
        photo.title = d.title;
        photo.caption = d.caption;
        photo.creator = d.creator;
        photo.copyright = d.copyright;
    }
    Some(photo)
}
