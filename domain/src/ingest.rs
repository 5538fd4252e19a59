//! Taking in one uploaded file: decide its type from its first bytes, stream it to storage while
//! hashing, record it, and queue its processing. Memory use is one chunk plus the sniffing head,
//! whatever the file's size.

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, Target},
    catalog,
    dto::{AssetKind, AssetStatus, DuplicateFile, RejectedFile, UploadReport},
    entities::asset,
    error::{Error, Result},
    links::Links,
    pipeline::{Priority, BULK_UPLOAD_THRESHOLD},
    services::Services,
    sniff::{self, SNIFF_LEN},
    storage::{self, ObjectWriter},
};

/// What became of an uploaded file.
pub enum Ingested {
    New(asset::Model),
    /// The library already had this content, in this asset; nothing was stored.
    Existing(asset::Model),
}

impl Ingested {
    /// The asset that holds the file's content, new or not.
    pub fn asset(&self) -> &asset::Model {
        match self {
            Ingested::New(asset) | Ingested::Existing(asset) => asset,
        }
    }

    pub fn is_duplicate(&self) -> bool {
        matches!(self, Ingested::Existing(_))
    }
}

/// Stores one file and queues it, or returns the asset that already has its content. On any error
/// nothing is left behind: no object, no row.
pub async fn ingest_file<S, E>(
    services: &Services,
    uploader: &Actor,
    priority: Priority,
    filename: &str,
    body: S,
) -> Result<Ingested>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let stored = store_original(services, filename, body).await?;
    if let Some(existing) = same_content(services, uploader, &stored.checksum).await? {
        services.storage.delete(&stored.key).await?;
        tracing::info!(asset_id = %existing.id, "upload has the content of an existing asset");
        return Ok(Ingested::Existing(existing));
    }
    let fits =
        crate::workspaces::quota::check(&services.workspace_db(uploader)?, &stored.filename, stored.size, 1).await;
    if let Err(refused) = fits {
        services.storage.delete(&stored.key).await?;
        return Err(refused);
    }
    record(services, uploader, priority, stored).await.map(Ingested::New)
}

/// Judges the file's type from its first bytes, then streams it to a new original's key while
/// hashing it. On any error nothing is left in storage.
pub async fn store_original<S, E>(services: &Services, filename: &str, body: S) -> Result<StoredOriginal>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let filename = crate::file_names::display_name(filename);
    let mut body = body;
    let interrupted = |e: E| Error::UploadInterrupted { filename: filename.clone(), reason: e.to_string() };

    // Gather enough of the start of the file to recognise it before storing anything.
    let mut head = BytesMut::new();
    while head.len() < SNIFF_LEN {
        match body.next().await {
            Some(chunk) => head.extend_from_slice(&chunk.map_err(interrupted)?),
            None => break,
        }
    }
    if head.is_empty() {
        return Err(Error::EmptyFile { filename });
    }
    let detected =
        sniff::detect(&head, &filename).map_err(|why| Error::UnsupportedType { filename: filename.clone(), why })?;

    let id = Uuid::now_v7();
    let key = storage::original_key(id, detected.extension);
    let limit = services.max_upload_bytes();
    let mut writer = services.storage.begin_write(&key).await?;
    let copied = copy_hashing(&mut writer, head.freeze(), &mut body, limit).await;
    let (size, checksum) = match copied {
        Ok(done) => done,
        Err(failure) => {
            writer.abort().await;
            return Err(match failure {
                CopyFailure::TooLarge => Error::TooLarge { filename, limit_bytes: limit },
                CopyFailure::Body(reason) => Error::UploadInterrupted { filename, reason },
                CopyFailure::Storage(e) => e.into(),
            });
        }
    };
    writer.commit().await?;
    Ok(StoredOriginal { id, key, filename, kind: detected.kind, mime: detected.mime.to_owned(), size, checksum })
}

/// The asset of the uploader's workspace that already has this content (by SHA-256), if any:
/// uploading it again returns that asset and processes nothing. Another workspace's files are
/// never found (an upload must not learn what others hold).
pub async fn same_content(services: &Services, uploader: &Actor, checksum: &str) -> Result<Option<asset::Model>> {
    let db = services.workspace_db(uploader)?;
    Ok(asset::Entity::find()
        .filter(asset::Column::WorkspaceId.eq(db.workspace()))
        .filter(asset::Column::Checksum.eq(checksum))
        .one(&db)
        .await?)
}

/// An original now in storage, about to become an asset.
pub struct StoredOriginal {
    pub id: Uuid,
    pub key: String,
    pub filename: String,
    pub kind: AssetKind,
    pub mime: String,
    pub size: u64,
    pub checksum: String,
}

