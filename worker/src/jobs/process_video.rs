//! Video job. Transcoding (ffmpeg-next) arrives with the processing-pipeline issue; until then a
//! video is stored and listed, and marked failed with a reason that says so plainly, instead of
//! waiting forever.

use apalis::prelude::{BoxDynError, Data};
use domain::{jobs::ProcessAsset, Services};

use crate::status;

pub const NOT_YET_SUPPORTED: &str =
    "Video processing (transcodes, poster frame) is not available in this version yet; the original is stored and downloadable";

pub async fn process_video(job: ProcessAsset, services: Data<Services>) -> Result<(), BoxDynError> {
    if let Some(asset) = status::claim(&services.db, job.asset_id).await? {
        status::mark_failed(&services.db, asset.id, NOT_YET_SUPPORTED).await?;
    }
    Ok(())
}
