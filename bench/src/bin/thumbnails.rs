//! Image derivatives against libvips' `vipsthumbnail` on the same 24-megapixel JPEGs.
//!
//!     cargo run --release -p bench --bin thumbnails [-- FILES ROUNDS]
//!
//! Timed per image, file read included on every side:
//! - ours: decode + 320 px JPEG thumbnail (`worker::imaging::make_thumbnail_jpeg`), the work
//!   vipsthumbnail does;
//! - floor: the bare libjpeg-turbo decode at the same DCT scale (nothing can be faster than it);
//! - vipsthumbnail: one process for all files (its best case), `--size 320`, JPEG Q82, default
//!   threads and with VIPS_CONCURRENCY=1;
//! - the full set the worker makes per image: thumbnail + preview, WebP + JPEG each;
//! - throughput on both cores: ours with two threads (as the worker runs two image jobs) against
//!   two vipsthumbnail processes, each side splitting the files in halves; wall time per file.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{ensure, Context, Result};
use bench::median;
use turbojpeg::{Compressor, Decompressor, PixelFormat, ScalingFactor, Subsamp};

const WIDTH: usize = 6000;
const HEIGHT: usize = 4000;
const MAX_PIXELS: u64 = 200_000_000;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let files: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let rounds: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
    let dir = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into())).join("bench-data");
    std::fs::create_dir_all(&dir)?;
    // Absolute: vipsthumbnail resolves a relative output path against each input's folder.
    let dir = std::fs::canonicalize(&dir)?;
    let photos = corpus(&dir, files)?;
    let out = dir.join("out");
    std::fs::create_dir_all(&out)?;

    // Warm the page cache and every code path once.
    for p in &photos {
        worker::imaging::make_thumbnail_jpeg(&std::fs::read(p)?, MAX_PIXELS).map_err(|e| anyhow::anyhow!("{e}"))?;
    }

    let ours = per_image(rounds, &photos, |p| {
        let t =
            worker::imaging::make_thumbnail_jpeg(&std::fs::read(p)?, MAX_PIXELS).map_err(|e| anyhow::anyhow!("{e}"))?;
        ensure!(t.width == 320, "unexpected thumbnail width {}", t.width);
        Ok(())
    })?;
    let floor = per_image(rounds, &photos, |p| bare_scaled_decode(&std::fs::read(p)?))?;
    let full = per_image(rounds, &photos, |p| {
        let made =
            worker::imaging::make_derivatives(&std::fs::read(p)?, MAX_PIXELS).map_err(|e| anyhow::anyhow!("{e}"))?;
        ensure!(made.renditions.len() == 4);
        Ok(())
    })?;
    let vips = vipsthumbnail(rounds, &photos, &out, None)?;
    let vips_one_thread = vipsthumbnail(rounds, &photos, &out, Some("1"))?;
    let ours_two_cores = per_image_on_two_cores(rounds, &photos)?;
    let vips_two_processes = vipsthumbnail_two_processes(rounds, &photos, &out)?;

    println!("| path (per 24 MP JPEG, median of {rounds} rounds × {files} files) | ms | ratio |");
    println!("|---|---:|---:|");
    println!("| vipsthumbnail, one process for all files, default threads (reference) | {vips:.1} | 1.00 |");
    println!(
        "| vipsthumbnail, one process, VIPS_CONCURRENCY=1 | {vips_one_thread:.1} | {:.2} |",
        vips_one_thread / vips
    );
    println!("| **ours: decode + 320 px JPEG thumbnail** (one thread) | {ours:.1} | **{:.2}** |", ours / vips);
    println!("| floor: bare libjpeg-turbo decode at the same DCT scale | {floor:.1} | {:.2} |", floor / vips);
    println!("| ours ÷ floor | | **{:.2}** |", ours / floor);
    println!("| full set: 320 + 1600 px, WebP + JPEG each (one decode) | {full:.1} | {:.2} |", full / vips);
    println!();
    println!("| throughput on 2 cores (wall time per file) | ms | ratio |");
    println!("|---|---:|---:|");
    println!("| vipsthumbnail, two processes, half the files each (reference) | {vips_two_processes:.1} | 1.00 |");
    println!(
        "| **ours, two threads, half the files each** | {ours_two_cores:.1} | **{:.2}** |",
        ours_two_cores / vips_two_processes
    );
    Ok(())
}

