//! Image job: decode the original once, store thumbnail and preview (WebP + JPEG), record them
//! with the photo's metadata.

use apalis::prelude::{BoxDynError, Data};
use domain::{
    dto::DerivativeKind,
    pipeline::{state, ProcessAsset},
    storage,
};

use crate::{
    imaging::{self, THUMBNAIL_SIZE},
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

        for rendition in &made.renditions {
            let kind = if rendition.longest_side == THUMBNAIL_SIZE { DerivativeKind::Thumbnail } else { DerivativeKind::Preview };
            let key = storage::thumbnail_key(asset.id, &rendition.longest_side.to_string(), rendition.format.extension());
            services.storage.put(&key, &rendition.bytes).await?;
            let derivative = state::NewDerivative {
                kind,
                label: rendition.format.extension(),
                path: &key,
                mime: rendition.format.mime(),
                width: rendition.width,
                height: rendition.height,
                size: rendition.bytes.len(),
                metadata: serde_json::json!({}),
            };
            state::record_derivative(&services.db, asset.id, derivative).await?;
        }
        Ok(Done { width: Some(made.source_width), height: Some(made.source_height), photo, extra: Default::default() })
    })
    .await
}
