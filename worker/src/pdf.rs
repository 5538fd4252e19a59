//! PDFs through Debian's poppler tools: the page count and document facts (`pdfinfo`) and the
//! first page as a picture (`pdftoppm`), each under a time limit.

use std::{path::Path, time::Duration};

use serde::Serialize;

use crate::tools::{self, ToolError};

const INFO_LIMIT: Duration = Duration::from_secs(30);
const RENDER_LIMIT: Duration = Duration::from_secs(90);

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PdfInfo {
    pub pages: u32,
    pub title: Option<String>,
    pub author: Option<String>,
    /// As poppler says it, e.g. `595.276 x 841.89 pts (A4)`.
    pub page_size: Option<String>,
}

/// Why a PDF could not be read: the file's fault (`Bad`) or the worker's (`Tool`).
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("{0}")]
    Bad(String),
    #[error(transparent)]
    Tool(ToolError),
}

impl From<ToolError> for PdfError {
    fn from(e: ToolError) -> Self {
        match e {
            ToolError::Failed { stderr, .. } if stderr.contains("Incorrect password") => {
                PdfError::Bad("the PDF is password-protected".into())
            }
            ToolError::Failed { stderr, .. } => PdfError::Bad(format!("the PDF is damaged or not a PDF ({stderr})")),
            ToolError::TimedOut { seconds, .. } => {
                PdfError::Bad(format!("the PDF took longer than {seconds} s to read; it is too complex or hostile"))
            }
            missing @ ToolError::Missing(_) => PdfError::Tool(missing),
        }
    }
}

pub async fn info(pdf: &Path) -> Result<PdfInfo, PdfError> {
    let out =
        tools::run("pdfinfo", [Path::new("-enc").as_os_str(), "UTF-8".as_ref(), pdf.as_os_str()], INFO_LIMIT).await?;
    let info = parse_info(&String::from_utf8_lossy(&out));
    if info.pages == 0 {
        return Err(PdfError::Bad("the PDF has no pages".into()));
    }
    Ok(info)
}

/// The first page as a PNG whose longest side is `longest_side` pixels.
pub async fn first_page_png(pdf: &Path, scratch: &Path, longest_side: u32) -> Result<Vec<u8>, PdfError> {
    let prefix = scratch.join("page");
    let size = longest_side.to_string();
    let args = [
        "-f".as_ref(),
        "1".as_ref(),
        "-l".as_ref(),
        "1".as_ref(),
        "-singlefile".as_ref(),
        "-png".as_ref(),
        "-scale-to".as_ref(),
        size.as_ref(),
        pdf.as_os_str(),
        prefix.as_os_str(),
    ];
    tools::run("pdftoppm", args, RENDER_LIMIT).await?;
    tokio::fs::read(prefix.with_extension("png"))
        .await
        .map_err(|e| PdfError::Bad(format!("the first page could not be drawn ({e})")))
}

fn parse_info(text: &str) -> PdfInfo {
    let mut info = PdfInfo::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        let value_if_any = (!value.is_empty()).then(|| value.to_owned());
        match key {
            "Pages" => info.pages = value.parse().unwrap_or(0),
            "Title" => info.title = value_if_any,
            "Author" => info.author = value_if_any,
            "Page size" => info.page_size = value_if_any,
            _ => {}
        }
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_pdfinfo_prints() {
        let info = parse_info("Title:           Spring catalogue\nAuthor:          \nPages:           12\nPage size:       595.276 x 841.89 pts (A4)\n");
        assert_eq!(
            info,
            PdfInfo {
                pages: 12,
                title: Some("Spring catalogue".into()),
                author: None,
                page_size: Some("595.276 x 841.89 pts (A4)".into())
            }
        );
    }
}
