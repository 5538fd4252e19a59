//! Object storage for originals and derivatives. Keys look like `originals/<id>.jpg`,
//! `thumbnails/<id>/320.jpg`, `transcodes/<id>/720p.mp4`.
//!
//! Writes go through an [`ObjectWriter`] that only makes the object visible on `commit`, so a
//! failed or abandoned upload never leaves a half-written object behind.

mod local;
mod local_file;
mod s3;
mod signed;
mod staging;

pub use local::{LocalStorage, LocalWriter};
pub use local_file::LocalFile;
pub use s3::{S3Storage, S3Writer, PART_SIZE};
pub use signed::{content_disposition, SignatureError, UrlSigner};
pub use staging::StagedWriter;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("object {0} not found")]
    NotFound(String),
    #[error("invalid object key {0:?}")]
    InvalidKey(String),
    #[error("i/o error on {key}: {source}")]
    Io { key: String, source: std::io::Error },
    #[error("object store error on {key:?}: {message}")]
    Backend { key: String, message: String },
}

/// The configured backend. An enum rather than a trait object: the set of backends is closed and
/// async methods stay simple.
#[derive(Clone, Debug)]
pub enum Storage {
    Local(LocalStorage),
    S3(S3Storage),
}

pub enum ObjectWriter {
    Local(LocalWriter),
    S3(S3Writer),
}

impl Storage {
    /// The backend the configuration names: S3 when STORAGE_BACKEND=s3, else STORAGE_DIR.
    pub async fn open(config: &crate::config::Config) -> Result<Self, StorageError> {
        Ok(match &config.s3 {
            Some(s3) => Storage::S3(S3Storage::connect(s3, &config.storage_dir).await?),
            None => Storage::Local(LocalStorage::open_root(&config.storage_dir).await?),
        })
    }

    /// Whether the backend answers: the storage directory is there (with its scratch space), or a
    /// one-key listing of the bucket succeeds. For readiness probes; reads no object.
    pub async fn check(&self) -> Result<(), StorageError> {
        match self {
            Storage::Local(local) => local.check().await,
            Storage::S3(s3) => s3.check().await,
        }
    }

    /// The largest object the backend can take (S3: 10 000 parts of PART_SIZE).
    pub fn max_object_bytes(&self) -> u64 {
        match self {
            Storage::Local(_) => u64::MAX,
            Storage::S3(_) => 10_000 * PART_SIZE as u64,
        }
    }

    pub async fn begin_write(&self, key: &str) -> Result<ObjectWriter, StorageError> {
        match self {
            Storage::Local(s) => s.begin_write(key).await.map(ObjectWriter::Local),
            Storage::S3(s) => s.begin_write(key).map(ObjectWriter::S3),
        }
    }

    pub async fn put(&self, key: &str, data: &[u8]) -> Result<(), StorageError> {
        let mut writer = self.begin_write(key).await?;
        writer.write(data).await?;
        writer.commit().await
    }

