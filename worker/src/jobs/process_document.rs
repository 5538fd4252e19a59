//! Document job: a PDF gets its page count and a thumbnail and preview of its first page; other
//! documents (office files, archives, audio, fonts, text) are listed with a type icon and need no
//! derivative.

use apalis::prelude::{BoxDynError, Data};
use domain::{dto::DerivativeKind, pipeline::ProcessAsset};

use crate::{
    imaging::{self, PREVIEW_SIZE},
    pdf::{self, PdfError},
    runner::{self, Done, JobError},
    JobContext,
};

pub async fn process_document(job: ProcessAsset, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    let ctx: &JobContext = &ctx;
    runner::run(ctx, domain::pipeline::QueueName::Document, job, |asset| async move {
        let services = &ctx.services;
        let mut extra = serde_json::Map::new();
        if asset.mime != "application/pdf" {
            return Ok(Done::default());
        }
        let path = services.storage.local_file(&asset.original_path).await?;
        let info = pdf::info(&path).await.map_err(job_error)?;
        let scratch =
            tempfile::tempdir().map_err(|e| JobError::Transient(format!("no scratch space to draw the page: {e}")))?;
        let page = pdf::first_page_png(&path, scratch.path(), PREVIEW_SIZE).await.map_err(job_error)?;
        let max_pixels = services.config.max_image_pixels;
        let made = tokio::task::spawn_blocking(move || imaging::make_derivatives(&page, max_pixels))
            .await
            .map_err(|panic| {
                JobError::Permanent(format!("The first page could not be drawn (internal error: {panic})"))
            })?
            .map_err(|failure| JobError::Permanent(runner::sentence(&failure.to_string())))?;
        super::store_renditions(services, &asset, "", DerivativeKind::Preview, &made.renditions).await?;
        extra.insert("document".into(), serde_json::to_value(&info).unwrap_or_default());
        Ok(Done { extra, ..Default::default() })
    })
    .await
}

fn job_error(e: PdfError) -> JobError {
    match e {
        PdfError::Bad(reason) => JobError::Permanent(runner::sentence(&reason)),
        PdfError::Tool(missing) => JobError::Transient(missing.to_string()),
    }
}
