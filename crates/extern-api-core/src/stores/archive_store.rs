//! Where an archive is written: [`ArchiveStore`] hands out entries that become visible only
//! when complete (so an interrupted archive never leaves a truncated file that looks done), and
//! answers the size of what is there. [`DirectoryArchive`] writes a directory tree; an object
//! store can implement the same trait.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::Error;

/// A store operation in progress.
pub type ArchiveFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// An entry being written; nothing is visible until [`ArchiveEntry::commit`].
pub trait ArchiveEntry: AsyncWrite + Send + Unpin {
    /// Makes the entry visible whole, and answers its size.
    fn commit(self: Box<Self>) -> ArchiveFuture<'static, u64>;
}

/// Complete entries addressed by `/`-separated relative paths.
pub trait ArchiveStore: Send + Sync {
    /// The size of the complete entry at `path`, or `None` when there is none.
    fn size<'a>(&'a self, path: &'a str) -> ArchiveFuture<'a, Option<u64>>;
    /// Starts writing the entry at `path` (replacing any previous one on commit).
    fn create<'a>(&'a self, path: &'a str) -> ArchiveFuture<'a, Box<dyn ArchiveEntry>>;
    /// A whole small entry (a manifest), or `None`.
    fn read<'a>(&'a self, path: &'a str) -> ArchiveFuture<'a, Option<Vec<u8>>>;
}

/// An archive in a local directory: each entry is written to `<path>.part`, then renamed into
/// place.
#[derive(Clone, Debug)]
pub struct DirectoryArchive {
    root: PathBuf,
}

impl DirectoryArchive {
    /// The directory (created on demand).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, relative: &str) -> Result<PathBuf, Error> {
        // Paths come from ids, but never let one climb out of the root.
        if relative
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
        {
            return Err(Error::protocol(format!(
                "{relative:?} is not a safe archive path"
            )));
        }
        Ok(self.root.join(relative))
    }
}

struct FileEntry {
    file: tokio::fs::File,
    part: PathBuf,
    target: PathBuf,
}

impl AsyncWrite for FileEntry {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        Pin::new(&mut self.file).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.file).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.file).poll_shutdown(cx)
    }
}

impl ArchiveEntry for FileEntry {
    fn commit(self: Box<Self>) -> ArchiveFuture<'static, u64> {
        Box::pin(async move {
            let FileEntry {
                mut file,
                part,
                target,
            } = *self;
            // No fsync per entry: the rename makes it visible whole, and the archive's manifest
            // (sizes) catches what a power loss might still truncate.
            file.flush().await.map_err(|e| Error::io(&part, e))?;
            let size = file
                .metadata()
                .await
                .map_err(|e| Error::io(&part, e))?
                .len();
            drop(file);
            tokio::fs::rename(&part, &target)
                .await
                .map_err(|e| Error::io(&target, e))?;
            Ok(size)
        })
    }
}

impl ArchiveStore for DirectoryArchive {
    fn size<'a>(&'a self, path: &'a str) -> ArchiveFuture<'a, Option<u64>> {
        Box::pin(async move {
            let path = self.path(path)?;
            match tokio::fs::metadata(&path).await {
                Ok(m) => Ok(Some(m.len())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::io(&path, e)),
            }
        })
    }

    fn create<'a>(&'a self, path: &'a str) -> ArchiveFuture<'a, Box<dyn ArchiveEntry>> {
        Box::pin(async move {
            let target = self.path(path)?;
            if let Some(dir) = target.parent() {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| Error::io(dir, e))?;
            }
            let part = kontur_transport::part_path(&target);
            let file = tokio::fs::File::create(&part)
                .await
                .map_err(|e| Error::io(&part, e))?;
            Ok(Box::new(FileEntry { file, part, target }) as Box<dyn ArchiveEntry>)
        })
    }

    fn read<'a>(&'a self, path: &'a str) -> ArchiveFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let path = self.path(path)?;
            match tokio::fs::read(&path).await {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::io(&path, e)),
            }
        })
    }
}
