//! S3-compatible backend (AWS, MinIO, Ceph, R2, …) through `rust-s3`.
//!
//! Objects only become visible when a PUT or a multipart upload completes, so a writer that is
//! dropped half-way leaves no object behind (its parts are aborted). Objects up to one part are
//! sent with one PUT; larger ones as a multipart upload of [`PART_SIZE`] parts, so memory stays at
//! one part whatever the file's size.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use ::s3::{creds::Credentials, error::S3Error, serde_types::Part, Bucket, Region};
use tokio::io::AsyncWriteExt;

use super::{validate_key, LocalFile, StorageError};
use crate::config::S3Config;

/// Part size of multipart uploads: S3 wants ≥ 5 MiB for every part but the last, and at most
/// 10 000 parts (80 GB at this size — far above MAX_UPLOAD_BYTES' default).
pub const PART_SIZE: usize = 8 << 20;

#[derive(Clone, Debug)]
pub struct S3Storage {
    bucket: Box<Bucket>,
    /// The same bucket addressed as browsers reach it; presigned links are signed for this host.
    public: Box<Bucket>,
    /// Where scratch copies for file-reading tools go.
    scratch: PathBuf,
}

pub(super) fn s3_err(key: &str) -> impl FnOnce(S3Error) -> StorageError + '_ {
    move |error| match error {
        S3Error::HttpFailWithBody(404, _) => StorageError::NotFound(key.to_owned()),
        other => StorageError::Backend { key: key.to_owned(), message: other.to_string() },
    }
}

fn bucket_at(config: &S3Config, endpoint: Option<&str>) -> Result<Box<Bucket>, StorageError> {
    let fail = |e: &dyn std::fmt::Display| StorageError::Backend {
        key: String::new(),
        message: format!("S3 bucket {}: {e}", config.bucket),
    };
    let region = match endpoint {
        Some(endpoint) => {
            Region::Custom { region: config.region.clone(), endpoint: endpoint.trim_end_matches('/').to_owned() }
        }
        None => config.region.parse().map_err(|e| fail(&e))?,
    };
    let credentials =
        Credentials::new(Some(&config.access_key), Some(&config.secret_key), None, None, None).map_err(|e| fail(&e))?;
    let bucket = Bucket::new(&config.bucket, region, credentials).map_err(|e| fail(&e))?;
    Ok(if config.path_style { bucket.with_path_style() } else { bucket })
}

impl S3Storage {
    /// Connects to the bucket, creating it when it does not exist yet.
    pub async fn connect(config: &S3Config, scratch: &Path) -> Result<Self, StorageError> {
        let bucket = bucket_at(config, config.endpoint.as_deref())?;
        let public = bucket_at(config, config.public_endpoint.as_deref().or(config.endpoint.as_deref()))?;
        // A one-key listing says whether the bucket is there (and that the keys work) without
        // needing the account-wide ListBuckets permission.
        let missing = match bucket.list_page(String::new(), None, None, None, Some(1)).await {
            Ok(_) => false,
            Err(S3Error::HttpFailWithBody(404, _)) => true,
            Err(e) => return Err(s3_err("")(e)),
        };
        if missing {
            let (name, region, credentials) =
                (bucket.name(), bucket.region(), bucket.credentials().await.map_err(s3_err(""))?);
            let settings = ::s3::BucketConfiguration::default();
            if config.path_style {
                Bucket::create_with_path_style(&name, region, credentials, settings).await
            } else {
                Bucket::create(&name, region, credentials, settings).await
            }
            .map_err(s3_err(""))?;
            tracing::info!(bucket = %config.bucket, "created the S3 bucket");
        }
        let scratch = scratch.join(".tmp");
        tokio::fs::create_dir_all(&scratch).await.map_err(super::local::io_err(".tmp"))?;
        Ok(S3Storage { bucket, public, scratch })
    }

    pub(super) async fn check(&self) -> Result<(), StorageError> {
        self.bucket.list_page(String::new(), None, None, None, Some(1)).await.map(|_| ()).map_err(s3_err(""))
    }

