//! Images: decode once, at the smallest scale that still serves the largest derivative, then make
//! every derivative from that one decode. Pure functions over bytes, tested without services.
//!
//! JPEG (most photos) is decoded by libjpeg-turbo with DCT scaling (1/2, 1/4, 1/8 — most of the
//! work is skipped rather than thrown away); everything else, and JPEGs libjpeg-turbo refuses
//! (CMYK), goes through the `image` crate. Resizing is SIMD (`fast_image_resize`).

mod colours;
mod decode;
mod encode;
mod resize;

pub use colours::dominant_colours_of_jpeg;
pub use decode::{decode, rotate, Decoded};

/// Longest side of a gallery thumbnail, of its double for sharp screens (the gallery's `srcset`),
/// and of a preview, in pixels.
pub const THUMBNAIL_SIZE: u32 = 320;
pub const THUMBNAIL_2X_SIZE: u32 = 640;
pub const PREVIEW_SIZE: u32 = 1600;

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

/// Pixels in one of the two layouts derivatives are made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    /// RGB (3 bytes per pixel) or, when `alpha`, RGBA (4).
    pub data: Vec<u8>,
    pub alpha: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Webp,
}

impl Format {
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }
}

/// One encoded derivative.
#[derive(Debug)]
pub struct Rendition {
    pub longest_side: u32,
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// Everything made from one upload: the source's (oriented) size and the renditions.
#[derive(Debug)]
pub struct Derivatives {
    pub source_width: u32,
    pub source_height: u32,
    pub renditions: Vec<Rendition>,
}

/// The gallery set: thumbnail (and its double where the image is larger) and preview, each as
/// WebP and as JPEG (for older clients).
pub fn make_derivatives(bytes: &[u8], max_pixels: u64) -> Result<Derivatives, ImageFailure> {
    let decoded = decode(bytes, max_pixels, PREVIEW_SIZE)?;
    let renditions = renditions_of(&decoded.pixels)?;
    Ok(Derivatives { source_width: decoded.source_width, source_height: decoded.source_height, renditions })
}

/// Thumbnail, its double and preview (WebP + JPEG each) of pixels already decoded, e.g. a video's
/// poster frame. The double is left out when the image is no larger than the thumbnail (it would
/// be the same picture).
pub fn renditions_of(pixels: &Pixels) -> Result<Vec<Rendition>, ImageFailure> {
    let preview = resize::fit(pixels, PREVIEW_SIZE);
    // The smaller sizes come from the preview: already small, and one decode serves all. (Each
    // from the preview, not one from the other, so a size rounds once: 1200×800 gives 320×213.)
    let double = resize::fit(&preview, THUMBNAIL_2X_SIZE);
    let thumbnail = resize::fit(&preview, THUMBNAIL_SIZE);
    let mut sizes = vec![(THUMBNAIL_SIZE, &thumbnail)];
    if double.width.max(double.height) > thumbnail.width.max(thumbnail.height) {
        sizes.push((THUMBNAIL_2X_SIZE, &double));
    }
    sizes.push((PREVIEW_SIZE, &preview));
    let mut renditions = Vec::with_capacity(6);
    for (longest_side, pixels) in sizes {
        for format in [Format::Webp, Format::Jpeg] {
            let bytes = encode::encode(pixels, format)?;
            renditions.push(Rendition { longest_side, format, width: pixels.width, height: pixels.height, bytes });
        }
    }
    Ok(renditions)
}

/// Only the 320 px JPEG thumbnail: the path the benchmark compares with `vipsthumbnail`.
pub fn make_thumbnail_jpeg(bytes: &[u8], max_pixels: u64) -> Result<Rendition, ImageFailure> {
    let decoded = decode(bytes, max_pixels, THUMBNAIL_SIZE)?;
    let pixels = resize::fit(&decoded.pixels, THUMBNAIL_SIZE);
    let bytes = encode::encode(&pixels, Format::Jpeg)?;
    Ok(Rendition {
        longest_side: THUMBNAIL_SIZE,
        format: Format::Jpeg,
        width: pixels.width,
        height: pixels.height,
        bytes,
    })
}

#[cfg(test)]
mod tests;
