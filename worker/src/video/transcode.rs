//! The playable renditions (1080p/720p H.264 + AAC in MP4 with `faststart`) from **one decode**.
//!
//! The same libavfilter graph the ffmpeg CLI would build for `-filter_complex split`: decoded frames
//! are turned upright once, split (reference-counted, never copied) and scaled per rendition; the
//! audio is encoded once and its packets are muxed into every rendition.

use std::path::{Path, PathBuf};

use ffmpeg_next::{
    codec::{self, threading},
    encoder, filter, format,
    media::Type,
    util::frame::{audio::Audio, video::Video},
    ChannelLayout, Dictionary, Packet, Rational,
};

use super::plan::Target;
use super::probe::Probe;

const AUDIO_RATE: i32 = 48_000;
const VIDEO_CRF: &str = "23";

#[derive(Clone, Debug)]
pub struct Transcoded {
    pub label: String,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub has_audio: bool,
}

/// One output file: its muxer, video encoder and the stream indexes inside it.
struct Rendition {
    target: Target,
    path: PathBuf,
    muxer: format::context::Output,
    video: encoder::Video,
    video_time_base: Rational,
    audio_stream: Option<usize>,
    frame_duration: i64,
}

/// Writes each target's MP4 into `out_dir`. `preset` is the x264 preset.
pub fn transcode(
    source: &Path,
    probe: &Probe,
    targets: &[Target],
    out_dir: &Path,
    preset: &str,
    deadline: super::Deadline,
) -> Result<Vec<Transcoded>, String> {
    let mut input = super::open(source)?;
    let video_in = input.streams().best(Type::Video).ok_or("the file has no video stream")?;
    let (video_index, video_time_base) = (video_in.index(), video_in.time_base());
    let frame_rate = video_in.avg_frame_rate();
    let mut video_decoder = decoder_context(&video_in)?
        .decoder()
        .video()
        .map_err(|e| format!("its video stream cannot be decoded ({e})"))?;
    let audio_in = input.streams().best(Type::Audio).map(|s| (s.index(), s.time_base(), decoder_context(&s)));
    let mut audio = match audio_in {
        Some((index, time_base, Ok(context))) => {
            context.decoder().audio().ok().and_then(|decoder| AudioPath::new(index, time_base, decoder).ok())
        }
        _ => None,
    };

    let mut graph = video_graph(&video_decoder, video_time_base, probe.rotation, targets)
        .map_err(|e| format!("the video filters could not be set up ({e})"))?;
    let sink_time_base = graph.get("out0").map(|mut sink| sink.sink().time_base()).unwrap_or(video_time_base);
    let mut renditions = targets
        .iter()
        .map(|target| Rendition::open(target.clone(), out_dir, sink_time_base, frame_rate, preset, audio.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;

    let mut decoded = Video::empty();
    let (mut frames, mut last_pts) = (0usize, None::<i64>);
    for (stream, packet) in input.packets() {
        deadline.check()?;
        if stream.index() == video_index {
            if video_decoder.send_packet(&packet).is_err() {
                continue; // a damaged packet: skip it as a player would
            }
            while video_decoder.receive_frame(&mut decoded).is_ok() {
                frames += 1;
                feed_video(&mut graph, &mut decoded, &mut last_pts, &mut renditions)?;
            }
        } else if let Some(audio) = audio.as_mut().filter(|a| a.index == stream.index()) {
            audio.decode(&packet, &mut renditions)?;
        }
    }
    let _ = video_decoder.send_eof();
    while video_decoder.receive_frame(&mut decoded).is_ok() {
        frames += 1;
        feed_video(&mut graph, &mut decoded, &mut last_pts, &mut renditions)?;
    }
    if frames == 0 {
        return Err("no picture could be decoded from the video; it is corrupt or truncated".into());
    }
    graph
        .get("in")
        .ok_or("video filter input missing")?
        .source()
        .flush()
        .map_err(|e| format!("video filters failed ({e})"))?;
    drain_graph(&mut graph, &mut renditions)?;
    if let Some(audio) = audio.as_mut() {
        audio.finish(&mut renditions)?;
    }
    let has_audio = audio.is_some();
    renditions.into_iter().map(|r| r.finish(has_audio)).collect()
}

fn decoder_context(stream: &format::stream::Stream) -> Result<codec::context::Context, String> {
    let mut context = codec::context::Context::from_parameters(stream.parameters())
        .map_err(|e| format!("its streams cannot be decoded ({e})"))?;
    // libavcodec decodes on one thread unless asked; the CLI asks for all cores.
    context.set_threading(threading::Config { kind: threading::Type::Frame, count: 0, ..Default::default() });
    Ok(context)
}

/// `[in] → upright → split → scale per rendition → [outN]`.
fn video_graph(
    decoder: &ffmpeg_next::decoder::Video,
    time_base: Rational,
    rotation: u32,
    targets: &[Target],
) -> Result<filter::Graph, ffmpeg_next::Error> {
    let mut graph = filter::Graph::new();
    let aspect = decoder.aspect_ratio();
    let aspect = if aspect.numerator() > 0 && aspect.denominator() > 0 { aspect } else { Rational(1, 1) };
    let args = format!(
        "video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}",
        decoder.width(),
        decoder.height(),
        ffmpeg_next::ffi::AVPixelFormat::from(decoder.format()) as i32,
        time_base.numerator(),
        time_base.denominator().max(1),
        aspect.numerator(),
        aspect.denominator()
    );
    graph.add(&filter::find("buffer").ok_or(ffmpeg_next::Error::FilterNotFound)?, "in", &args)?;
    let upright = match rotation {
        90 => "transpose=clock,",
        180 => "hflip,vflip,",
        270 => "transpose=cclock,",
        _ => "",
    };
    let mut spec = format!("[in]{upright}split={}", targets.len());
    for i in 0..targets.len() {
        spec.push_str(&format!("[s{i}]"));
    }
    for (i, target) in targets.iter().enumerate() {
        graph.add(&filter::find("buffersink").ok_or(ffmpeg_next::Error::FilterNotFound)?, &format!("out{i}"), "")?;
        spec.push_str(&format!(
            ";[s{i}]scale={}:{}:flags=bicubic,setsar=1,format=yuv420p[out{i}]",
            target.width, target.height
        ));
    }
    let mut parser = graph.output("in", 0)?;
    for i in 0..targets.len() {
        parser = parser.input(&format!("out{i}"), 0)?;
    }
    parser.parse(&spec)?;
    graph.validate()?;
    Ok(graph)
}

fn feed_video(
    graph: &mut filter::Graph,
    frame: &mut Video,
    last_pts: &mut Option<i64>,
    renditions: &mut [Rendition],
) -> Result<(), String> {
    // Variable frame rate: keep the source's own timestamps; invent one only where it has none.
    let pts = frame.timestamp().or_else(|| last_pts.map(|p| p + 1)).unwrap_or(0);
    if last_pts.is_some_and(|last| pts <= last) {
        return Ok(()); // a duplicate or out-of-order timestamp would be refused by the muxer
    }
    *last_pts = Some(pts);
    frame.set_pts(Some(pts));
    graph
        .get("in")
        .ok_or("video filter input missing")?
        .source()
        .add(frame)
        .map_err(|e| format!("video filters failed ({e})"))?;
    drain_graph(graph, renditions)
}

fn drain_graph(graph: &mut filter::Graph, renditions: &mut [Rendition]) -> Result<(), String> {
    let mut filtered = Video::empty();
    for (i, rendition) in renditions.iter_mut().enumerate() {
        let mut sink = graph.get(&format!("out{i}")).ok_or("video filter output missing")?;
        while sink.sink().frame(&mut filtered).is_ok() {
            rendition.video.send_frame(&filtered).map_err(|e| format!("H.264 encoding failed ({e})"))?;
            rendition.write_video_packets()?;
        }
    }
    Ok(())
}

impl Rendition {
    fn open(
        target: Target,
        out_dir: &Path,
        time_base: Rational,
        frame_rate: Rational,
        preset: &str,
        audio: Option<&AudioPath>,
    ) -> Result<Self, String> {
        let path = out_dir.join(format!("{}.mp4", target.label));
        let mut muxer =
            format::output_as(&path, "mp4").map_err(|e| format!("cannot create {} ({e})", path.display()))?;
        let global_header = muxer.format().flags().contains(format::Flags::GLOBAL_HEADER);
        let h264 = encoder::find_by_name("libx264").ok_or("this FFmpeg has no libx264 encoder")?;
        let mut video = codec::context::Context::new_with_codec(h264).encoder().video().map_err(|e| e.to_string())?;
        video.set_width(target.width);
        video.set_height(target.height);
        video.set_format(format::Pixel::YUV420P);
        video.set_time_base(time_base);
        if frame_rate.numerator() > 0 && frame_rate.denominator() > 0 {
            video.set_frame_rate(Some(frame_rate));
        }
        if global_header {
            video.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let mut options = Dictionary::new();
        options.set("preset", preset);
        options.set("crf", VIDEO_CRF);
        options.set("threads", "auto");
        let video = video.open_with(options).map_err(|e| format!("the H.264 encoder refused its settings ({e})"))?;
        let mut stream = muxer.add_stream(h264).map_err(|e| e.to_string())?;
        stream.set_parameters(&video);
        stream.set_time_base(time_base);
        let audio_stream = match audio {
            Some(audio) => {
                let mut stream = muxer.add_stream(audio.encoder.codec()).map_err(|e| e.to_string())?;
                stream.set_parameters(&audio.encoder);
                stream.set_time_base(Rational(1, AUDIO_RATE));
                Some(stream.index())
            }
            None => None,
        };
        let mut header_options = Dictionary::new();
        // faststart: the index goes before the media, so playback starts before the download ends.
        header_options.set("movflags", "+faststart");
        muxer.write_header_with(header_options).map_err(|e| format!("cannot write the MP4 header ({e})"))?;
        let frame_duration = if frame_rate.numerator() > 0 {
            (i64::from(time_base.denominator()) * i64::from(frame_rate.denominator()))
                / (i64::from(time_base.numerator().max(1)) * i64::from(frame_rate.numerator()))
        } else {
            0
        };
        Ok(Rendition {
            target,
            path,
            muxer,
            video,
            video_time_base: time_base,
            audio_stream,
            frame_duration: frame_duration.max(1),
        })
    }

    fn write_video_packets(&mut self) -> Result<(), String> {
        let mut packet = Packet::empty();
        while self.video.receive_packet(&mut packet).is_ok() {
            if packet.duration() <= 0 {
                packet.set_duration(self.frame_duration);
            }
            let stream_time_base = self.muxer.stream(0).map(|s| s.time_base()).unwrap_or(self.video_time_base);
            packet.set_stream(0);
            packet.rescale_ts(self.video_time_base, stream_time_base);
            packet.write_interleaved(&mut self.muxer).map_err(|e| format!("cannot write the MP4 ({e})"))?;
        }
        Ok(())
    }

    fn write_audio_packet(&mut self, packet: &Packet, encoder_time_base: Rational) -> Result<(), String> {
        let Some(index) = self.audio_stream else { return Ok(()) };
        let stream_time_base = self.muxer.stream(index).map(|s| s.time_base()).unwrap_or(encoder_time_base);
        let mut packet = packet.clone();
        packet.set_stream(index);
        packet.rescale_ts(encoder_time_base, stream_time_base);
        packet.write_interleaved(&mut self.muxer).map_err(|e| format!("cannot write the MP4 ({e})"))
    }

    fn finish(mut self, has_audio: bool) -> Result<Transcoded, String> {
        self.video.send_eof().map_err(|e| format!("H.264 encoding failed ({e})"))?;
        self.write_video_packets()?;
        self.muxer.write_trailer().map_err(|e| format!("cannot finish the MP4 ({e})"))?;
        Ok(Transcoded {
            label: self.target.label,
            path: self.path,
            width: self.target.width,
            height: self.target.height,
            has_audio,
        })
    }
}

/// The sound: decoded once, resampled to 48 kHz, encoded to AAC once; packets go to every rendition.
struct AudioPath {
    index: usize,
    decoder: ffmpeg_next::decoder::Audio,
    graph: filter::Graph,
    encoder: encoder::Audio,
}

impl AudioPath {
    fn new(
        index: usize,
        time_base: Rational,
        decoder: ffmpeg_next::decoder::Audio,
    ) -> Result<Self, ffmpeg_next::Error> {
        let aac = encoder::find(codec::Id::AAC).ok_or(ffmpeg_next::Error::EncoderNotFound)?;
        let layout = if decoder.channels() >= 2 { ChannelLayout::STEREO } else { ChannelLayout::MONO };
        let mut encoder = codec::context::Context::new_with_codec(aac).encoder().audio()?;
        encoder.set_rate(AUDIO_RATE);
        encoder.set_channel_layout(layout);
        encoder.set_channels(layout.channels());
        encoder.set_format(format::Sample::F32(format::sample::Type::Planar));
        encoder.set_bit_rate(if layout == ChannelLayout::STEREO { 128_000 } else { 64_000 });
        encoder.set_time_base(Rational(1, AUDIO_RATE));
        // Every MP4 wants its codec headers out of band.
        encoder.set_flags(codec::Flags::GLOBAL_HEADER);
        let encoder = encoder.open_as(aac)?;

        let mut graph = filter::Graph::new();
        let source_layout = if decoder.channel_layout().bits() != 0 {
            decoder.channel_layout()
        } else {
            ChannelLayout::default(i32::from(decoder.channels()))
        };
        let args = format!(
            "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
            time_base.numerator(),
            time_base.denominator().max(1),
            decoder.rate(),
            decoder.format().name(),
            source_layout.bits()
        );
        graph.add(&filter::find("abuffer").ok_or(ffmpeg_next::Error::FilterNotFound)?, "in", &args)?;
        graph.add(&filter::find("abuffersink").ok_or(ffmpeg_next::Error::FilterNotFound)?, "out", "")?;
        {
            let mut out = graph.get("out").ok_or(ffmpeg_next::Error::FilterNotFound)?;
            out.set_sample_format(encoder.format());
            out.set_channel_layout(layout);
            out.set_sample_rate(AUDIO_RATE as u32);
        }
        graph.output("in", 0)?.input("out", 0)?.parse("anull")?;
        graph.validate()?;
        // The AAC encoder takes fixed-size frames (1024 samples).
        graph.get("out").ok_or(ffmpeg_next::Error::FilterNotFound)?.sink().set_frame_size(encoder.frame_size());
        Ok(AudioPath { index, decoder, graph, encoder })
    }

    fn decode(&mut self, packet: &Packet, renditions: &mut [Rendition]) -> Result<(), String> {
        if self.decoder.send_packet(packet).is_err() {
            return Ok(()); // damaged audio is skipped, the picture matters more
        }
        self.pump(renditions)
    }

    fn pump(&mut self, renditions: &mut [Rendition]) -> Result<(), String> {
        let mut decoded = Audio::empty();
        while self.decoder.receive_frame(&mut decoded).is_ok() {
            let pts = decoded.timestamp();
            decoded.set_pts(pts);
            // Frames the graph refuses (a sudden layout change) are dropped rather than failing.
            if let Some(mut input) = self.graph.get("in") {
                let _ = input.source().add(&decoded);
            }
            self.encode_filtered(renditions)?;
        }
        Ok(())
    }

    fn encode_filtered(&mut self, renditions: &mut [Rendition]) -> Result<(), String> {
        let mut filtered = Audio::empty();
        while self.graph.get("out").is_some_and(|mut out| out.sink().frame(&mut filtered).is_ok()) {
            self.encoder.send_frame(&filtered).map_err(|e| format!("AAC encoding failed ({e})"))?;
            self.write_packets(renditions)?;
        }
        Ok(())
    }

    fn write_packets(&mut self, renditions: &mut [Rendition]) -> Result<(), String> {
        let mut packet = Packet::empty();
        while self.encoder.receive_packet(&mut packet).is_ok() {
            for rendition in renditions.iter_mut() {
                rendition.write_audio_packet(&packet, Rational(1, AUDIO_RATE))?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, renditions: &mut [Rendition]) -> Result<(), String> {
        let _ = self.decoder.send_eof();
        self.pump(renditions)?;
        if let Some(mut input) = self.graph.get("in") {
            let _ = input.source().flush();
        }
        self.encode_filtered(renditions)?;
        let _ = self.encoder.send_eof();
        self.write_packets(renditions)
    }
}
