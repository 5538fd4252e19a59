//! A file on this machine holding an object's bytes, for tools that only read files.

use std::path::{Path, PathBuf};

/// The object's own file (local storage) or a scratch copy that is deleted on drop (S3).
#[derive(Debug)]
pub struct LocalFile {
    path: PathBuf,
    temporary: bool,
}

impl LocalFile {
    pub(super) fn kept(path: PathBuf) -> Self {
        LocalFile { path, temporary: false }
    }

    pub(super) fn temporary(path: PathBuf) -> Self {
        LocalFile { path, temporary: true }
    }
}

impl AsRef<Path> for LocalFile {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl std::ops::Deref for LocalFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl Drop for LocalFile {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
