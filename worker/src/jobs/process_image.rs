//! Image job: decode the original once, store a 320 px JPEG thumbnail, record it, finish the asset.

use apalis::prelude::{BoxDynError, Data};
use domain::{dto::DerivativeKind, jobs::ProcessAsset, storage, Services};

use crate::{imaging, status};

pub async fn process_image(job: ProcessAsset, services: Data<Services>) -> Result<(), BoxDynError> {
    let Some(asset) = status::claim(&services.db, job.asset_id).await? else {
        return Ok(());
    };
    let original = match services.storage.read(&asset.original_path).await {
        Ok(bytes) => bytes,
        Err(storage::StorageError::NotFound(_)) => {
            status::mark_failed(&services.db, asset.id, "the original file is missing from storage").await?;
            return Ok(());
        }
        // Transient (disk, network): let the job fail so it can be retried.
        Err(e) => return Err(e.into()),
    };

    let max_pixels = services.config.max_image_pixels;
    let made = tokio::task::spawn_blocking(move || imaging::make_thumbnail(&original, max_pixels, imaging::THUMBNAIL_SIZE)).await;
    let thumbnail = match made {
        Ok(Ok(thumbnail)) => thumbnail,
        Ok(Err(failure)) => {
            status::mark_failed(&services.db, asset.id, &capitalised(&failure.to_string())).await?;
            return Ok(());
        }
        Err(panic) => {
            tracing::error!(asset_id = %asset.id, error = %panic, "image decoder panicked");
            status::mark_failed(&services.db, asset.id, "the image could not be decoded (internal decoder error)").await?;
            return Ok(());
        }
    };

    let label = imaging::THUMBNAIL_SIZE.to_string();
    let key = storage::thumbnail_key(asset.id, &label, "jpg");
    services.storage.put(&key, &thumbnail.jpeg).await?;
    let derivative = status::NewDerivative {
        kind: DerivativeKind::Thumbnail,
        label: &label,
        path: &key,
        mime: "image/jpeg",
        width: thumbnail.width,
        height: thumbnail.height,
        size: thumbnail.jpeg.len(),
    };
    status::record_derivative(&services.db, asset.id, derivative).await?;
    status::mark_processed(&services.db, asset.id, thumbnail.source_width, thumbnail.source_height).await?;
    tracing::info!(asset_id = %asset.id, width = thumbnail.source_width, height = thumbnail.source_height, "image processed");
    Ok(())
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
