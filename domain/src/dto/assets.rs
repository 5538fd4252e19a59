//! Assets and their derivatives as the API shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where an asset is in its life: stored, being processed, ready, or failed with a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "server", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "server", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    #[cfg_attr(feature = "server", sea_orm(string_value = "uploaded"))]
    Uploaded,
    #[cfg_attr(feature = "server", sea_orm(string_value = "processing"))]
    Processing,
    #[cfg_attr(feature = "server", sea_orm(string_value = "processed"))]
    Processed,
    #[cfg_attr(feature = "server", sea_orm(string_value = "failed"))]
    Failed,
}

impl AssetStatus {
    /// A finished asset will not change without a new action; the gallery stops polling for it.
    pub fn is_settled(self) -> bool {
        matches!(self, AssetStatus::Processed | AssetStatus::Failed)
    }

    pub fn label(self) -> &'static str {
        match self {
            AssetStatus::Uploaded => "uploaded",
            AssetStatus::Processing => "processing",
            AssetStatus::Processed => "processed",
            AssetStatus::Failed => "failed",
        }
    }
}

/// The family of an asset, decided from its content when it is uploaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "server", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "server", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    #[cfg_attr(feature = "server", sea_orm(string_value = "image"))]
    Image,
    #[cfg_attr(feature = "server", sea_orm(string_value = "video"))]
    Video,
    /// PDFs, office files, archives, audio, fonts, text: stored and listed; PDFs get a thumbnail.
    #[cfg_attr(feature = "server", sea_orm(string_value = "document"))]
    Document,
}

impl AssetKind {
    pub fn label(self) -> &'static str {
        match self {
            AssetKind::Image => "image",
            AssetKind::Video => "video",
            AssetKind::Document => "document",
        }
    }
}

/// A file's format in a few capitals (PDF, DOCX, ZIP): its own extension, else the MIME subtype.
pub fn format_label(mime: &str, filename: &str) -> String {
    let from_name = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()));
    from_name.unwrap_or_else(|| mime.rsplit('/').next().unwrap_or("file")).to_ascii_uppercase()
}

/// What a derivative is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "server", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "server", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum DerivativeKind {
    #[cfg_attr(feature = "server", sea_orm(string_value = "thumbnail"))]
    Thumbnail,
    #[cfg_attr(feature = "server", sea_orm(string_value = "preview"))]
    Preview,
    #[cfg_attr(feature = "server", sea_orm(string_value = "transcode"))]
    Transcode,
    #[cfg_attr(feature = "server", sea_orm(string_value = "poster"))]
    Poster,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DerivativeView {
    pub kind: DerivativeKind,
    pub label: String,
    pub mime: String,
    pub width: i32,
    pub height: i32,
    pub size: i64,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AssetView {
    pub id: Uuid,
    pub filename: String,
    pub kind: AssetKind,
    pub mime: String,
    pub size: i64,
    /// SHA-256 of the original, lowercase hex.
    pub checksum: String,
    pub status: AssetStatus,
    /// Why processing failed, in words meant for the person who uploaded the file.
    pub failure_reason: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub uploaded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub thumbnail_url: Option<String>,
    pub original_url: String,
    pub derivatives: Vec<DerivativeView>,
    pub taken_at: Option<DateTime<Utc>>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    /// Everything else known about the file (EXIF details under `photo`).
    pub metadata: serde_json::Value,
    pub title: String,
    pub description: String,
    pub tags: Vec<TagView>,
    pub duration_ms: Option<i64>,
    /// Set while the asset is in the trash.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Who moved it to the trash (their e-mail), in the trash's list.
    #[serde(default)]
    pub deleted_by: Option<String>,
    /// Which file version the original is (1 until a new file replaces it).
    #[serde(default = "first_version")]
    pub version: i32,
}

fn first_version() -> i32 {
    1
}

impl AssetView {
    /// What to call it: the title people gave it, else the file name.
    pub fn display_name(&self) -> &str {
        if self.title.is_empty() {
            &self.filename
        } else {
            &self.title
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct TagView {
    pub name: String,
    /// Added by processing rather than a person.
    pub auto: bool,
}

/// What a photo says about itself: EXIF (camera, time, place, exposure) and the descriptive
/// IPTC/XMP fields photographers and agencies fill in, where present.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct PhotoMetadata {
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub lens: Option<String>,
    /// When the picture was taken (the camera's clock, read as UTC when it gives no offset).
    pub taken_at: Option<DateTime<Utc>>,
    /// Latitude and longitude in decimal degrees.
    pub gps: Option<(f64, f64)>,
    /// EXIF orientation 1–8 as stored; derivatives are already upright.
    pub orientation: Option<u32>,
    pub exposure_time: Option<String>,
    pub f_number: Option<String>,
    pub iso: Option<u32>,
    pub focal_length: Option<String>,
    /// IPTC keywords and XMP `dc:subject`, in file order, without duplicates.
    #[serde(default)]
    pub keywords: Vec<String>,
    pub title: Option<String>,
    /// Caption / description.
    pub caption: Option<String>,
    pub creator: Option<String>,
    pub copyright: Option<String>,
}

/// Why a file of an upload was not stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    UnsupportedType,
    Empty,
    TooLarge,
    Interrupted,
}

/// A file of an upload request that was not stored, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct RejectedFile {
    pub filename: String,
    pub reason: RejectReason,
    pub error: String,
}

/// The result of one upload request carrying one or more files: each file is judged on its own.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct UploadReport {
    /// New assets, queued for processing.
    pub accepted: Vec<AssetView>,
    pub rejected: Vec<RejectedFile>,
    /// Files whose content the library already has: nothing new was stored; each names the
    /// asset that has it, as it is now.
    #[serde(default)]
    pub duplicates: Vec<DuplicateFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DuplicateFile {
    /// The name it was uploaded under.
    pub filename: String,
    pub existing: AssetView,
    /// "“IMG_1.jpg” is already in the library as “Harbour.jpg”".
    pub message: String,
}

/// What people are told when an upload's content is already in the library.
pub fn already_in_library(uploaded: &str, existing: &str) -> String {
    format!("“{uploaded}” is already in the library as “{existing}”")
}

/// Asks for a direct upload (S3 storage): the file goes to `put_url`, then to `confirm_url`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct NewDirectUpload {
    pub filename: String,
    /// Exactly the number of bytes that will be PUT.
    pub size: u64,
    #[serde(default)]
    pub bulk: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct DirectUploadTicket {
    pub id: uuid::Uuid,
    /// A presigned link: `PUT` the file's bytes there, nothing else.
    pub put_url: String,
    /// `POST` here once the PUT succeeded; the answer is the asset.
    pub confirm_url: String,
}

pub const DEFAULT_PAGE_SIZE: u64 = 48;
pub const MAX_PAGE_SIZE: u64 = 200;

#[cfg(test)]
mod tests {
    use super::format_label;

    #[test]
    fn the_format_label_is_the_extension_or_the_subtype() {
        assert_eq!(format_label("application/pdf", "Brochure 2026.pdf"), "PDF");
        assert_eq!(format_label("application/zip", "assets"), "ZIP");
        assert_eq!(format_label("text/csv", "weird.name.with spaces"), "CSV");
    }
}

/// One file version of an asset: the current original or an earlier one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct FileVersionView {
    pub version: i32,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub checksum: String,
    pub uploaded_by: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    pub current: bool,
    pub download_url: String,
}
