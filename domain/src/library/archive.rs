//! Several assets as one ZIP, streamed as it is made: each original is read from storage and
//! written straight into the archive, so memory stays at one chunk whatever the total size, and
//! the first bytes leave before the last file is read. Entries are stored, not compressed —
//! photos and videos are compressed already, and the CPU is better spent elsewhere.

use async_zip::{tokio::write::ZipFileWriter, Compression, ZipDateTime, ZipEntryBuilder};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::{AsyncWriteExt, Stream, StreamExt};
use tokio::io::AsyncWriteExt as _;

use crate::{
    entities::asset,
    file_names::{download_name, fit, zip_entry_names, MAX_NAME_BYTES},
    storage::Storage,
};

/// One file of the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// Its name inside the ZIP (unique there).
    pub name: String,
    pub key: String,
    pub modified: DateTime<Utc>,
}

/// Each asset's original under its download name (its extension the content's), made portable
/// and unique: a name used twice gets " (2)", " (3)"… before its extension, so unpacking never
/// overwrites one file with another (see `file_names`).
pub fn entries(assets: &[asset::Model]) -> Vec<ArchiveEntry> {
    let wanted: Vec<String> = assets.iter().map(|a| download_name(&a.original_filename, &a.original_path)).collect();
    zip_entry_names(wanted.iter().map(String::as_str))
        .into_iter()
        .zip(assets)
        .map(|(name, a)| ArchiveEntry { name, key: a.original_path.clone(), modified: a.created_at })
        .collect()
}

/// A file name for the archive itself: the shared title, made safe, with `.zip`.
pub fn archive_name(title: &str) -> String {
    let safe: String = title.chars().map(|c| if c.is_alphanumeric() || " -_.".contains(c) { c } else { '_' }).collect();
    let safe = safe.trim().trim_matches('.');
    fit(&format!("{}.zip", if safe.is_empty() { "assets" } else { safe }), MAX_NAME_BYTES)
}

/// The ZIP's bytes. A failure half-way (an object missing from storage, the store unreachable)
/// ends the stream with an error, so the HTTP response is cut off rather than finishing as a
/// valid-looking archive with files missing.
pub fn stream(
    storage: Storage,
    entries: Vec<ArchiveEntry>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let (reader, writer) = tokio::io::duplex(256 * 1024);
    let writing = tokio::spawn(write_archive(storage, entries, writer));
    let outcome = futures::stream::once(async move {
        match writing.await {
            Ok(Ok(())) => None,
            Ok(Err(message)) => Some(Err(std::io::Error::other(message))),
            Err(join) => Some(Err(std::io::Error::other(join.to_string()))),
        }
    })
    .filter_map(futures::future::ready);
    tokio_util::io::ReaderStream::with_capacity(reader, 256 * 1024).chain(outcome)
}

async fn write_archive(
    storage: Storage,
    entries: Vec<ArchiveEntry>,
    writer: tokio::io::DuplexStream,
) -> Result<(), String> {
    let mut zip = ZipFileWriter::with_tokio(writer);
    for entry in entries {
        let mut source = storage.read_stream(&entry.key).await.map_err(|e| e.to_string())?;
        let header = ZipEntryBuilder::new(entry.name.clone().into(), Compression::Stored)
            .last_modification_date(ZipDateTime::from_chrono(&entry.modified))
            .unix_permissions(0o644);
        let mut file = zip.write_entry_stream(header).await.map_err(|e| e.to_string())?;
        while let Some(chunk) = source.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            // The reader went away (download cancelled): stop reading storage.
            file.write_all(&chunk).await.map_err(|e| format!("{}: {e}", entry.name))?;
        }
        file.close().await.map_err(|e| e.to_string())?;
    }
    let mut writer = zip.close().await.map_err(|e| e.to_string())?.into_inner();
    writer.shutdown().await.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_are_safe_file_names() {
        assert_eq!(archive_name("Spring campaign"), "Spring campaign.zip");
        assert_eq!(archive_name("a/b: c?"), "a_b_ c_.zip");
        assert_eq!(archive_name("///"), "___.zip");
        assert_eq!(archive_name(""), "assets.zip");
    }
}
