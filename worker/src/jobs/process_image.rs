//! Image job: decode the original once, store its derivatives, record them.

use apalis::prelude::{BoxDynError, Data};
use domain::{dto::DerivativeKind, pipeline::{state, ProcessAsset}, storage};

use crate::{
    imaging,
    runner::{self, Done, JobError},
    JobContext,
};

pub async fn process_image(job: ProcessAsset, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    let ctx: &JobContext = &ctx;
    runner::run(ctx, job, |asset| async move {
        let services = &ctx.services;
        let original = services.storage.read(&asset.original_path).await?;
        let max_pixels = services.config.max_image_pixels;
        let made = tokio::task::spawn_blocking(move || imaging::make_thumbnail(&original, max_pixels, imaging::THUMBNAIL_SIZE))
            .await
            .map_err(|panic| JobError::Permanent(format!("The image could not be decoded (internal decoder error: {panic})")))?
            .map_err(|failure| JobError::Permanent(capitalised(&failure.to_string())))?;

        let label = imaging::THUMBNAIL_SIZE.to_string();
        let key = storage::thumbnail_key(asset.id, &label, "jpg");
        services.storage.put(&key, &made.jpeg).await?;
        let derivative = state::NewDerivative {
            kind: DerivativeKind::Thumbnail,
            label: &label,
            path: &key,
            mime: "image/jpeg",
            width: made.width,
            height: made.height,
            size: made.jpeg.len(),
            metadata: serde_json::json!({}),
        };
        state::record_derivative(&services.db, asset.id, derivative).await?;
        Ok(Done { width: Some(made.source_width), height: Some(made.source_height), metadata: serde_json::json!({}) })
    })
    .await
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
