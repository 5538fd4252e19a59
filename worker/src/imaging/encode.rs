//! Encoding derivatives: JPEG with libjpeg-turbo, WebP (lossy, with alpha) with libwebp.

use turbojpeg::{Compressor, PixelFormat, Subsamp};

use super::{Format, ImageFailure, Pixels};

const JPEG_QUALITY: i32 = 82;
const WEBP_QUALITY: f32 = 80.0;

pub fn encode(pixels: &Pixels, format: Format) -> Result<Vec<u8>, ImageFailure> {
    match format {
        Format::Jpeg => jpeg(pixels),
        Format::Webp => Ok(webp(pixels)),
    }
}

fn jpeg(pixels: &Pixels) -> Result<Vec<u8>, ImageFailure> {
    // JPEG has no alpha: flatten onto white so transparent areas do not turn black.
    let flat;
    let rgb = if pixels.alpha {
        flat = flatten_on_white(pixels);
        &flat
    } else {
        &pixels.data
    };
    let image = turbojpeg::Image {
        pixels: rgb.as_slice(),
        width: pixels.width as usize,
        pitch: 3 * pixels.width as usize,
        height: pixels.height as usize,
        format: PixelFormat::RGB,
    };
    let mut compressor = Compressor::new().map_err(|e| ImageFailure::Corrupt(e.to_string()))?;
    compressor.set_quality(JPEG_QUALITY).map_err(|e| ImageFailure::Corrupt(e.to_string()))?;
    compressor.set_subsamp(Subsamp::Sub2x2).map_err(|e| ImageFailure::Corrupt(e.to_string()))?;
    compressor.compress_to_vec(image).map_err(|e| ImageFailure::Corrupt(e.to_string()))
}

fn webp(pixels: &Pixels) -> Vec<u8> {
    let encoder = if pixels.alpha {
        webp::Encoder::from_rgba(&pixels.data, pixels.width, pixels.height)
    } else {
        webp::Encoder::from_rgb(&pixels.data, pixels.width, pixels.height)
    };
    encoder.encode(WEBP_QUALITY).to_vec()
}

fn flatten_on_white(pixels: &Pixels) -> Vec<u8> {
    pixels
        .data
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let blend = move |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
            [blend(p[0]), blend(p[1]), blend(p[2])]
        })
        .collect()
}
