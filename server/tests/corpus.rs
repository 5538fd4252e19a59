//! A generated corpus of every image format the worker takes, plus bad inputs, through the real
//! upload → queue → worker path. Good files end `processed` with derivatives of the right size and
//! codec; bad ones end `failed` (or are refused at upload) with a reason, and the worker keeps going.

mod common;

use std::{io::Cursor, path::Path, process::Command};

use common::{jpeg, spawn_app, TestApp};
use domain::dto::{AssetStatus, AssetView, DerivativeKind, UploadReport};
use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

fn encoded(img: impl Into<image::DynamicImage>, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.into().write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 90]))
}

/// A camera-style JPEG: held upright (EXIF orientation 6), keyworded and captioned in IPTC/XMP.
fn tagged_photo(dir: &Path) -> Vec<u8> {
    let path = dir.join("tagged.jpg");
    std::fs::write(&path, jpeg(1200, 800)).unwrap();
    rexiv2::initialize().unwrap();
    let meta = rexiv2::Metadata::new_from_path(&path).unwrap();
    meta.set_orientation(rexiv2::Orientation::Rotate90);
    meta.set_tag_string("Exif.Image.Make", "Fujifilm").unwrap();
    meta.set_tag_multiple_strings("Iptc.Application2.Keywords", &["harbour", "dawn"]).unwrap();
    meta.set_tag_string("Iptc.Application2.Caption", "Boats at dawn").unwrap();
    meta.set_tag_string("Xmp.dc.rights", "© 2026 Studio Nord").unwrap();
    meta.save_to_file(&path).unwrap();
    std::fs::read(path).unwrap()
}

/// A print-ready CMYK JPEG, all cyan (Adobe/YCCK, as Photoshop writes them: ink stored inverted,
/// 255 = none, so cyan is C=0 and M=Y=K=255).
fn cmyk_cyan(width: usize, height: usize) -> Vec<u8> {
    let pixels: Vec<u8> = (0..width * height).flat_map(|_| [0u8, 255, 255, 255]).collect();
    let image = turbojpeg::Image {
        pixels: pixels.as_slice(),
        width,
        pitch: width * 4,
        height,
        format: turbojpeg::PixelFormat::CMYK,
    };
    let mut compressor = turbojpeg::Compressor::new().unwrap();
    compressor.set_subsamp(turbojpeg::Subsamp::None).unwrap();
    compressor.compress_to_vec(image).unwrap()
}

/// Encodes a PNG with libheif's own encoder (HEVC for HEIC, AV1 for AVIF).
fn heif(dir: &Path, name: &str, avif: bool) -> Vec<u8> {
    let source = dir.join(format!("{name}.png"));
    std::fs::write(&source, encoded(gradient(640, 480), ImageFormat::Png)).unwrap();
    let out = dir.join(name);
    let mut command = Command::new("heif-enc");
    if avif {
        command.arg("-A");
    }
    let status =
        command.args(["-q", "60", "-o"]).arg(&out).arg(&source).output().expect("heif-enc is installed (make setup)");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    std::fs::read(out).unwrap()
}

