//! The staging area of resumable uploads: the bytes received so far of each unfinished upload,
//! where every server replica can reach them (the storage volume), until the upload completes and
//! its file becomes an original.
//!
//! The database's `uploads.received` is the truth about how many bytes count: a writer always
//! starts by cutting the staged file back to that length, so bytes of an interrupted request that
//! were never acknowledged cannot corrupt the upload.

use std::path::PathBuf;

use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt};
use tokio::{
    fs,
    io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt},
};
use uuid::Uuid;

use super::{local::io_err as io, LocalStorage, Storage, StorageError};

/// Appends to one staged upload.
pub struct StagedWriter {
    file: fs::File,
    key: String,
}

impl LocalStorage {
    fn staged_path(&self, upload: Uuid) -> PathBuf {
        self.root().join(".uploads").join(upload.to_string())
    }
}

impl Storage {
    /// Opens the staged bytes of `upload` for appending at `offset` (what the database counts).
    pub async fn staged_writer(&self, upload: Uuid, offset: u64) -> Result<StagedWriter, StorageError> {
        let Storage::Local(local) = self;
        let path = local.staged_path(upload);
        let key = format!(".uploads/{upload}");
        fs::create_dir_all(path.parent().expect("staging has a parent")).await.map_err(io(&key))?;
        let mut file = fs::OpenOptions::new().create(true).write(true).truncate(false).open(&path).await.map_err(io(&key))?;
        file.set_len(offset).await.map_err(io(&key))?;
        file.seek(std::io::SeekFrom::Start(offset)).await.map_err(io(&key))?;
        Ok(StagedWriter { file, key })
    }

    /// The first `len` staged bytes of `upload` (fewer if fewer are there).
    pub async fn staged_head(&self, upload: Uuid, len: usize) -> Result<Vec<u8>, StorageError> {
        let Storage::Local(local) = self;
        let key = format!(".uploads/{upload}");
        let file = fs::File::open(local.staged_path(upload)).await.map_err(io(&key))?;
        let mut head = Vec::with_capacity(len);
        file.take(len as u64).read_to_end(&mut head).await.map_err(io(&key))?;
        Ok(head)
    }

    /// The first `len` staged bytes as a stream (to hash a prefix again after a restart).
    pub async fn staged_stream(&self, upload: Uuid, len: u64) -> Result<BoxStream<'static, std::io::Result<Bytes>>, StorageError> {
        let Storage::Local(local) = self;
        let key = format!(".uploads/{upload}");
        let file = fs::File::open(local.staged_path(upload)).await.map_err(io(&key))?;
        Ok(tokio_util::io::ReaderStream::with_capacity(file.take(len), 1 << 20).boxed())
    }

    /// Makes the complete staged file the object `key` (a rename on the same volume).
    pub async fn promote_staged(&self, upload: Uuid, key: &str) -> Result<(), StorageError> {
        let Storage::Local(local) = self;
        let target = local.existing_parent_of(key).await?;
        fs::rename(local.staged_path(upload), &target).await.map_err(io(key))
    }

    pub async fn delete_staged(&self, upload: Uuid) -> Result<(), StorageError> {
        let Storage::Local(local) = self;
        match fs::remove_file(local.staged_path(upload)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(".uploads")(e)),
            _ => Ok(()),
        }
    }
}

impl StagedWriter {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StorageError> {
        self.file.write_all(chunk).await.map_err(io(&self.key))
    }

    /// Makes what was written durable before the database counts it.
    pub async fn finish(mut self) -> Result<(), StorageError> {
        self.file.flush().await.map_err(io(&self.key))?;
        self.file.sync_data().await.map_err(io(&self.key))
    }
}
