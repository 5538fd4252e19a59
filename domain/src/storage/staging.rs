//! The staging area of resumable uploads: the bytes received so far of each unfinished upload,
//! where every server replica can reach them, until the upload completes and becomes an original.
//!
//! - Local storage: one file per upload under `<root>/.uploads/`, renamed into place at the end.
//! - S3: a multipart upload under the original's final key, fed [`PART_SIZE`] parts; the bytes
//!   after the last whole part (the unaligned tail) live in the upload's row, since S3 parts must
//!   be ≥ 5 MiB and every replica can read the database. The last part may be short.
//!
//! The database row is the truth about how many bytes count: a writer starts from what it says
//! (the local file is cut back to `received`; S3 parts are numbered from the recorded ones, so a
//! part sent by a request that then failed is simply sent again under the same number).

use std::path::PathBuf;

use tokio::{
    fs,
    io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt},
};
use uuid::Uuid;

use super::{local::io_err as io, s3::s3_err, LocalStorage, S3Storage, Storage, StorageError, PART_SIZE};
use crate::entities::upload;

/// Appends to one staged upload.
pub enum StagedWriter {
    Local { file: fs::File, key: String },
    S3(S3Staged),
}

pub struct S3Staged {
    storage: S3Storage,
    key: Option<String>,
    multipart_id: Option<String>,
    parts: Vec<String>,
    /// The tail so far, flushed as a part whenever it reaches PART_SIZE.
    buffer: Vec<u8>,
}

/// What the row must record after a request (S3 only; local files speak for themselves).
#[derive(Default)]
pub struct StagedProgress {
    pub multipart_id: Option<String>,
    pub parts: Vec<String>,
    pub tail: Option<Vec<u8>>,
}

impl LocalStorage {
    fn staged_path(&self, upload: Uuid) -> PathBuf {
        self.root().join(".uploads").join(upload.to_string())
    }
}

fn staged_key(upload: Uuid) -> String {
    format!(".uploads/{upload}")
}

impl Storage {
    /// Opens the staged bytes of `upload` for appending at `upload.received`.
    pub async fn staged_writer(&self, upload: &upload::Model) -> Result<StagedWriter, StorageError> {
        match self {
            Storage::Local(local) => {
                let (path, key) = (local.staged_path(upload.id), staged_key(upload.id));
                fs::create_dir_all(path.parent().expect("staging has a parent")).await.map_err(io(&key))?;
                let mut file = fs::OpenOptions::new()
                    .create(true)
                    .write(true)
                    .truncate(false)
                    .open(&path)
                    .await
                    .map_err(io(&key))?;
                let offset = upload.received as u64;
                file.set_len(offset).await.map_err(io(&key))?;
                file.seek(std::io::SeekFrom::Start(offset)).await.map_err(io(&key))?;
                Ok(StagedWriter::Local { file, key })
            }
            Storage::S3(s3) => Ok(StagedWriter::S3(S3Staged {
                storage: s3.clone(),
                key: upload.original_key(),
                multipart_id: upload.multipart_id.clone(),
                parts: upload.parts.clone(),
                buffer: upload.tail.clone().unwrap_or_default(),
            })),
        }
    }

    /// The first `len` staged bytes of `upload` (fewer if fewer are there), to judge its type.
    pub async fn staged_head(&self, upload: &upload::Model, len: usize) -> Result<Vec<u8>, StorageError> {
        match self {
            Storage::Local(local) => {
                let key = staged_key(upload.id);
                let file = fs::File::open(local.staged_path(upload.id)).await.map_err(io(&key))?;
                let mut head = Vec::with_capacity(len);
                file.take(len as u64).read_to_end(&mut head).await.map_err(io(&key))?;
                Ok(head)
            }
            // The type is judged before the first part goes out, so the head is in the tail.
            Storage::S3(_) => Ok(upload.tail.as_deref().unwrap_or_default().iter().take(len).copied().collect()),
        }
    }

