//! What a video file is: container, codecs, size, duration, frame rate, bit rate, rotation.

use ffmpeg_next::{codec, format::context::Input, media::Type};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Probe {
    pub container: String,
    pub duration_ms: Option<i64>,
    pub video_codec: String,
    pub audio_codec: Option<String>,
    /// As stored in the stream.
    pub coded_width: u32,
    pub coded_height: u32,
    /// As shown, after rotation.
    pub width: u32,
    pub height: u32,
    pub fps: Option<f64>,
    pub bit_rate: Option<i64>,
    /// Clockwise degrees the picture must be turned to be upright (phones: 90 for portrait).
    pub rotation: u32,
}

pub fn probe(input: &Input) -> Result<Probe, String> {
    let stream = input.streams().best(Type::Video).ok_or("the file has no video stream")?;
    let parameters = stream.parameters();
    let decoder = codec::context::Context::from_parameters(parameters.clone())
        .and_then(|c| c.decoder().video())
        .map_err(|e| format!("its video stream cannot be decoded ({e})"))?;
    let (coded_width, coded_height) = (decoder.width(), decoder.height());
    if coded_width == 0 || coded_height == 0 {
        return Err("its video stream has no picture size".into());
    }
    let rotation = rotation_of(&stream);
    let (width, height) = if rotation % 180 == 90 { (coded_height, coded_width) } else { (coded_width, coded_height) };
    let rate = stream.avg_frame_rate();
    let fps = (rate.denominator() != 0 && rate.numerator() > 0)
        .then(|| f64::from(rate.numerator()) / f64::from(rate.denominator()));
    let duration = input.duration();
    Ok(Probe {
        container: input.format().name().to_owned(),
        duration_ms: (duration > 0).then_some(duration / 1000),
        video_codec: parameters.id().name().to_owned(),
        audio_codec: input.streams().best(Type::Audio).map(|a| a.parameters().id().name().to_owned()),
        coded_width,
        coded_height,
        width,
        height,
        fps,
        bit_rate: (input.bit_rate() > 0).then(|| input.bit_rate()),
        rotation,
    })
}

/// From the display matrix (how phones record orientation), else the legacy `rotate` tag.
fn rotation_of(stream: &ffmpeg_next::format::stream::Stream) -> u32 {
    let from_matrix = stream
        .side_data()
        .find(|d| d.kind() == ffmpeg_next::codec::packet::side_data::Type::DisplayMatrix)
        .and_then(|d| {
            let data = d.data();
            (data.len() >= 36).then(|| {
                // SAFETY: a display matrix is nine i32 (36 bytes), checked above.

                unsafe { ffmpeg_next::ffi::av_display_rotation_get(data.as_ptr() as *const i32) }
            })
        });
    let degrees = match from_matrix {
        Some(ccw) if ccw.is_finite() => -ccw,
        _ => stream.metadata().get("rotate").and_then(|r| r.parse::<f64>().ok()).unwrap_or(0.0),
    };
    (((degrees.round() as i64 % 360) + 360) % 360) as u32 / 90 * 90
}
