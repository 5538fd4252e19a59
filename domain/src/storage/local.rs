//! Local-directory backend: objects are files under the root; writes land in `.tmp/` and are
//! renamed into place on commit (rename is atomic within one filesystem).

use std::path::{Path, PathBuf};

use tokio::{fs, io::AsyncWriteExt};

use super::{validate_key, StorageError};

#[derive(Clone, Debug)]
pub struct LocalStorage {
    root: PathBuf,
}

pub struct LocalWriter {
    key: String,
    final_path: PathBuf,
    temp_path: PathBuf,
    file: Option<fs::File>,
}

pub(super) fn io_err(key: &str) -> impl FnOnce(std::io::Error) -> StorageError + '_ {
    move |source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            StorageError::NotFound(key.to_owned())
        } else {
            StorageError::Io { key: key.to_owned(), source }
        }
    }
}

impl LocalStorage {
    pub async fn open_root(root: impl AsRef<Path>) -> Result<Self, StorageError> {
        let root = root.as_ref().to_path_buf();
        fs::create_dir_all(root.join(".tmp")).await.map_err(io_err(".tmp"))?;
        Ok(LocalStorage { root })
    }

    pub(super) async fn check(&self) -> Result<(), StorageError> {
        let scratch = fs::metadata(self.root.join(".tmp")).await.map_err(io_err(".tmp"))?;
        if scratch.is_dir() {
            Ok(())
        } else {
            Err(StorageError::Backend {
                key: ".tmp".into(),
                message: "the storage directory's scratch space is not a directory".into(),
            })
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &str) -> Result<PathBuf, StorageError> {
        validate_key(key)?;
        Ok(self.root.join(key))
    }

    pub async fn begin_write(&self, key: &str) -> Result<LocalWriter, StorageError> {
        let final_path = self.path_of(key)?;
        let temp_path = self.root.join(".tmp").join(uuid::Uuid::new_v4().to_string());
        let file = fs::File::create(&temp_path).await.map_err(io_err(key))?;
        Ok(LocalWriter { key: key.to_owned(), final_path, temp_path, file: Some(file) })
    }

    pub async fn read(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        fs::read(self.path_of(key)?).await.map_err(io_err(key))
    }

    /// The path `key` will have, with its folder created.
    pub async fn existing_parent_of(&self, key: &str) -> Result<PathBuf, StorageError> {
        let path = self.path_of(key)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).await.map_err(io_err(key))?;
        }
        Ok(path)
    }

    pub async fn existing_path(&self, key: &str) -> Result<PathBuf, StorageError> {
        let path = self.path_of(key)?;
        fs::metadata(&path).await.map_err(io_err(key))?;
        Ok(path)
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match fs::remove_file(self.path_of(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_err(key)(e)),
            _ => Ok(()),
        }
    }
}

impl LocalWriter {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StorageError> {
        let file = self.file.as_mut().expect("writer used after commit");
        file.write_all(chunk).await.map_err(io_err(&self.key))
    }

    pub async fn commit(mut self) -> Result<(), StorageError> {
        let mut file = self.file.take().expect("writer committed twice");
        let key = self.key.clone();
        file.flush().await.map_err(io_err(&key))?;
        file.sync_data().await.map_err(io_err(&key))?;
        drop(file);
        if let Some(parent) = self.final_path.parent() {
            fs::create_dir_all(parent).await.map_err(io_err(&key))?;
        }
        fs::rename(&self.temp_path, &self.final_path).await.map_err(io_err(&key))?;
        // Nothing left to clean up: Drop sees the temp file is gone.
        Ok(())
    }

    pub async fn abort(mut self) {
        self.file.take();
        let _ = fs::remove_file(&self.temp_path).await;
    }
}

impl Drop for LocalWriter {
    fn drop(&mut self) {
        // An uncommitted writer (error path, cancelled request) must not leave its partial file.
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_committed_objects_are_visible() {
        let dir = std::env::temp_dir().join(format!("dam-storage-{}", uuid::Uuid::new_v4()));
        let storage = LocalStorage::open_root(&dir).await.unwrap();

        let mut writer = storage.begin_write("originals/a.jpg").await.unwrap();
        writer.write(b"partial").await.unwrap();
        assert!(matches!(storage.read("originals/a.jpg").await, Err(StorageError::NotFound(_))));
        writer.commit().await.unwrap();
        assert_eq!(storage.read("originals/a.jpg").await.unwrap(), b"partial");

        let mut dropped = storage.begin_write("originals/b.jpg").await.unwrap();
        dropped.write(b"half").await.unwrap();
        drop(dropped);
        assert!(matches!(storage.read("originals/b.jpg").await, Err(StorageError::NotFound(_))));
        assert_eq!(std::fs::read_dir(dir.join(".tmp")).unwrap().count(), 0, "temp file left behind");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