    /// Makes the complete staged upload the object at its original key.
    pub async fn promote_staged(&self, upload: &upload::Model) -> Result<String, StorageError> {
        let key = upload
            .original_key()
            .ok_or_else(|| StorageError::InvalidKey(format!("upload {} has no type yet", upload.id)))?;
        match self {
            Storage::Local(local) => {
                let target = local.existing_parent_of(&key).await?;
                fs::rename(local.staged_path(upload.id), &target).await.map_err(io(&key))?;
            }
            Storage::S3(s3) => {
                let tail = upload.tail.as_deref().unwrap_or_default();
                super::s3::finish(s3.bucket(), &key, upload.multipart_id.as_deref(), &upload.parts, tail).await?;
            }
        }
        Ok(key)
    }

    /// Throws an unfinished upload's bytes away.
    pub async fn delete_staged(&self, upload: &upload::Model) -> Result<(), StorageError> {
        match self {
            Storage::Local(local) => match fs::remove_file(local.staged_path(upload.id)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(".uploads")(e)),
                _ => Ok(()),
            },
            Storage::S3(s3) if upload.direct => s3.delete(&crate::uploads::direct::incoming_key(upload.id)).await,
            Storage::S3(s3) => match (&upload.multipart_id, upload.original_key()) {
                (Some(multipart_id), Some(key)) => match s3.bucket().abort_upload(&key, multipart_id).await {
                    Ok(()) | Err(::s3::error::S3Error::HttpFailWithBody(404, _)) => Ok(()),
                    Err(e) => Err(s3_err(&key)(e)),
                },
                _ => Ok(()),
            },
        }
    }
}

impl StagedWriter {
    /// Where the bytes go once the type is known (S3 starts its multipart upload there).
    pub fn set_key(&mut self, key: String) {
        if let StagedWriter::S3(s3) = self {
            s3.key = Some(key);
        }
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StorageError> {
        match self {
            StagedWriter::Local { file, key } => file.write_all(chunk).await.map_err(io(key)),
            StagedWriter::S3(s3) => {
                s3.buffer.extend_from_slice(chunk);
                while s3.buffer.len() >= PART_SIZE {
                    let rest = s3.buffer.split_off(PART_SIZE);
                    let part = std::mem::replace(&mut s3.buffer, rest);
                    s3.send_part(part).await?;
                }
                Ok(())
            }
        }
    }

    /// Makes what was written durable before the database counts it; returns what the row keeps.
    pub async fn finish(self) -> Result<StagedProgress, StorageError> {
        match self {
            StagedWriter::Local { mut file, key } => {
                file.flush().await.map_err(io(&key))?;
                file.sync_data().await.map_err(io(&key))?;
                Ok(StagedProgress::default())
            }
            StagedWriter::S3(s3) => {
                Ok(StagedProgress { multipart_id: s3.multipart_id, parts: s3.parts, tail: Some(s3.buffer) })
            }
        }
    }
}

impl StagedWriter {
    /// Drops a request's bytes that will not be counted: a multipart upload this request started
    /// (the row does not know it) is aborted; parts sent under a recorded one are resent later.
    pub async fn abandon(self, upload: &upload::Model) {
        if let StagedWriter::S3(S3Staged { storage, key: Some(key), multipart_id: Some(started), .. }) = self {
            if upload.multipart_id.as_ref() != Some(&started) {
                let _ = storage.bucket().abort_upload(&key, &started).await;
            }
        }
    }
}

impl S3Staged {
    async fn send_part(&mut self, part: Vec<u8>) -> Result<(), StorageError> {
        let Some(key) = self.key.as_deref() else {
            return Err(StorageError::InvalidKey("an upload's part before its type is known".into()));
        };
        super::s3::send_part(self.storage.bucket(), key, &mut self.multipart_id, &mut self.parts, part).await
    }
}