/// Wall time per file with the files split over two threads.
fn per_image_on_two_cores(rounds: usize, photos: &[PathBuf]) -> Result<f64> {
    let (first, second) = photos.split_at(photos.len() / 2);
    let mut samples = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        std::thread::scope(|scope| -> Result<()> {
            let halves = [first, second].map(|half| {
                scope.spawn(move || -> Result<()> {
                    for p in half {
                        worker::imaging::make_thumbnail_jpeg(&std::fs::read(p)?, MAX_PIXELS)
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                    }
                    Ok(())
                })
            });
            for half in halves {
                half.join().map_err(|_| anyhow::anyhow!("a thread panicked"))??;
            }
            Ok(())
        })?;
        samples.push(start.elapsed().as_secs_f64() * 1000.0 / photos.len() as f64);
    }
    Ok(median(samples))
}

fn vipsthumbnail_two_processes(rounds: usize, photos: &[PathBuf], out: &Path) -> Result<f64> {
    let (first, second) = photos.split_at(photos.len() / 2);
    let mut samples = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let children = [first, second].map(|half| {
            Command::new("vipsthumbnail")
                .arg("--size")
                .arg("320")
                .arg("-o")
                .arg(format!("{}/%s.jpg[Q=82]", out.display()))
                .args(half)
                .spawn()
        });
        for child in children {
            ensure!(
                child.context("running vipsthumbnail (apt install libvips-tools)")?.wait()?.success(),
                "vipsthumbnail failed"
            );
        }
        samples.push(start.elapsed().as_secs_f64() * 1000.0 / photos.len() as f64);
    }
    Ok(median(samples))
}

/// Median over rounds of the mean time per file, in milliseconds.
fn per_image(rounds: usize, photos: &[PathBuf], mut work: impl FnMut(&Path) -> Result<()>) -> Result<f64> {
    let mut samples = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        for p in photos {
            work(p)?;
        }
        samples.push(start.elapsed().as_secs_f64() * 1000.0 / photos.len() as f64);
    }
    Ok(median(samples))
}

fn vipsthumbnail(rounds: usize, photos: &[PathBuf], out: &Path, concurrency: Option<&str>) -> Result<f64> {
    let mut samples = Vec::new();
    for _ in 0..rounds {
        let mut command = Command::new("vipsthumbnail");
        command.arg("--size").arg("320").arg("-o").arg(format!("{}/%s.jpg[Q=82]", out.display())).args(photos);
        if let Some(n) = concurrency {
            command.env("VIPS_CONCURRENCY", n);
        }
        let start = Instant::now();
        let status = command.status().context("running vipsthumbnail (apt install libvips-tools)")?;
        ensure!(status.success(), "vipsthumbnail failed");
        samples.push(start.elapsed().as_secs_f64() * 1000.0 / photos.len() as f64);
    }
    Ok(median(samples))
}

fn bare_scaled_decode(bytes: &[u8]) -> Result<()> {
    let mut d = Decompressor::new()?;
    let header = d.read_header(bytes)?;
    d.set_scaling_factor(ScalingFactor::ONE_EIGHTH)?;
    let scaled = header.scaled(ScalingFactor::ONE_EIGHTH);
    let mut image = turbojpeg::Image {
        pixels: vec![0u8; 3 * scaled.width * scaled.height],
        width: scaled.width,
        pitch: 3 * scaled.width,
        height: scaled.height,
        format: PixelFormat::RGB,
    };
    d.decompress(bytes, image.as_deref_mut())?;
    Ok(())
}

/// 24 MP JPEGs with photo-like content (smooth gradients plus sensor-like noise), quality 90,
/// 4:2:0, made once and kept.
fn corpus(dir: &Path, count: usize) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    (0..count)
        .map(|i| {
            let path = dir.join(format!("photo-{i:02}.jpg"));
            if !path.exists() {
                let mut seed = 0x9E37_79B9u32.wrapping_mul(i as u32 + 1);
                let mut pixels = vec![0u8; WIDTH * HEIGHT * 3];
                for y in 0..HEIGHT {
                    for x in 0..WIDTH {
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        let noise = (seed % 24) as i32 - 12;
                        let base =
                            [(x * 255 / WIDTH) as i32, (y * 255 / HEIGHT) as i32, ((x + y + i * 400) % 512 / 2) as i32];
                        for c in 0..3 {
                            pixels[(y * WIDTH + x) * 3 + c] = (base[c] + noise).clamp(0, 255) as u8;
                        }
                    }
                }
                let mut compressor = Compressor::new()?;
                compressor.set_quality(90)?;
                compressor.set_subsamp(Subsamp::Sub2x2)?;
                let jpeg = compressor.compress_to_vec(turbojpeg::Image {
                    pixels: pixels.as_slice(),
                    width: WIDTH,
                    pitch: WIDTH * 3,
                    height: HEIGHT,
                    format: PixelFormat::RGB,
                })?;
                std::fs::write(&path, jpeg)?;
            }
            Ok(path)
        })
        .collect()
}
