//! Fitting pixels into a longest side with SIMD convolution (Lanczos3); never upscales.

use fast_image_resize::{
    images::{Image, ImageRef},
    FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer,
};

use super::Pixels;

/// The size that fits `longest` on the longest side, keeping the aspect ratio.
pub fn fitted_size(width: u32, height: u32, longest: u32) -> (u32, u32) {
    if width.max(height) <= longest {
        return (width, height);
    }
    if width >= height {
        (longest, ((height as f64 * longest as f64 / width as f64).round() as u32).max(1))
    } else {
        (((width as f64 * longest as f64 / height as f64).round() as u32).max(1), longest)
    }
}

pub fn fit(pixels: &Pixels, longest: u32) -> Pixels {
    let (width, height) = fitted_size(pixels.width, pixels.height, longest);
    if (width, height) == (pixels.width, pixels.height) {
        return pixels.clone();
    }
    let pixel_type = if pixels.alpha { PixelType::U8x4 } else { PixelType::U8x3 };
    let source = ImageRef::new(pixels.width, pixels.height, &pixels.data, pixel_type).expect("buffer matches its size");
    let mut target = Image::new(width, height, pixel_type);
    Resizer::new()
        .resize(&source, &mut target, &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3)))
        .expect("same pixel type on both sides");
    Pixels { width, height, data: target.into_vec(), alpha: pixels.alpha }
}
