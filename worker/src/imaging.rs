//! Decoding an image once and making its thumbnail. Pure functions over bytes, so they are tested
//! without a database or a queue.

use std::io::Cursor;

use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

/// Longest side of a gallery thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 320;
const JPEG_QUALITY: u8 = 82;

#[derive(Debug, PartialEq, Eq)]
pub struct Thumbnail {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Dimensions of the source after EXIF orientation was applied.
    pub source_width: u32,
    pub source_height: u32,
}

/// Why an image could not be processed, in words for the person who uploaded it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageFailure {
    #[error("the image is {width}×{height} pixels, more than the limit of {limit_megapixels} megapixels; it was not decoded")]
    TooManyPixels { width: u32, height: u32, limit_megapixels: u64 },
    #[error("this image format is not supported yet ({0})")]
    Unsupported(String),
    #[error("the image is corrupt or truncated and could not be decoded ({0})")]
    Corrupt(String),
}

/// Decodes `bytes` (refusing images over `max_pixels` before any pixel is decoded), applies the
/// EXIF orientation and returns a JPEG whose longest side is at most `longest_side`. Never upscales.
pub fn make_thumbnail(bytes: &[u8], max_pixels: u64, longest_side: u32) -> Result<Thumbnail, ImageFailure> {
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| ImageFailure::Corrupt(e.to_string()))?;
    let mut decoder = reader.into_decoder().map_err(describe)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ImageFailure::TooManyPixels { width, height, limit_megapixels: max_pixels / 1_000_000 });
    }
    let mut limits = Limits::default();
    // Room for the largest allowed image at 16 bits × 4 channels, and not more.
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    decoder.set_limits(limits).map_err(describe)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(describe)?;
    image.apply_orientation(orientation);

    let (source_width, source_height) = (image.width(), image.height());
    let resized = if source_width.max(source_height) > longest_side {
        image.thumbnail(longest_side, longest_side)
    } else {
        image
    };
    // JPEG has no alpha; flatten onto white so transparent areas do not turn black.
    let rgb = flatten_on_white(resized);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY).encode_image(&rgb).map_err(describe)?;
    Ok(Thumbnail { jpeg, width: rgb.width(), height: rgb.height(), source_width, source_height })
}

fn flatten_on_white(image: DynamicImage) -> image::RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn describe(error: ImageError) -> ImageFailure {
    match error {
        ImageError::Unsupported(e) => ImageFailure::Unsupported(e.to_string()),
        ImageError::Limits(e) => ImageFailure::Corrupt(format!("it needs more memory than allowed: {e}")),
        other => ImageFailure::Corrupt(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgb, RgbImage};

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn landscape_jpeg_fits_320_on_its_longest_side() {
        let thumb = make_thumbnail(&encoded(1200, 800, ImageFormat::Jpeg), 1 << 30, 320).unwrap();
        assert_eq!((thumb.width, thumb.height), (320, 213));
        assert_eq!((thumb.source_width, thumb.source_height), (1200, 800));
        let decoded = image::load_from_memory(&thumb.jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 213));
    }

    #[test]
    fn small_images_are_not_upscaled() {
        let thumb = make_thumbnail(&encoded(100, 40, ImageFormat::Png), 1 << 30, 320).unwrap();
        assert_eq!((thumb.width, thumb.height), (100, 40));
    }

    #[test]
    fn truncated_file_fails_with_a_reason() {
        let mut bytes = encoded(640, 480, ImageFormat::Png);
        bytes.truncate(bytes.len() / 2);
        let err = make_thumbnail(&bytes, 1 << 30, 320).unwrap_err();
        assert!(matches!(err, ImageFailure::Corrupt(_)), "{err:?}");
    }

    #[test]
    fn pixel_bomb_is_refused_before_decoding() {
        // A PNG header claiming 50 000 × 50 000 pixels: refused from the header alone.
        let bytes = encoded(64, 64, ImageFormat::Png);
        let mut bomb = bytes.clone();
        bomb[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]); // IHDR type + data, so the header is valid
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = make_thumbnail(&bomb, 200_000_000, 320).unwrap_err();
        assert_eq!(err, ImageFailure::TooManyPixels { width: 50_000, height: 50_000, limit_megapixels: 200 });
        assert!(err.to_string().contains("200 megapixels"));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
}
