//! Image job: decode the original once, store thumbnail and preview (WebP + JPEG), record them
//! with the photo's metadata. HEIC/AVIF are decoded by libheif first.

use apalis::prelude::{BoxDynError, Data};
use domain::{dto::DerivativeKind, entities::asset, pipeline::ProcessAsset, Services};

use crate::{
    heif::{self, HeifError},
    imaging, metadata,
    runner::{self, Done, JobError},
    JobContext,
};

pub async fn process_image(job: ProcessAsset, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    let ctx: &JobContext = &ctx;
    runner::run(ctx, domain::pipeline::QueueName::Image, job, |asset| async move {
        let services = &ctx.services;
        let cap = services.config.max_image_file_bytes;
        if asset.size.max(0) as u64 > cap {
            return Err(JobError::Permanent(format!(
                "The image file is {}, more than the {} this server makes previews of",
                domain::sizes::human_size(asset.size.max(0) as u64),
                domain::sizes::human_size(cap)
            )));
        }
        let original = services.storage.read(&asset.original_path).await?;
        let max_pixels = services.config.max_image_pixels;
        // HEIC/AVIF pixels come from libheif's PNG; everything else is decoded from the original.
        let converted = if is_heif(&asset.mime) { Some(heif_as_png(services, &asset).await?) } else { None };
        let (made, photo) = tokio::task::spawn_blocking(move || {
            (
                imaging::make_derivatives(converted.as_deref().unwrap_or(&original), max_pixels),
                metadata::read_photo(&original),
            )
        })
        .await
        .map_err(|panic| {
            JobError::Permanent(format!("The image could not be decoded (internal decoder error: {panic})"))
        })?;
        let made = made.map_err(|failure| JobError::Permanent(runner::sentence(&failure.to_string())))?;

        super::store_renditions(services, &asset, "", DerivativeKind::Preview, &made.renditions).await?;
        let colours = super::colours_of(&made.renditions);
        Ok(Done {
            width: Some(made.source_width),
            height: Some(made.source_height),
            photo,
            colours,
            ..Default::default()
        })
    })
    .await
}

fn is_heif(mime: &str) -> bool {
    matches!(mime, "image/heif" | "image/heic" | "image/avif")
}

async fn heif_as_png(services: &Services, asset: &asset::Model) -> Result<Vec<u8>, JobError> {
    let path = services.storage.local_file(&asset.original_path).await?;
    let scratch =
        tempfile::tempdir().map_err(|e| JobError::Transient(format!("no scratch space to decode the image: {e}")))?;
    heif::to_png(&path, scratch.path(), services.config.max_image_pixels).await.map_err(|e| match e {
        HeifError::Bad(failure) => JobError::Permanent(runner::sentence(&failure.to_string())),
        HeifError::Tool(missing) => JobError::Transient(missing.to_string()),
    })
}
