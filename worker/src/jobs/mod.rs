//! One module per job kind, and what they share.

pub mod process_document;
pub mod process_image;
pub mod process_video;

use domain::{
    dto::DerivativeKind,
    entities::asset,
    pipeline::state::{self, NewDerivative},
    storage, Services,
};

use crate::{
    imaging::{self, Format, Rendition, THUMBNAIL_2X_SIZE, THUMBNAIL_SIZE},
    runner::JobError,
};

/// Named dominant colours, read from the JPEG thumbnail among `renditions`.
pub fn colours_of(renditions: &[Rendition]) -> Vec<String> {
    renditions
        .iter()
        .find(|r| r.longest_side == THUMBNAIL_SIZE && r.format == Format::Jpeg)
        .map(|r| imaging::dominant_colours_of_jpeg(&r.bytes))
        .unwrap_or_default()
}

/// Stores each rendition under `thumbnails/<asset>/<stem>-<size>.<ext>` and records it: the
/// thumbnail sizes as thumbnails (the double labelled `jpg-640` / `webp-640`), the largest as
/// `large_kind` (preview, or a video's poster). The files are stored first, then recorded together
/// in one transaction of the asset's workspace (one connection, not one per rendition).
pub async fn store_renditions(
    services: &Services,
    asset: &asset::Model,
    stem: &str,
    large_kind: DerivativeKind,
    renditions: &[Rendition],
) -> Result<(), JobError> {
    let mut stored = Vec::with_capacity(renditions.len());
    for rendition in renditions {
        let (kind, label) = match rendition.longest_side {
            THUMBNAIL_SIZE => (DerivativeKind::Thumbnail, rendition.format.extension().to_owned()),
            THUMBNAIL_2X_SIZE => {
                (DerivativeKind::Thumbnail, format!("{}-{THUMBNAIL_2X_SIZE}", rendition.format.extension()))
            }
            _ => (large_kind, rendition.format.extension().to_owned()),
        };
        let name = if stem.is_empty() {
            rendition.longest_side.to_string()
        } else {
            format!("{stem}-{}", rendition.longest_side)
        };
        let key = storage::thumbnail_key(asset.id, &name, rendition.format.extension());
        services.storage.put(&key, &rendition.bytes).await?;
        stored.push((rendition, kind, label, key));
    }
    let txn = services.in_workspace(asset.workspace_id).begin().await.map_err(domain::Error::from)?;
    for (rendition, kind, label, key) in &stored {
        let derivative = NewDerivative {
            kind: *kind,
            label,
            path: key,
            mime: rendition.format.mime(),
            width: rendition.width,
            height: rendition.height,
            size: rendition.bytes.len(),
            metadata: serde_json::json!({}),
        };
        state::record_derivative(&txn, asset.id, derivative).await?;
    }
    txn.commit().await.map_err(domain::Error::from)?;
    Ok(())
}
