//! Videos through the real pipeline: probe, poster frame and thumbnail, the playable 1080p/720p
//! renditions, and clear failures for broken files. Test clips are made with the ffmpeg command
//! line; the renditions are checked with ffprobe.

mod common;

use std::{path::Path, process::Command};

use common::{derivative_size, spawn_app};
use domain::dto::{AssetStatus, DerivativeKind, UploadReport};

/// Runs ffmpeg with lavfi sources into `dir/name` and returns the bytes.
fn clip(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-y", "-loglevel", "error"])
        .args(args)
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (make setup)");
    assert!(status.success(), "ffmpeg {args:?}");
    std::fs::read(out).unwrap()
}

#[tokio::test]
async fn videos_get_probed_and_a_poster_and_broken_ones_fail_with_a_reason() {
    let app = spawn_app().await;
    let dir = tempdir();
    let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
    let landscape = clip(
        &dir,
        "landscape.mp4",
        &[
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=640x360:rate=25",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440",
                "-t",
                "2",
            ][..],
            &x264,
            &["-c:a", "aac", "-shortest"],
        ]
        .concat(),
    );
    // A phone held upright records landscape frames plus a display matrix; a stream-copy remux
    // writes the same thing.
    clip(
        &dir,
        "sideways.mp4",
        &[&["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "1"][..], &x264].concat(),
    );
    let sideways = dir.join("sideways.mp4").to_string_lossy().into_owned();
    let portrait = clip(&dir, "portrait.mp4", &["-i", &sideways, "-c", "copy", "-metadata:s:v:0", "rotate=90"]);
    let odd = clip(
        &dir,
        "odd.mp4",
        &[&["-f", "lavfi", "-i", "testsrc2=size=1918x1078:rate=24", "-t", "0.5"][..], &x264].concat(),
    );
    let full_hd = clip(
        &dir,
        "full-hd.mp4",
        &[
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=1920x1080:rate=25",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440",
                "-t",
                "1",
            ][..],
            &x264,
            &["-c:a", "aac", "-shortest"],
        ]
        .concat(),
    );
    // Variable frame rate: frames dropped unevenly, timestamps kept as they are.
    let vfr = clip(
        &dir,
        "vfr.mp4",
        &[
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=854x480:rate=30",
                "-t",
                "2",
                "-vf",
                "select='lt(n,10)+not(mod(n,4))'",
                "-fps_mode",
                "vfr",
            ][..],
            &x264,
        ]
        .concat(),
    );
    let mut truncated = landscape.clone();
    truncated.truncate(truncated.len() / 3);
    let no_video = clip(
        &dir,
        "sound-only.mp4",
        &["-f", "lavfi", "-i", "sine=frequency=300", "-t", "1", "-c:a", "aac", "-f", "mp4", "-brand", "isom"],
    );

    let files = [
        ("landscape.mp4", landscape),
        ("portrait.mp4", portrait),
        ("odd.mp4", odd),
        ("full-hd.mp4", full_hd),
        ("vfr.mp4", vfr),
        ("truncated.mp4", truncated),
        ("sound-only.mp4", no_video),
    ];
    let response = app.upload(&files.iter().map(|(n, b)| (*n, b.clone())).collect::<Vec<_>>()).await;
    let report: UploadReport = response.json().await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let id = |name: &str| report.accepted.iter().find(|a| a.filename == name).unwrap().id;

    let landscape = app.wait_until_settled(id("landscape.mp4")).await;
    assert_eq!(landscape.status, AssetStatus::Processed, "{:?}", landscape.failure_reason);
    assert_eq!((landscape.width, landscape.height), (Some(640), Some(360)));
    let probe = &landscape.metadata["video"];
    assert_eq!(probe["video_codec"], "h264");
    assert_eq!(probe["audio_codec"], "aac");
    assert!((1900..=2100).contains(&probe["duration_ms"].as_i64().unwrap()), "{probe}");
    assert_eq!(probe["fps"].as_f64().unwrap().round(), 25.0);
    assert_eq!(derivative_size(&landscape, DerivativeKind::Thumbnail, "jpg"), (320, 180));
    assert_eq!(derivative_size(&landscape, DerivativeKind::Poster, "webp"), (640, 360));
    let poster =
        app.client.get(app.url(&format!("/api/assets/{}/poster?format=jpg", landscape.id))).send().await.unwrap();
    assert_eq!(poster.status(), 200);
    let image = image::load_from_memory(&poster.bytes().await.unwrap()).unwrap().into_rgb8();
    let mean: f64 =
        image.pixels().map(|p| p.0.iter().map(|c| f64::from(*c)).sum::<f64>()).sum::<f64>() / (image.len() as f64);
    assert!(mean > 30.0, "the poster is not a black frame (mean {mean})");

    let portrait = app.wait_until_settled(id("portrait.mp4")).await;
    assert_eq!(portrait.status, AssetStatus::Processed, "{:?}", portrait.failure_reason);
    assert_eq!((portrait.width, portrait.height), (Some(360), Some(640)), "rotation honoured");
    assert_eq!(portrait.metadata["video"]["audio_codec"], serde_json::Value::Null);
    assert_eq!(derivative_size(&portrait, DerivativeKind::Thumbnail, "jpg"), (180, 320));

    let odd = app.wait_until_settled(id("odd.mp4")).await;
    assert_eq!(odd.status, AssetStatus::Processed, "{:?}", odd.failure_reason);
    assert_eq!((odd.width, odd.height), (Some(1918), Some(1078)));

    // Renditions: the short side at 1080 and 720, never upscaled, upright, H.264 + AAC, faststart.
    for (name, expected) in [
        ("full-hd.mp4", &[("1080p", 1920, 1080, true), ("720p", 1280, 720, true)][..]),
        ("odd.mp4", &[("720p", 1282, 720, false)][..]),
        ("landscape.mp4", &[("360p", 640, 360, true)][..]),
        ("portrait.mp4", &[("360p", 360, 640, false)][..]),
        ("vfr.mp4", &[("480p", 854, 480, false)][..]),
    ] {
        let asset = app.wait_until_settled(id(name)).await;
        assert_eq!(asset.status, AssetStatus::Processed, "{name}: {:?}", asset.failure_reason);
        let made: Vec<&str> = asset
            .derivatives
            .iter()
            .filter(|d| d.kind == DerivativeKind::Transcode)
            .map(|d| d.label.as_str())
            .collect();
        assert_eq!(made.len(), expected.len(), "{name}: {made:?}");
        for &(label, width, height, with_sound) in expected {
            assert_eq!(derivative_size(&asset, DerivativeKind::Transcode, label), (width, height), "{name} {label}");
            let url = app.url(&format!("/api/assets/{}/transcode?format={label}", asset.id));
            let bytes = app.client.get(&url).send().await.unwrap().bytes().await.unwrap().to_vec();
            let file = dir.join(format!("out-{name}-{label}.mp4"));
            std::fs::write(&file, &bytes).unwrap();
            let streams = ffprobe_streams(&file);
            let video = streams.iter().find(|s| s["codec_type"] == "video").expect("a video stream");
            assert_eq!(
                (video["codec_name"].as_str(), video["width"].as_i64(), video["height"].as_i64()),
                (Some("h264"), Some(i64::from(width)), Some(i64::from(height))),
                "{name} {label}"
            );
            assert!(video.get("side_data_list").is_none(), "{name} {label}: upright pixels, no rotation left to apply");
            let audio = streams.iter().find(|s| s["codec_type"] == "audio").map(|s| s["codec_name"].clone());
            assert_eq!(audio, with_sound.then(|| "aac".into()), "{name} {label}");
            assert!(
                box_offset(&bytes, b"moov") < box_offset(&bytes, b"mdat"),
                "{name} {label}: faststart puts the index first"
            );
        }
    }
    // Players seek with byte ranges.
    let full_hd = id("full-hd.mp4");
    let ranged = app
        .client
        .get(app.url(&format!("/api/assets/{full_hd}/transcode?format=720p")))
        .header("Range", "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.headers()["content-type"], "video/mp4");
    assert_eq!(ranged.bytes().await.unwrap().len(), 100);
    let missing =
        app.client.get(app.url(&format!("/api/assets/{full_hd}/transcode?format=4320p"))).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    for (name, expected) in [("truncated.mp4", "corrupt"), ("sound-only.mp4", "no video stream")] {
        let broken = app.wait_until_settled(id(name)).await;
        assert_eq!(broken.status, AssetStatus::Failed, "{name}");
        let reason = broken.failure_reason.unwrap();
        assert!(reason.contains(expected), "{name}: {reason}");
    }
    let _ = std::fs::remove_dir_all(dir);
    app.cleanup().await;
}

fn ffprobe_streams(file: &Path) -> Vec<serde_json::Value> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_streams", "-of", "json"])
        .arg(file)
        .output()
        .expect("ffprobe is installed (make setup)");
    assert!(out.status.success(), "ffprobe {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    parsed["streams"].as_array().cloned().unwrap_or_default()
}

/// Where a top-level MP4 box starts.
fn box_offset(mp4: &[u8], name: &[u8; 4]) -> usize {
    let mut at = 0;
    while at + 8 <= mp4.len() {
        let size = u32::from_be_bytes(mp4[at..at + 4].try_into().unwrap()) as usize;
        if &mp4[at + 4..at + 8] == name {
            return at;
        }
        let size = if size == 1 { u64::from_be_bytes(mp4[at + 8..at + 16].try_into().unwrap()) as usize } else { size };
        if size < 8 {
            break;
        }
        at += size;
    }
    panic!("no {} box", String::from_utf8_lossy(name));
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dam-video-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
