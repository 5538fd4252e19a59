//! Video job: probe the file and make its poster frame and thumbnail.
//!
//! Not built yet: the 1080p/720p H.264 renditions (see the closing note of the pipeline issue).

use apalis::prelude::{BoxDynError, Data};
use domain::{dto::DerivativeKind, pipeline::ProcessAsset};

use crate::{
    imaging,
    runner::{self, Done, JobError},
    video, JobContext,
};

pub async fn process_video(job: ProcessAsset, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    let ctx: &JobContext = &ctx;
    runner::run(ctx, job, |asset| async move {
        let services = &ctx.services;
        let path = services.storage.local_path(&asset.original_path).await?;
        let (poster, probe) = tokio::task::spawn_blocking(move || video::poster_frame(&path))
            .await
            .map_err(|panic| JobError::Permanent(format!("The video could not be decoded (internal decoder error: {panic})")))?
            .map_err(|reason| JobError::Permanent(runner::sentence(&reason)))?;
        let renditions = imaging::renditions_of(&poster).map_err(|e| JobError::Permanent(e.to_string()))?;
        super::store_renditions(services, asset.id, "poster", DerivativeKind::Poster, &renditions).await?;
        let mut extra = serde_json::Map::new();
        extra.insert("video".into(), serde_json::to_value(&probe).unwrap_or_default());
        Ok(Done { width: Some(probe.width), height: Some(probe.height), photo: None, extra })
    })
    .await
}
