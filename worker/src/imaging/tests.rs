use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

use super::*;

fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn dims(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).unwrap();
    (img.width(), img.height())
}

/// A JPEG carrying an EXIF orientation tag (as phones write when held upright).
fn jpeg_with_orientation(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let jpeg = encoded(width, height, ImageFormat::Jpeg);
    let mut tiff = b"II*\x00\x08\x00\x00\x00\x01\x00".to_vec(); // little-endian header, IFD at 8, one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // value padding + no next IFD
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn a_photo_gets_thumbnail_and_preview_in_webp_and_jpeg() {
    let made = make_derivatives(&encoded(4000, 3000, ImageFormat::Jpeg), 1 << 30).unwrap();
    assert_eq!((made.source_width, made.source_height), (4000, 3000));
    let sizes: Vec<(u32, Format, u32, u32)> =
        made.renditions.iter().map(|r| (r.longest_side, r.format, r.width, r.height)).collect();
    assert_eq!(
        sizes,
        [
            (320, Format::Webp, 320, 240),
            (320, Format::Jpeg, 320, 240),
            (640, Format::Webp, 640, 480),
            (640, Format::Jpeg, 640, 480),
            (1600, Format::Webp, 1600, 1200),
            (1600, Format::Jpeg, 1600, 1200)
        ]
    );
    for r in &made.renditions {
        assert_eq!(dims(&r.bytes), (r.width, r.height), "{:?} decodes to its stated size", r.format);
        let format = image::guess_format(&r.bytes).unwrap();
        assert_eq!(format, if r.format == Format::Webp { ImageFormat::WebP } else { ImageFormat::Jpeg });
    }
}

#[test]
fn small_images_are_never_upscaled() {
    let made = make_derivatives(&encoded(100, 40, ImageFormat::Png), 1 << 30).unwrap();
    assert!(made.renditions.iter().all(|r| (r.width, r.height) == (100, 40)));
    // No double of a thumbnail that is the whole picture already.
    assert!(
        made.renditions.iter().all(|r| r.longest_side != 640),
        "{:?}",
        made.renditions.iter().map(|r| r.longest_side).collect::<Vec<_>>()
    );
    // Between the two sizes, the double is the picture itself.
    let made = make_derivatives(&encoded(500, 300, ImageFormat::Png), 1 << 30).unwrap();
    let double: Vec<_> =
        made.renditions.iter().filter(|r| r.longest_side == 640).map(|r| (r.width, r.height)).collect();
    assert_eq!(double, [(500, 300), (500, 300)]);
}

#[test]
fn every_common_format_is_decoded() {
    for format in
        [ImageFormat::Png, ImageFormat::Gif, ImageFormat::Tiff, ImageFormat::Bmp, ImageFormat::WebP, ImageFormat::Jpeg]
    {
        let made = make_derivatives(&encoded(640, 480, format), 1 << 30).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!((made.renditions[0].width, made.renditions[0].height), (320, 240), "{format:?}");
    }
}

#[test]
fn transparency_survives_in_webp_and_turns_white_in_jpeg() {
    let img = RgbaImage::from_fn(400, 400, |x, _| if x < 200 { Rgba([0, 0, 0, 0]) } else { Rgba([200, 0, 0, 255]) });
    let mut png = Cursor::new(Vec::new());
    img.write_to(&mut png, ImageFormat::Png).unwrap();
    let made = make_derivatives(&png.into_inner(), 1 << 30).unwrap();
    let webp = image::load_from_memory(&made.renditions[0].bytes).unwrap().into_rgba8();
    assert!(webp.get_pixel(10, 10)[3] < 20, "transparent stays transparent");
    let jpeg = image::load_from_memory(&made.renditions[1].bytes).unwrap().into_rgb8();
    assert!(
        jpeg.get_pixel(10, 10).0.iter().all(|c| *c > 235),
        "transparent becomes white: {:?}",
        jpeg.get_pixel(10, 10)
    );
}

#[test]
fn sixteen_bit_images_become_eight_bit() {
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(500, 300, |x, _| {
        image::Rgb([(x * 100) as u16, 30000, 65535])
    });
    let mut png = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb16(img).write_to(&mut png, ImageFormat::Png).unwrap();
    let made = make_derivatives(&png.into_inner(), 1 << 30).unwrap();
    assert_eq!((made.renditions[0].width, made.renditions[0].height), (320, 192));
}

#[test]
fn exif_orientation_is_applied() {
    // Stored 800×600 landscape, tagged "rotate 90°": shown as 600×800 portrait.
    let made = make_derivatives(&jpeg_with_orientation(800, 600, 6), 1 << 30).unwrap();
    assert_eq!((made.source_width, made.source_height), (600, 800));
    assert_eq!((made.renditions[0].width, made.renditions[0].height), (240, 320));
}

#[test]
fn the_benchmarked_path_makes_a_320px_jpeg_from_a_scaled_decode() {
    let thumb = make_thumbnail_jpeg(&encoded(6000, 4000, ImageFormat::Jpeg), 1 << 30).unwrap();
    assert_eq!((thumb.width, thumb.height), (320, 213));
    assert_eq!(dims(&thumb.bytes), (320, 213));
}

#[test]
fn truncated_and_random_files_fail_with_a_reason() {
    let mut png = encoded(640, 480, ImageFormat::Png);
    png.truncate(png.len() / 2);
    assert!(matches!(make_derivatives(&png, 1 << 30), Err(ImageFailure::Corrupt(_))));
    let mut jpeg = encoded(640, 480, ImageFormat::Jpeg);
    jpeg.truncate(300);
    assert!(matches!(make_derivatives(&jpeg, 1 << 30), Err(ImageFailure::Corrupt(_))));
    let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    assert!(make_derivatives(&noise, 1 << 30).is_err());
}

#[test]
fn pixel_bombs_are_refused_before_decoding() {
    // A PNG header claiming 50 000 × 50 000 pixels: refused from the header alone.
    let mut bomb = encoded(64, 64, ImageFormat::Png);
    bomb[16..20].copy_from_slice(&50_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]); // IHDR type + data, so the header is valid
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let err = make_derivatives(&bomb, 200_000_000).unwrap_err();
    assert_eq!(err, ImageFailure::TooManyPixels { width: 50_000, height: 50_000, limit_megapixels: 200 });
    assert!(err.to_string().contains("200 megapixels"));
    // The same check on the JPEG path.
    let big = encoded(3000, 2000, ImageFormat::Jpeg);
    assert!(matches!(make_derivatives(&big, 1_000_000), Err(ImageFailure::TooManyPixels { .. })));
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