/// A PNG whose header claims 50 000 × 50 000 pixels in a few hundred bytes.
fn pixel_bomb() -> Vec<u8> {
    let mut png = encoded(gradient(64, 64), ImageFormat::Png);
    png[16..20].copy_from_slice(&50_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&50_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Downloads a derivative and checks what it really is.
async fn fetch(app: &TestApp, asset: &AssetView, kind: DerivativeKind, label: &str) -> image::DynamicImage {
    let d = asset
        .derivatives
        .iter()
        .find(|d| d.kind == kind && d.label == label)
        .unwrap_or_else(|| panic!("{}: no {kind:?} {label}", asset.filename));
    let bytes = app.client.get(app.url(&d.url)).send().await.unwrap().bytes().await.unwrap();
    let format = image::guess_format(&bytes).unwrap();
    assert_eq!(
        format,
        if label == "webp" { ImageFormat::WebP } else { ImageFormat::Jpeg },
        "{}: {kind:?} {label}",
        asset.filename
    );
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!(
        (decoded.width() as i32, decoded.height() as i32),
        (d.width, d.height),
        "{}: recorded size",
        asset.filename
    );
    decoded
}

#[tokio::test]
async fn every_format_is_processed_and_every_bad_file_fails_with_a_reason() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let gif = {
        let frames = [Rgba([255, 0, 0, 255]), Rgba([0, 0, 255, 255])]
            .map(|c| image::Frame::new(RgbaImage::from_pixel(200, 100, c)));
        let mut out = Vec::new();
        image::codecs::gif::GifEncoder::new(&mut out).encode_frames(frames).unwrap();
        out
    };
    let deep_png = encoded(
        image::ImageBuffer::<Rgba<u16>, _>::from_fn(300, 200, |x, _| Rgba([x as u16 * 200, 30_000, 60_000, 40_000])),
        ImageFormat::Png,
    );
    let mut truncated = jpeg(800, 600);
    truncated.truncate(truncated.len() / 3);

    // name, bytes, size as shown, thumbnail size; the preview (1600) never upscales.
    type Case = (&'static str, Vec<u8>, (i32, i32), (i32, i32));
    let good: Vec<Case> = vec![
        ("photo.jpg", jpeg(1200, 800), (1200, 800), (320, 213)),
        ("upright.jpg", tagged_photo(dir.path()), (800, 1200), (213, 320)),
        ("print-cmyk.jpg", cmyk_cyan(400, 300), (400, 300), (320, 240)),
        ("deep-alpha.png", deep_png, (300, 200), (300, 200)),
        ("animated.gif", gif, (200, 100), (200, 100)),
        ("scan.tiff", encoded(gradient(640, 480), ImageFormat::Tiff), (640, 480), (320, 240)),
        ("old.bmp", encoded(gradient(100, 50), ImageFormat::Bmp), (100, 50), (100, 50)),
        ("web.webp", encoded(gradient(500, 500), ImageFormat::WebP), (500, 500), (320, 320)),
        ("phone.heic", heif(dir.path(), "phone.heic", false), (640, 480), (320, 240)),
        ("modern.avif", heif(dir.path(), "modern.avif", true), (640, 480), (320, 240)),
    ];
    let bad: Vec<(&str, Vec<u8>, &str)> =
        vec![("truncated.jpg", truncated, "corrupt or truncated"), ("bomb.png", pixel_bomb(), "megapixels")];
    let files: Vec<(&str, Vec<u8>)> =
        good.iter().map(|(n, b, ..)| (*n, b.clone())).chain(bad.iter().map(|(n, b, _)| (*n, b.clone()))).collect();
    let report: UploadReport = app.upload(&files).await.json().await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let id = |name: &str| report.accepted.iter().find(|a| a.filename == name).unwrap().id;

    for (name, _, shown, thumbnail) in &good {
        let asset = app.wait_until_settled(id(name)).await;
        assert_eq!(asset.status, AssetStatus::Processed, "{name}: {:?}", asset.failure_reason);
        assert_eq!((asset.width.unwrap(), asset.height.unwrap()), *shown, "{name}: {}", asset.metadata);
        for format in ["jpg", "webp"] {
            let thumb = fetch(&app, &asset, DerivativeKind::Thumbnail, format).await;
            assert_eq!((thumb.width() as i32, thumb.height() as i32), *thumbnail, "{name} {format} thumbnail");
            let preview = fetch(&app, &asset, DerivativeKind::Preview, format).await;
            assert_eq!(
                (preview.width() as i32, preview.height() as i32),
                *shown,
                "{name} {format} preview, never upscaled"
            );
        }
    }

    let cmyk = app.asset(id("print-cmyk.jpg")).await;
    let centre = fetch(&app, &cmyk, DerivativeKind::Thumbnail, "jpg").await.into_rgb8().get_pixel(160, 120).0;
    assert!(centre[0] < 80 && centre[1] > 150 && centre[2] > 150, "CMYK cyan stays cyan, not inverted: {centre:?}");
    let alpha = fetch(&app, &app.asset(id("deep-alpha.png")).await, DerivativeKind::Thumbnail, "webp").await;
    assert!(alpha.color().has_alpha(), "transparency kept in WebP");

    let tagged = app.asset(id("upright.jpg")).await;
    let photo = &tagged.metadata["photo"];
    assert_eq!(photo["keywords"], serde_json::json!(["harbour", "dawn"]));
    assert_eq!(
        (photo["caption"].as_str(), photo["copyright"].as_str()),
        (Some("Boats at dawn"), Some("© 2026 Studio Nord"))
    );
    assert_eq!((tagged.camera_make.as_deref(), photo["orientation"].as_u64()), (Some("Fujifilm"), Some(6)));

    for (name, _, reason) in &bad {
        let asset = app.wait_until_settled(id(name)).await;
        assert_eq!(asset.status, AssetStatus::Failed, "{name}");
        assert!(asset.failure_reason.as_deref().unwrap().contains(reason), "{name}: {:?}", asset.failure_reason);
        assert!(asset.derivatives.is_empty(), "{name}: nothing half-made is listed");
    }
    // Refused at the door rather than failed later: nothing to decode.
    let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for (name, bytes) in [("empty.jpg", Vec::new()), ("noise.jpg", noise)] {
        let response = app.upload(&[(name, bytes)]).await;
        assert!(response.status().is_client_error(), "{name}: {}", response.status());
    }
    // And the worker is still serving.
    let after: UploadReport = app.upload(&[("after.jpg", jpeg(64, 64))]).await.json().await.unwrap();
    assert_eq!(app.wait_until_settled(after.accepted[0].id).await.status, AssetStatus::Processed);
    app.cleanup().await;
}
