//! Direct uploads for S3 storage: the browser sends the file straight to the object store with a
//! presigned PUT link, then asks the API to confirm it. The app server never carries the bytes on
//! the way in; on confirmation it reads the object once — to judge its type from the content, to
//! compute its SHA-256 (a client's word is not a checksum) — and writes it to its original's key
//! with the right content type. Then it is an asset like any other (or the existing one, if the
//! library already has this content).

use futures::StreamExt;
use sea_orm::EntityTrait;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{insert, owned, settle, NewUpload};
use crate::{
    audit::Actor,
    entities::{asset, upload},
    error::{Error, Result},
    ingest,
    pipeline::Priority,
    services::Services,
    sniff::{self, SNIFF_LEN},
    storage::{self, S3Storage, Storage},
};

/// One PUT can carry at most 5 GiB (S3's limit); larger files go through tus.
pub const MAX_PUT_BYTES: u64 = 5 << 30;
/// How long the upload link can be used to start the PUT.
const LINK_TTL_SECONDS: u32 = 3600;

pub struct DirectUpload {
    pub upload: upload::Model,
    /// Where to PUT the file's bytes (exactly `length` of them).
    pub put_url: String,
}

/// Where the browser's PUT lands, until the confirmation moves it to its original's key.
pub fn incoming_key(upload: Uuid) -> String {
    format!("incoming/{upload}")
}

fn s3(services: &Services) -> Result<&S3Storage> {
    match &services.storage {
        Storage::S3(s3) => Ok(s3),
        Storage::Local(_) => {
            Err(Error::BadRequest("direct uploads need S3 storage; upload through /api/uploads (tus) instead".into()))
        }
    }
}

pub async fn start(services: &Services, actor: &Actor, new: NewUpload) -> Result<DirectUpload> {
    let s3 = s3(services)?;
    let upload = insert(services, actor, new, true).await?;
    let put_url = s3.presigned_put(&incoming_key(upload.id), LINK_TTL_SECONDS).await?;
    Ok(DirectUpload { upload, put_url })
}

/// Checks what arrived and makes it an asset, or answers with the asset that already has its
/// content (nothing more is stored). Asking again after success returns the same asset.
pub async fn confirm(services: &Services, actor: &Actor, id: Uuid) -> Result<ingest::Ingested> {
    let s3 = s3(services)?;
    let upload = owned(services, actor, id).await?;
    if !upload.direct {
        return Err(Error::Conflict("this upload is resumable (tus); send its bytes with PATCH".into()));
    }
    if let Some(done) = upload.asset_id {
        let asset = asset::Entity::find_by_id(done)
            .one(&services.workspace_db(actor)?)
            .await?
            .ok_or(Error::NotFound("asset"))?;
        // The same answer as the first time: an asset older than this upload already had the content.
        return Ok(if asset.created_at < upload.created_at {
            ingest::Ingested::Existing(asset)
        } else {
            ingest::Ingested::New(asset)
        });
    }
    let incoming = incoming_key(id);
    let size = match s3.size_of(&incoming).await {
        Err(storage::StorageError::NotFound(_)) => {
            return Err(Error::Conflict("nothing has arrived yet: PUT the file to its upload link first".into()))
        }
        other => other?,
    };
    if size != upload.length as u64 {
        s3.delete(&incoming).await?;
        return Err(Error::BadRequest(format!(
            "{} bytes arrived but the upload announced {}; send the file again",
            size, upload.length
        )));
    }
    let head = s3.read_range(&incoming, 0, size.min(SNIFF_LEN as u64) - 1).await?;
    let detected = match sniff::detect(&head, &upload.filename) {
        Ok(detected) => detected,
        Err(why) => {
            super::discard(services, actor, &upload).await?;
            return Err(Error::UnsupportedType { filename: upload.filename, why });
        }
    };

    let original_id = Uuid::now_v7();
    let key = storage::original_key(original_id, detected.extension);
    let checksum = copy_hashing(s3, &incoming, &key).await?;
    s3.delete(&incoming).await?;
    let ingested = match ingest::same_content(services, actor, &checksum).await? {
        Some(existing) => {
            s3.delete(&key).await?;
            ingest::Ingested::Existing(existing)
        }
        None => {
            let priority =
                if upload.priority == Priority::Bulk as i16 { Priority::Bulk } else { Priority::Interactive };
            let stored = ingest::StoredOriginal {
                id: original_id,
                key,
                filename: upload.filename.clone(),
                kind: detected.kind,
                mime: detected.mime.to_owned(),
                size,
                checksum,
            };
            ingest::Ingested::New(ingest::record(services, actor, priority, stored).await?)
        }
    };
    settle(services, actor, &upload, ingested.asset()).await?;
    Ok(ingested)
}

/// Streams `from` into `to` (one pass, memory one part), returning the SHA-256 of the bytes.
async fn copy_hashing(s3: &S3Storage, from: &str, to: &str) -> Result<String> {
    let mut source = s3.read_stream(from).await?;
    let mut writer = s3.begin_write(to)?;
    let mut hasher = Sha256::new();
    while let Some(chunk) = source.next().await {
        let chunk = chunk?;
        hasher.update(&chunk);
        writer.write(&chunk).await?;
    }
    writer.commit().await?;
    Ok(hex::encode(hasher.finalize()))
}
