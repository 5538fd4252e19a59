//! Video job: probe the file, make its poster frame and thumbnails, then the playable 1080p/720p
//! renditions (H.264 + AAC, MP4 faststart) from one decode.

use apalis::prelude::{BoxDynError, Data};
use domain::{
    dto::DerivativeKind,
    pipeline::{
        state::{self, NewDerivative},
        ProcessAsset,
    },
    storage,
};

use crate::{
    imaging,
    runner::{self, Done, JobError},
    video, JobContext,
};

pub async fn process_video(job: ProcessAsset, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    let ctx: &JobContext = &ctx;
    runner::run(ctx, domain::pipeline::QueueName::Video, job, |asset| async move {
        let services = &ctx.services;
        let path = services.storage.local_file(&asset.original_path).await?;
        let (max_pixels, preset) = (services.config.max_image_pixels, services.config.video_preset.clone());
        let scratch =
            tempfile::tempdir().map_err(|e| JobError::Transient(format!("no scratch space for the transcode: {e}")))?;
        let out_dir = scratch.path().to_owned();
        let (poster, probe, transcoded) = tokio::task::spawn_blocking(move || -> Result<_, String> {
            let (poster, probe) = video::poster_frame(&path)?;
            if u64::from(probe.coded_width) * u64::from(probe.coded_height) > max_pixels {
                return Err(format!(
                    "its pictures are {}×{} pixels, more than this server accepts",
                    probe.coded_width, probe.coded_height
                ));
            }
            let targets = video::renditions_for(probe.width, probe.height);
            let deadline = video::Deadline::after(video::time_limit(probe.duration_ms));
            let transcoded = video::transcode(&path, &probe, &targets, &out_dir, &preset, deadline)?;
            Ok((poster, probe, transcoded))
        })
        .await
        .map_err(|panic| {
            JobError::Permanent(format!("The video could not be decoded (internal decoder error: {panic})"))
        })?
        .map_err(|reason| JobError::Permanent(runner::sentence(&reason)))?;

        let renditions = imaging::renditions_of(&poster).map_err(|e| JobError::Permanent(e.to_string()))?;
        super::store_renditions(services, &asset, "poster", DerivativeKind::Poster, &renditions).await?;
        for made in &transcoded {
            let key = storage::transcode_key(asset.id, &made.label);
            services.storage.put_file(&key, &made.path).await?;
            let size = tokio::fs::metadata(&made.path).await.map(|m| m.len() as usize).unwrap_or(0);
            let derivative = NewDerivative {
                kind: DerivativeKind::Transcode,
                label: &made.label,
                path: &key,
                mime: "video/mp4",
                width: made.width,
                height: made.height,
                size,
                metadata: serde_json::json!({ "video_codec": "h264", "audio_codec": made.has_audio.then_some("aac") }),
            };
            state::record_derivative(&services.in_workspace(asset.workspace_id), asset.id, derivative).await?;
        }
        drop(scratch);
        let mut extra = serde_json::Map::new();
        extra.insert("video".into(), serde_json::to_value(&probe).unwrap_or_default());
        Ok(Done {
            width: Some(probe.width),
            height: Some(probe.height),
            duration_ms: probe.duration_ms,
            colours: super::colours_of(&renditions),
            extra,
            ..Default::default()
        })
    })
    .await
}