    pub(super) fn bucket(&self) -> &Bucket {
        &self.bucket
    }

    pub fn begin_write(&self, key: &str) -> Result<S3Writer, StorageError> {
        validate_key(key)?;
        Ok(S3Writer {
            bucket: self.bucket.clone(),
            key: key.to_owned(),
            buffer: Vec::new(),
            multipart_id: None,
            etags: Vec::new(),
        })
    }

    pub async fn read(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        validate_key(key)?;
        Ok(self.bucket.get_object(key).await.map_err(s3_err(key))?.to_vec())
    }

    /// Downloads the object to a scratch file that is deleted when the returned handle drops.
    pub async fn local_copy(&self, key: &str) -> Result<LocalFile, StorageError> {
        validate_key(key)?;
        let extension = Path::new(key).extension().and_then(|e| e.to_str()).unwrap_or("bin");
        let copy = LocalFile::temporary(self.scratch.join(format!("{}.{extension}", uuid::Uuid::new_v4())));
        let mut file = tokio::fs::File::create(copy.as_ref()).await.map_err(super::local::io_err(key))?;
        self.bucket.get_object_to_writer(key, &mut file).await.map_err(s3_err(key))?;
        file.flush().await.map_err(super::local::io_err(key))?;
        Ok(copy)
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        validate_key(key)?;
        match self.bucket.delete_object(key).await {
            Ok(_) | Err(S3Error::HttpFailWithBody(404, _)) => Ok(()),
            Err(e) => Err(s3_err(key)(e)),
        }
    }

    /// A presigned GET link; `download_as` asks the store to answer with `Content-Disposition:
    /// attachment` under that name.
    pub async fn presigned_get(
        &self,
        key: &str,
        download_as: Option<&str>,
        ttl_seconds: u32,
    ) -> Result<String, StorageError> {
        validate_key(key)?;
        let queries = download_as
            .map(|name| HashMap::from([("response-content-disposition".to_owned(), super::content_disposition(name))]));
        self.public.presign_get(key, ttl_seconds, queries).await.map_err(s3_err(key))
    }

    /// A presigned PUT link for a browser to send a file straight to the store.
    pub async fn presigned_put(&self, key: &str, ttl_seconds: u32) -> Result<String, StorageError> {
        validate_key(key)?;
        self.public.presign_put(key, ttl_seconds, None, None).await.map_err(s3_err(key))
    }

    /// The object's size, if it exists.
    pub async fn size_of(&self, key: &str) -> Result<u64, StorageError> {
        validate_key(key)?;
        let (head, status) = self.bucket.head_object(key).await.map_err(s3_err(key))?;
        match (status, head.content_length) {
            (200, Some(length)) => Ok(length.max(0) as u64),
            (404, _) => Err(StorageError::NotFound(key.to_owned())),
            (status, _) => {
                Err(StorageError::Backend { key: key.to_owned(), message: format!("HEAD answered {status}") })
            }
        }
    }

    /// The object's bytes as they arrive.
    pub async fn read_stream(
        &self,
        key: &str,
    ) -> Result<futures::stream::BoxStream<'static, Result<bytes::Bytes, StorageError>>, StorageError> {
        use futures::StreamExt;
        validate_key(key)?;
        let response = self.bucket.get_object_stream(key).await.map_err(s3_err(key))?;
        let key = key.to_owned();
        Ok(response.bytes.map(move |chunk| chunk.map_err(|e| s3_err(&key)(e))).boxed())
    }

    /// Bytes `start..=end_inclusive` of the object.
    pub async fn read_range(&self, key: &str, start: u64, end_inclusive: u64) -> Result<Vec<u8>, StorageError> {
        validate_key(key)?;
        Ok(self.bucket.get_object_range(key, start, Some(end_inclusive)).await.map_err(s3_err(key))?.to_vec())
    }
}

