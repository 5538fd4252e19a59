//! HEIC (iPhone photos) and AVIF through Debian's libheif tools: the size is read first
//! (`heif-info`) so a pixel bomb is refused before decoding, then the primary image is decoded to
//! PNG (`heif-convert`, which applies the file's rotation and mirroring) for the normal image path.

use std::{path::Path, time::Duration};

use crate::{
    imaging::ImageFailure,
    tools::{self, ToolError},
};

const INFO_LIMIT: Duration = Duration::from_secs(30);
const DECODE_LIMIT: Duration = Duration::from_secs(120);

#[derive(Debug, thiserror::Error)]
pub enum HeifError {
    #[error(transparent)]
    Bad(#[from] ImageFailure),
    /// The tools are missing on this worker: not the file's fault.
    #[error(transparent)]
    Tool(ToolError),
}

fn judged(e: ToolError) -> HeifError {
    match e {
        ToolError::Failed { stderr, .. } => HeifError::Bad(ImageFailure::Corrupt(stderr)),
        ToolError::TimedOut { seconds, .. } => {
            HeifError::Bad(ImageFailure::Corrupt(format!("decoding took longer than {seconds} s")))
        }
        missing @ ToolError::Missing(_) => HeifError::Tool(missing),
    }
}

/// The primary image of a HEIF/AVIF file as PNG bytes.
pub async fn to_png(source: &Path, scratch: &Path, max_pixels: u64) -> Result<Vec<u8>, HeifError> {
    let info = tools::run("heif-info", [source], INFO_LIMIT).await.map_err(judged)?;
    let (width, height) = primary_size(&String::from_utf8_lossy(&info))
        .ok_or_else(|| HeifError::Bad(ImageFailure::Corrupt("it has no primary image".into())))?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ImageFailure::TooManyPixels { width, height, limit_megapixels: max_pixels / 1_000_000 }.into());
    }
    let out = scratch.join("primary.png");
    tools::run("heif-convert", [source, out.as_path()], DECODE_LIMIT).await.map_err(judged)?;
    // With several top-level images heif-convert numbers its outputs; the primary comes first.
    let numbered = scratch.join("primary-1.png");
    let written = if out.exists() { out } else { numbered };
    tokio::fs::read(&written).await.map_err(|e| HeifError::Bad(ImageFailure::Corrupt(e.to_string())))
}

/// `image: 4032x3024 (id=1), primary` → (4032, 3024).
fn primary_size(info: &str) -> Option<(u32, u32)> {
    let line = info.lines().find(|l| l.starts_with("image:") && l.contains("primary"))?;
    let size = line.trim_start_matches("image:").split_whitespace().next()?;
    let (w, h) = size.split_once('x')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_primary_image_size_is_read_from_heif_info() {
        let info =
            "MIME type: image/heic\nmain brand: heic\n\nimage: 4032x3024 (id=49), primary\n  thumbnail: 320x240\n";
        assert_eq!(super::primary_size(info), Some((4032, 3024)));
        assert_eq!(super::primary_size("MIME type: unknown\n"), None);
    }
}
