//! Decoding with a pixel limit checked from the header, before any pixel is decoded, and EXIF
//! orientation applied.

use std::io::Cursor;

use image::{metadata::Orientation, DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};
use turbojpeg::{Decompressor, PixelFormat, ScalingFactor};

use super::{ImageFailure, Pixels};

#[derive(Debug)]
pub struct Decoded {
    pub pixels: Pixels,
    /// The full-resolution size after orientation (what the asset's dimensions are).
    pub source_width: u32,
    pub source_height: u32,
}

/// Decodes `bytes`, possibly at a reduced scale that still has `needed_longest_side` pixels on its
/// longest side (or the full image, if smaller).
pub fn decode(bytes: &[u8], max_pixels: u64, needed_longest_side: u32) -> Result<Decoded, ImageFailure> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        if let Some(decoded) = decode_jpeg_scaled(bytes, max_pixels, needed_longest_side)? {
            return Ok(decoded);
        }
    }
    decode_generic(bytes, max_pixels)
}

fn check_pixels(width: u32, height: u32, max_pixels: u64) -> Result<(), ImageFailure> {
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ImageFailure::TooManyPixels { width, height, limit_megapixels: max_pixels / 1_000_000 });
    }
    Ok(())
}

/// `None` when libjpeg-turbo cannot do this JPEG (CMYK, unusual colour spaces): the generic path
/// tries next.
fn decode_jpeg_scaled(bytes: &[u8], max_pixels: u64, needed: u32) -> Result<Option<Decoded>, ImageFailure> {
    let Ok(mut decompressor) = Decompressor::new() else { return Ok(None) };
    let Ok(header) = decompressor.read_header(bytes) else { return Ok(None) };
    check_pixels(header.width as u32, header.height as u32, max_pixels)?;
    let orientation = exif_orientation(bytes);
    // The smallest DCT scale whose result still has the pixels the largest derivative needs.
    let longest = header.width.max(header.height);
    let factor = [ScalingFactor::ONE_EIGHTH, ScalingFactor::ONE_QUARTER, ScalingFactor::ONE_HALF]
        .into_iter()
        .find(|f| f.scale(longest) >= needed as usize)
        .unwrap_or(ScalingFactor::ONE);
    if decompressor.set_scaling_factor(factor).is_err() {
        return Ok(None);
    }
    let scaled = header.scaled(factor);
    let mut image = turbojpeg::Image {
        pixels: vec![0u8; 3 * scaled.width * scaled.height],
        width: scaled.width,
        pitch: 3 * scaled.width,
        height: scaled.height,
        format: PixelFormat::RGB,
    };
    match decompressor.decompress(bytes, image.as_deref_mut()) {
        // libjpeg-turbo would fill the missing part with grey; a cut-off upload is an error.
        Err(e) if e.to_string().contains("Premature end") => {
            return Err(ImageFailure::Corrupt("the file ends early; it was cut off".into()))
        }
        Err(_) => return Ok(None),
        Ok(()) => {}
    }
    let pixels = Pixels { width: scaled.width as u32, height: scaled.height as u32, data: image.pixels, alpha: false };
    let (w, h) = (header.width as u32, header.height as u32);
    let (source_width, source_height) = if swaps_axes(orientation) { (h, w) } else { (w, h) };
    Ok(Some(Decoded { pixels: orient(pixels, orientation), source_width, source_height }))
}

fn decode_generic(bytes: &[u8], max_pixels: u64) -> Result<Decoded, ImageFailure> {
    let reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| ImageFailure::Corrupt(e.to_string()))?;
    let mut decoder = reader.into_decoder().map_err(describe)?;
    let (width, height) = decoder.dimensions();
    check_pixels(width, height, max_pixels)?;
    let mut limits = Limits::default();
    // Room for the largest allowed image at 16 bits × 4 channels, and not more.
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    decoder.set_limits(limits).map_err(describe)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(describe)?;
    image.apply_orientation(orientation);
    let (source_width, source_height) = (image.width(), image.height());
    // 16-bit and float images become 8-bit sRGB here; alpha is kept only where it exists.
    let pixels = if image.color().has_alpha() {
        Pixels { width: source_width, height: source_height, data: image.into_rgba8().into_raw(), alpha: true }
    } else {
        Pixels { width: source_width, height: source_height, data: image.into_rgb8().into_raw(), alpha: false }
    };
    Ok(Decoded { pixels, source_width, source_height })
}

fn describe(error: ImageError) -> ImageFailure {
    match error {
        ImageError::Unsupported(e) => ImageFailure::Unsupported(e.to_string()),
        ImageError::Limits(e) => ImageFailure::Corrupt(format!("it needs more memory than allowed: {e}")),
        other => ImageFailure::Corrupt(other.to_string()),
    }
}

pub fn exif_orientation(bytes: &[u8]) -> Orientation {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()
        .and_then(|e| e.get_field(exif::Tag::Orientation, exif::In::PRIMARY).and_then(|f| f.value.get_uint(0)))
        .and_then(|v| Orientation::from_exif(v as u8))
        .unwrap_or(Orientation::NoTransforms)
}

fn swaps_axes(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    )
}

/// Turns RGB pixels clockwise by 90, 180 or 270 degrees (video rotation metadata).
pub fn rotate(pixels: Pixels, clockwise_degrees: u32) -> Pixels {
    let orientation = match clockwise_degrees % 360 {
        90 => Orientation::Rotate90,
        180 => Orientation::Rotate180,
        270 => Orientation::Rotate270,
        _ => Orientation::NoTransforms,
    };
    orient(pixels, orientation)
}

fn orient(pixels: Pixels, orientation: Orientation) -> Pixels {
    if orientation == Orientation::NoTransforms {
        return pixels;
    }
    let rgb = image::RgbImage::from_raw(pixels.width, pixels.height, pixels.data).expect("buffer matches its size");
    let mut image = DynamicImage::ImageRgb8(rgb);
    image.apply_orientation(orientation);
    Pixels { width: image.width(), height: image.height(), data: image.into_rgb8().into_raw(), alpha: false }
}
