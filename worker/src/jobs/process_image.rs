//! Image job: decode the original once, store thumbnail and preview (WebP + JPEG), record them
//! with the photo's metadata.

use apalis::prelude::{BoxDynError, Data};
use domain::{dto::DerivativeKind, pipeline::ProcessAsset};

use crate::{
    imaging,
    metadata,
    runner::{self, Done, JobError},
    JobContext,
};

pub async fn process_image(job: ProcessAsset, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    let ctx: &JobContext = &ctx;
    runner::run(ctx, job, |asset| async move {
        let services = &ctx.services;
        let original = services.storage.read(&asset.original_path).await?;
        let max_pixels = services.config.max_image_pixels;
        let (made, photo) = tokio::task::spawn_blocking(move || (imaging::make_derivatives(&original, max_pixels), metadata::read_photo(&original)))
            .await
            .map_err(|panic| JobError::Permanent(format!("The image could not be decoded (internal decoder error: {panic})")))?;
        let made = made.map_err(|failure| JobError::Permanent(runner::sentence(&failure.to_string())))?;

        super::store_renditions(services, asset.id, "", DerivativeKind::Preview, &made.renditions).await?;
        Ok(Done { width: Some(made.source_width), height: Some(made.source_height), photo, extra: Default::default() })
    })
    .await
}
