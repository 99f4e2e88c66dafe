//! Where the monitor keeps its place in the events feed, so a restart resumes exactly where
//! the last handled event left off: a SQLite file by default, memory for tests, or anything
//! implementing [`CursorStore`] (a table in the application's own database, an object store).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use crate::Error;

/// A cursor operation in progress.
pub type CursorFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Durable event-feed positions, one per monitor name.
pub trait CursorStore: Send + Sync {
    /// The id of the last event handled under `name`, if any.
    fn load<'a>(&'a self, name: &'a str) -> CursorFuture<'a, Option<String>>;
    /// Records that every event up to `event_id` was handled under `name`; must survive the
    /// process when the future completes. (Losing a save to a power cut is tolerable: the
    /// monitor goes back to an older position and repeats events, never skips them.)
    fn save<'a>(&'a self, name: &'a str, event_id: &'a str) -> CursorFuture<'a, ()>;
}

/// Cursors in memory: for tests, or for a process that may start from the beginning again.
#[derive(Debug, Default)]
pub struct MemoryCursorStore(Mutex<HashMap<String, String>>);

impl CursorStore for MemoryCursorStore {
    fn load<'a>(&'a self, name: &'a str) -> CursorFuture<'a, Option<String>> {
        let found = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned();
        Box::pin(async move { Ok(found) })
    }

    fn save<'a>(&'a self, name: &'a str, event_id: &'a str) -> CursorFuture<'a, ()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string(), event_id.to_string());
        Box::pin(async { Ok(()) })
    }
}

/// Cursors in a SQLite file (table `extern_api_cursors`), written in WAL mode with
/// `synchronous = NORMAL`: a process crash after `save` never loses the position; a power cut
/// may lose the last saves, which only makes the monitor repeat those events. One save costs a
/// WAL append (tens of microseconds with the thread hop), not an fsync.
#[cfg(feature = "sqlite")]
#[derive(Clone, Debug)]
pub struct SqliteCursorStore(super::sqlite_file::SqliteFile);

#[cfg(feature = "sqlite")]
impl SqliteCursorStore {
    /// Opens (or creates) the file.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        super::sqlite_file::SqliteFile::open(
            path.as_ref(),
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS extern_api_cursors (
                 name TEXT PRIMARY KEY,
                 event_id TEXT NOT NULL,
                 saved_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
             );",
        )
        .map(Self)
    }
}

#[cfg(feature = "sqlite")]
impl CursorStore for SqliteCursorStore {
    fn load<'a>(&'a self, name: &'a str) -> CursorFuture<'a, Option<String>> {
        let name = name.to_string();
        Box::pin(self.0.run(move |c| {
            use rusqlite::OptionalExtension;
            c.query_row(
                "SELECT event_id FROM extern_api_cursors WHERE name = ?1",
                [&name],
                |row| row.get(0),
            )
            .optional()
        }))
    }

    fn save<'a>(&'a self, name: &'a str, event_id: &'a str) -> CursorFuture<'a, ()> {
        let (name, event_id) = (name.to_string(), event_id.to_string());
        Box::pin(self.0.run(move |c| {
            c.prepare_cached(
                "INSERT INTO extern_api_cursors (name, event_id) VALUES (?1, ?2)
                 ON CONFLICT(name) DO UPDATE SET event_id = excluded.event_id,
                     saved_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            )?
            .execute([&name, &event_id])
            .map(drop)
        }))
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_saved_cursor_survives_reopening_the_file() {
        let dir = std::env::temp_dir().join(format!("cursor-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("cursors.sqlite");
        let store = SqliteCursorStore::open(&file).unwrap();
        assert_eq!(store.load("reports").await.unwrap(), None);
        store.save("reports", "1_1").await.unwrap();
        store.save("reports", "2_2").await.unwrap();
        store.save("demands", "9_9").await.unwrap();
        drop(store);
        let again = SqliteCursorStore::open(&file).unwrap();
        assert_eq!(again.load("reports").await.unwrap().as_deref(), Some("2_2"));
        assert_eq!(again.load("demands").await.unwrap().as_deref(), Some("9_9"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