/// Records a stored original as an `uploaded` asset (which puts it in the processing backlog) and
/// audits the upload. If the row cannot be written the object is deleted: no orphans.
pub async fn record(
    services: &Services,
    uploader: &Actor,
    priority: Priority,
    stored: StoredOriginal,
) -> Result<asset::Model> {
    let db = services.workspace_db(uploader)?;
    let now = chrono::Utc::now();
    let key = stored.key.clone();
    let row = asset::ActiveModel {
        id: Set(stored.id),
        workspace_id: Set(db.workspace()),
        original_path: Set(stored.key),
        original_filename: Set(stored.filename),
        status: Set(AssetStatus::Uploaded),
        failure_reason: Set(None),
        kind: Set(stored.kind),
        mime: Set(stored.mime),
        size: Set(stored.size as i64),
        checksum: Set(stored.checksum),
        uploaded_by: Set(uploader.user_id),
        width: Set(None),
        height: Set(None),
        metadata: Set(serde_json::json!({})),
        created_at: Set(now),
        updated_at: Set(now),
        priority: Set(priority as i16),
        attempts: Set(0),
        available_at: Set(now),
        dispatched_at: Set(None),
        processing_by: Set(None),
        processing_started_at: Set(None),
        processed_at: Set(None),
        taken_at: Set(None),
        camera_make: Set(None),
        camera_model: Set(None),
        title: Set(String::new()),
        description: Set(String::new()),
        duration_ms: Set(None),
        deleted_at: Set(None),
        deleted_by: Set(None),
        tags: Set(Vec::new()),
        version: Set(1),
        request_id: Set(crate::telemetry::request_id()),
        interrupted_claims: Set(0),
    };
    let asset = match row.insert(&db).await {
        Ok(asset) => asset,
        Err(e) => {
            // Without its row the object would be an orphan nobody can see.
            let _ = services.storage.delete(&key).await;
            return Err(e.into());
        }
    };
    tracing::info!(asset_id = %asset.id, mime = %asset.mime, size = asset.size, "stored upload");
    let details = serde_json::json!({ "filename": asset.original_filename, "mime": asset.mime, "size": asset.size });
    audit::record(&db, uploader, "asset.upload", Some(Target::asset(asset.id)), details).await?;

    // Stored as `uploaded`, the asset is now in the durable backlog; the worker's feeder takes it
    // from there in priority order (see `pipeline`). Nothing else to do on the upload path.
    Ok(asset)
}

/// Ingests every file part of a multipart upload (the JSON API and the web form's server function
/// both arrive here). Each file is judged on its own: refused files are reported, accepted ones
/// stay stored. Only a failure of the service itself (database, storage) aborts the request.
/// `bulk` marks a large import, processed after interactive uploads; a request carrying more than
/// [`BULK_UPLOAD_THRESHOLD`] files becomes bulk from that file on.
pub async fn ingest_multipart(
    services: &Services,
    links: &dyn Links,
    uploader: &Actor,
    bulk: bool,
    mut form: multer::Multipart<'static>,
) -> Result<UploadReport> {
    let mut report = UploadReport::default();
    let mut files = 0usize;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(Error::BadRequest(format!("malformed multipart body: {e}"))),
        };
        // Parts without a file name are ordinary form fields, not files.
        let Some(filename) = field.file_name().map(crate::file_names::display_name) else { continue };
        files += 1;
        let priority = if bulk || files > BULK_UPLOAD_THRESHOLD { Priority::Bulk } else { Priority::Interactive };
        match ingest_file(services, uploader, priority, &filename, field).await {
            Ok(Ingested::New(asset)) => report.accepted.push(catalog::to_view(links, asset, Vec::new())),
            Ok(Ingested::Existing(asset)) => {
                let existing =
                    catalog::with_derivatives(&services.workspace_db(uploader)?, links, vec![asset]).await?.remove(0);
                let message = crate::dto::already_in_library(&filename, &existing.filename);
                report.duplicates.push(DuplicateFile { filename, existing, message });
            }
            Err(e) => match e.rejection() {
                Some(reason) => report.rejected.push(RejectedFile { filename, reason, error: e.to_string() }),
                None => return Err(e),
            },
        }
    }
    if files == 0 {
        return Err(Error::BadRequest("the request contained no files".into()));
    }
    Ok(report)
}

enum CopyFailure {
    TooLarge,
    Body(String),
    Storage(crate::storage::StorageError),
}

async fn copy_hashing<S, E>(
    writer: &mut ObjectWriter,
    head: Bytes,
    body: &mut S,
    limit: u64,
) -> Result<(u64, String), CopyFailure>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut next = Some(head);
    loop {
        let Some(chunk) = next.take() else { break };
        size += chunk.len() as u64;
        if size > limit {
            return Err(CopyFailure::TooLarge);
        }
        hasher.update(&chunk);
        writer.write(&chunk).await.map_err(CopyFailure::Storage)?;
        next = match body.next().await {
            Some(Ok(chunk)) => Some(chunk),
            Some(Err(e)) => return Err(CopyFailure::Body(e.to_string())),
            None => None,
        };
    }
    Ok((size, hex::encode(hasher.finalize())))
}