pub(super) fn content_type_of(key: &str) -> String {
    mime_guess::from_path(key).first_or_octet_stream().essence_str().to_owned()
}

/// Sends part number `etags.len() + 1` of `key`, starting the multipart upload with the first
/// part, and records its ETag. Shared by object writers and resumable-upload staging.
pub(super) async fn send_part(
    bucket: &Bucket,
    key: &str,
    multipart_id: &mut Option<String>,
    etags: &mut Vec<String>,
    part: Vec<u8>,
) -> Result<(), StorageError> {
    let content_type = content_type_of(key);
    let id = match multipart_id {
        Some(id) => id.clone(),
        None => {
            let started = bucket.initiate_multipart_upload(key, &content_type).await.map_err(s3_err(key))?;
            multipart_id.insert(started.upload_id).clone()
        }
    };
    let sent =
        bucket.put_multipart_chunk(part, key, etags.len() as u32 + 1, &id, &content_type).await.map_err(s3_err(key))?;
    etags.push(sent.etag);
    Ok(())
}

/// Makes `key` visible from what was sent: `rest` in one PUT when no part went out, else `rest`
/// as the last part (it may be short) and the multipart upload completed.
pub(super) async fn finish(
    bucket: &Bucket,
    key: &str,
    multipart_id: Option<&str>,
    etags: &[String],
    rest: &[u8],
) -> Result<(), StorageError> {
    let content_type = content_type_of(key);
    let Some(id) = multipart_id else {
        bucket.put_object_with_content_type(key, rest, &content_type).await.map_err(s3_err(key))?;
        return Ok(());
    };
    let mut parts: Vec<Part> =
        etags.iter().enumerate().map(|(i, etag)| Part { part_number: i as u32 + 1, etag: etag.clone() }).collect();
    if !rest.is_empty() {
        parts.push(
            bucket
                .put_multipart_chunk(rest.to_vec(), key, parts.len() as u32 + 1, id, &content_type)
                .await
                .map_err(s3_err(key))?,
        );
    }
    bucket.complete_multipart_upload(key, id, parts).await.map_err(s3_err(key))?;
    Ok(())
}

pub struct S3Writer {
    bucket: Box<Bucket>,
    key: String,
    buffer: Vec<u8>,
    multipart_id: Option<String>,
    etags: Vec<String>,
}

impl S3Writer {
    pub async fn write(&mut self, mut chunk: &[u8]) -> Result<(), StorageError> {
        while !chunk.is_empty() {
            let room = PART_SIZE - self.buffer.len();
            let (now, later) = chunk.split_at(room.min(chunk.len()));
            self.buffer.extend_from_slice(now);
            chunk = later;
            if self.buffer.len() == PART_SIZE {
                let part = std::mem::replace(&mut self.buffer, Vec::with_capacity(PART_SIZE));
                send_part(&self.bucket, &self.key, &mut self.multipart_id, &mut self.etags, part).await?;
            }
        }
        Ok(())
    }

    /// Makes the object visible: one PUT for a small object, else the last part and completion.
    /// On failure the writer is dropped, which aborts its multipart upload.
    pub async fn commit(mut self) -> Result<(), StorageError> {
        finish(&self.bucket, &self.key, self.multipart_id.as_deref(), &self.etags, &self.buffer).await?;
        self.multipart_id = None;
        Ok(())
    }

    pub async fn abort(mut self) {
        if let Some(id) = self.multipart_id.take() {
            let _ = self.bucket.abort_upload(&self.key, &id).await;
        }
    }
}

impl Drop for S3Writer {
    fn drop(&mut self) {
        // An abandoned multipart upload keeps its parts (and their cost) until aborted.
        if let (Some(id), Ok(runtime)) = (self.multipart_id.take(), tokio::runtime::Handle::try_current()) {
            let (bucket, key) = (self.bucket.clone(), std::mem::take(&mut self.key));
            runtime.spawn(async move {
                let _ = bucket.abort_upload(&key, &id).await;
            });
        }
    }
}
