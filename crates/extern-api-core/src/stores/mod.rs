//! Where workflows keep what lets them resume after a restart: the filing journal (a report is
//! filed at most once per key), the events cursor, and the archive's files. Each has a memory
//! implementation and a durable one (SQLite files, a directory).

mod archive_store;
mod cursor_store;
mod journal;
#[cfg(feature = "sqlite")]
mod sqlite_file;

pub use archive_store::{ArchiveEntry, ArchiveFuture, ArchiveStore, DirectoryArchive};
#[cfg(feature = "sqlite")]
pub use cursor_store::SqliteCursorStore;
pub use cursor_store::{CursorFuture, CursorStore, MemoryCursorStore};
#[cfg(feature = "sqlite")]
pub use journal::SqliteJournal;
pub use journal::{JournalEntry, MemoryJournal, WorkflowJournal};
