//! The poster: one frame from about 10% into the clip, upright, as RGB pixels.

use std::path::Path;

use ffmpeg_next::{
    codec, format,
    media::Type,
    software::scaling::{context::Context as Scaler, flag::Flags},
    util::frame::video::Video,
    Rational, Rescale,
};

use super::probe::{probe, Probe};
use crate::imaging::{rotate, Pixels};

/// Frames decoded after the seek point at most, looking for the target time.
const MAX_FRAMES_AFTER_SEEK: usize = 600;

pub fn poster_frame(path: &Path) -> Result<(Pixels, Probe), String> {
    let mut input = super::open(path)?;
    let probe = probe(&input)?;
    let stream = input.streams().best(Type::Video).ok_or("the file has no video stream")?;
    let (index, time_base) = (stream.index(), stream.time_base());
    let mut decoder = codec::context::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().video())
        .map_err(|e| format!("its video stream cannot be decoded ({e})"))?;

    // Seek to the key frame before 10% of the duration, then decode up to that time.
    let target_us = probe.duration_ms.map_or(0, |ms| ms * 100);
    if target_us > 0 {
        let _ = input.seek(target_us, ..target_us);
    }
    let target_pts = target_us.rescale(Rational(1, 1_000_000), time_base);

    let mut chosen: Option<Video> = None;
    let mut decoded = Video::empty();
    let mut frames = 0;
    let mut take = |decoder: &mut ffmpeg_next::decoder::Video, chosen: &mut Option<Video>| -> bool {
        while decoder.receive_frame(&mut decoded).is_ok() {
            frames += 1;
            let reached = decoded.timestamp().or(decoded.pts()).is_none_or(|pts| pts >= target_pts);
            *chosen = Some(decoded.clone());
            if reached || frames >= MAX_FRAMES_AFTER_SEEK {
                return true;
            }
        }
        false
    };
    for (stream, packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        if decoder.send_packet(&packet).is_ok() && take(&mut decoder, &mut chosen) {
            break;
        }
    }
    if chosen.is_none() {
        let _ = decoder.send_eof();
        take(&mut decoder, &mut chosen);
    }
    let frame = chosen.ok_or("no picture could be decoded from the video; it is corrupt or truncated")?;

    let mut scaler = Scaler::get(
        frame.format(),
        frame.width(),
        frame.height(),
        format::Pixel::RGB24,
        frame.width(),
        frame.height(),
        Flags::BILINEAR,
    )
    .map_err(|e| format!("its pictures cannot be converted ({e})"))?;
    let mut rgb = Video::empty();
    scaler.run(&frame, &mut rgb).map_err(|e| format!("its pictures cannot be converted ({e})"))?;
    let (width, height, stride) = (rgb.width() as usize, rgb.height() as usize, rgb.stride(0));
    let mut data = Vec::with_capacity(width * height * 3);
    for row in rgb.data(0).chunks(stride).take(height) {
        data.extend_from_slice(&row[..width * 3]);
    }
    let pixels = Pixels { width: width as u32, height: height as u32, data, alpha: false };
    Ok((rotate(pixels, probe.rotation), probe))
}
