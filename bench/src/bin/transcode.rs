//! Video renditions against the ffmpeg command line on the same clip and settings.
//!
//!     cargo run --release -p bench --bin transcode [-- SECONDS ROUNDS]
//!
//! The clip: SECONDS (default 10) of 1920×1080 at 30 fps with moving grain (hard to compress, like
//! camera footage) and stereo sound, H.264 CRF 18. Every side makes 1080p + 720p, x264 `veryfast`
//! CRF 23, AAC 128 kb/s, MP4 with faststart; timed end to end, median of ROUNDS (default 3),
//! sides interleaved so drift hits all of them alike:
//! - ours: `worker::video::transcode` (one decode, split, two encoders, audio encoded once);
//! - reference: one ffmpeg run with `-filter_complex split` producing both files;
//! - two separate ffmpeg runs, one per rendition;
//! - floor: ffmpeg decoding the clip to nowhere (`-f null`).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{ensure, Context, Result};
use bench::{median, timed};

const PRESET: &str = "veryfast";

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let rounds: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
    let dir = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("bench-data")
        .join("video");
    std::fs::create_dir_all(&dir)?;
    let clip = source_clip(&dir, seconds)?;
    let out = dir.join("out");
    std::fs::create_dir_all(&out)?;

    let (_, probe) = worker::video::poster_frame(&clip).map_err(anyhow::Error::msg)?;
    let targets = worker::video::renditions_for(probe.width, probe.height);
    ensure!(targets.len() == 2, "a 1080p source gets two renditions");

    let mut samples: [Vec<f64>; 4] = Default::default();
    for _ in 0..rounds {
        samples[0].push(timed(|| {
            let made = worker::video::transcode(
                &clip,
                &probe,
                &targets,
                &out,
                PRESET,
                worker::video::Deadline::after(std::time::Duration::from_secs(3600)),
            )
            .map_err(anyhow::Error::msg)?;
            ensure!(made.len() == 2);
            Ok(())
        })?);
        samples[1].push(timed(|| ffmpeg(&cli_split(&clip, &out)))?);
        samples[2].push(timed(|| {
            ffmpeg(&cli_single(&clip, &out.join("cli-1080p.mp4"), 1920, 1080))?;
            ffmpeg(&cli_single(&clip, &out.join("cli-720p.mp4"), 1280, 720))
        })?);
        samples[3].push(timed(|| {
            ffmpeg(&["-i".into(), clip.display().to_string(), "-f".into(), "null".into(), "-".into()])
        })?);
    }
    let [ours, split, separate, decode] = samples.map(median);
    println!("| path ({seconds} s 1080p30 clip → 1080p + 720p, median of {rounds}) | s | ratio |");
    println!("|---|---:|---:|");
    println!("| ffmpeg CLI, one run, `-filter_complex split` (reference) | {split:.2} | 1.00 |");
    println!("| **ours: `worker::video::transcode`, one decode** | {ours:.2} | **{:.2}** |", ours / split);
    println!("| ffmpeg CLI, two separate runs | {separate:.2} | {:.2} |", separate / split);
    println!("| floor: ffmpeg decode only (`-f null`) | {decode:.2} | {:.2} |", decode / split);
    for target in &targets {
        let size = std::fs::metadata(out.join(format!("{}.mp4", target.label)))?.len();
        println!("ours {}: {}×{}, {:.1} MB", target.label, target.width, target.height, size as f64 / 1e6);
    }
    Ok(())
}

fn source_clip(dir: &Path, seconds: u32) -> Result<PathBuf> {
    let path = dir.join(format!("source-{seconds}s.mp4"));
    if !path.exists() {
        let duration = seconds.to_string();
        let args: Vec<String> = [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1920x1080:rate=30,noise=alls=12:allf=t+u",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000,aformat=channel_layouts=stereo",
            "-t",
            &duration,
            "-c:v",
            "libx264",
            "-preset",
            "fast",
            "-crf",
            "18",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "192k",
            "-shortest",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([path.display().to_string()])
        .collect();
        ffmpeg(&args).context("making the source clip")?;
    }
    Ok(path)
}

fn encoding_args(out: &Path) -> Vec<String> {
    [
        "-c:v",
        "libx264",
        "-preset",
        PRESET,
        "-crf",
        "23",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-ar",
        "48000",
        "-movflags",
        "+faststart",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([out.display().to_string()])
    .collect()
}

fn cli_split(clip: &Path, out: &Path) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "-i".into(),
        clip.display().to_string(),
        "-filter_complex".into(),
        "[0:v]split=2[a][b];[a]scale=1920:1080:flags=bicubic,setsar=1,format=yuv420p[v1];[b]scale=1280:720:flags=bicubic,setsar=1,format=yuv420p[v2]".into(),
    ];
    for (label, file) in [("[v1]", "cli-split-1080p.mp4"), ("[v2]", "cli-split-720p.mp4")] {
        args.extend(["-map".into(), label.into(), "-map".into(), "0:a".into()]);
        args.extend(encoding_args(&out.join(file)));
    }
    args
}

fn cli_single(clip: &Path, out: &Path, width: u32, height: u32) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "-i".into(),
        clip.display().to_string(),
        "-vf".into(),
        format!("scale={width}:{height}:flags=bicubic,setsar=1,format=yuv420p"),
    ];
    args.extend(encoding_args(out));
    args
}

fn ffmpeg(args: &[String]) -> Result<()> {
    let status = Command::new("ffmpeg")
        .args(["-y", "-loglevel", "error", "-nostdin"])
        .args(args)
        .status()
        .context("ffmpeg is installed")?;
    ensure!(status.success(), "ffmpeg {args:?} failed");
    Ok(())
}
