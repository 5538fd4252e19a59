//! Video job. Transcoding (ffmpeg-next) is not built yet; until it is, a video is stored, listed
//! and downloadable, and marked failed with a reason that says so plainly instead of waiting
//! forever. `dam reprocess --failed` picks them up once transcoding exists.

use apalis::prelude::{BoxDynError, Data};
use domain::pipeline::ProcessAsset;

use crate::{
    runner::{self, JobError},
    JobContext,
};

pub const NOT_YET_SUPPORTED: &str =
    "Video processing (transcodes, poster frame) is not available in this version yet; the original is stored and downloadable";

pub async fn process_video(job: ProcessAsset, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    runner::run(&ctx, job, |_| async { Err(JobError::Permanent(NOT_YET_SUPPORTED.into())) }).await
}