    /// Stores a file made on this machine (a transcode) without holding it in memory.
    pub async fn put_file(&self, key: &str, path: &std::path::Path) -> Result<(), StorageError> {
        use tokio::io::AsyncReadExt;
        let mut file =
            tokio::fs::File::open(path).await.map_err(|source| StorageError::Io { key: key.to_owned(), source })?;
        let mut writer = self.begin_write(key).await?;
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            let read =
                file.read(&mut buffer).await.map_err(|source| StorageError::Io { key: key.to_owned(), source })?;
            if read == 0 {
                break;
            }
            writer.write(&buffer[..read]).await?;
        }
        writer.commit().await
    }

    pub async fn read(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        match self {
            Storage::Local(s) => s.read(key).await,
            Storage::S3(s) => s.read(key).await,
        }
    }

    /// The object's bytes as they arrive, without holding it in memory (ZIP downloads).
    pub async fn read_stream(
        &self,
        key: &str,
    ) -> Result<futures::stream::BoxStream<'static, Result<bytes::Bytes, StorageError>>, StorageError> {
        use futures::StreamExt;
        match self {
            Storage::Local(s) => {
                let path = s.existing_path(key).await?;
                let owned = key.to_owned();
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|source| StorageError::Io { key: owned.clone(), source })?;
                Ok(tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024)
                    .map(move |chunk| chunk.map_err(|source| StorageError::Io { key: owned.clone(), source }))
                    .boxed())
            }
            Storage::S3(s) => s.read_stream(key).await,
        }
    }

    /// A file on this machine holding the object, for tools that read files (FFmpeg, pdftoppm):
    /// the object itself on local storage, a scratch copy (deleted with the handle) on S3.
    pub async fn local_file(&self, key: &str) -> Result<LocalFile, StorageError> {
        match self {
            Storage::Local(s) => s.existing_path(key).await.map(LocalFile::kept),
            Storage::S3(s) => s.local_copy(key).await,
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self {
            Storage::Local(s) => s.delete(key).await,
            Storage::S3(s) => s.delete(key).await,
        }
    }

    /// A short-lived link to the object: HMAC-signed `/files/…` on local storage (served by the
    /// app), a presigned URL on S3 (served by the store itself).
    /// A short-lived link to `key`; with `download_as`, one that saves the object under that name
    /// — its extension made to match the object's (see `file_names::download_name`).
    pub async fn download_url(
        &self,
        signer: &UrlSigner,
        key: &str,
        download_as: Option<&str>,
    ) -> Result<String, StorageError> {
        let saved = download_as.map(|name| crate::file_names::download_name(name, key));
        let download_as = saved.as_deref();
        match self {
            Storage::Local(_) => Ok(signer.url(key, download_as, chrono::Utc::now().timestamp())),
            Storage::S3(s) => s.presigned_get(key, download_as, signer.ttl_seconds()).await,
        }
    }
}

impl ObjectWriter {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StorageError> {
        match self {
            ObjectWriter::Local(w) => w.write(chunk).await,
            ObjectWriter::S3(w) => w.write(chunk).await,
        }
    }

    /// Makes the object visible under its key, atomically.
    pub async fn commit(self) -> Result<(), StorageError> {
        match self {
            ObjectWriter::Local(w) => w.commit().await,
            ObjectWriter::S3(w) => w.commit().await,
        }
    }

    /// Throws the partial object away. Dropping an uncommitted writer does the same.
    pub async fn abort(self) {
        match self {
            ObjectWriter::Local(w) => w.abort().await,
            ObjectWriter::S3(w) => w.abort().await,
        }
    }
}

/// Keys are made by the application, but are checked anyway so no key can escape the storage root.
pub(crate) fn validate_key(key: &str) -> Result<(), StorageError> {
    let ok = !key.is_empty()
        && !key.starts_with('/')
        && key.split('/').all(|part| !part.is_empty() && part != "." && part != ".." && !part.starts_with(".tmp"))
        && !key.contains('\\')
        && !key.contains('\0');
    if ok {
        Ok(())
    } else {
        Err(StorageError::InvalidKey(key.to_owned()))
    }
}

pub fn original_key(asset_id: uuid::Uuid, extension: &str) -> String {
    format!("originals/{asset_id}.{extension}")
}

pub fn transcode_key(asset_id: uuid::Uuid, label: &str) -> String {
    format!("transcodes/{asset_id}/{label}.mp4")
}

pub fn thumbnail_key(asset_id: uuid::Uuid, label: &str, extension: &str) -> String {
    format!("thumbnails/{asset_id}/{label}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::validate_key;

    #[test]
    fn keys_cannot_escape_the_root() {
        for bad in ["", "/etc/passwd", "../x", "originals/../../x", "a//b", "a/./b", "a\\b", ".tmp/x"] {
            assert!(validate_key(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(validate_key("originals/0190.jpg").is_ok());
    }
}
