//! What a filing workflow has done under its idempotency key — the draft it made, the docflow
//! that draft became — so that a retried or restarted `send_report` with the same key continues
//! from there instead of filing the report a second time. In memory by default (retries within
//! the process); a SQLite file (feature `sqlite`) survives a crash; or anything implementing
//! [`WorkflowJournal`] (a table in the application's database).

use std::collections::HashMap;
use std::sync::Mutex;

use uuid::Uuid;

use super::cursor_store::CursorFuture;
use crate::Error;

/// How far a workflow got under one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JournalEntry {
    /// The draft made for it (not yet known to have been sent).
    pub draft_id: Option<Uuid>,
    /// The docflow the draft became: the report is filed, and is only followed from now on.
    pub docflow_id: Option<Uuid>,
}

/// Durable workflow progress by idempotency key. `save` must be durable when its future
/// completes: the workflow records a draft before sending it and the docflow right after.
pub trait WorkflowJournal: Send + Sync + std::fmt::Debug {
    /// What was recorded under `key`, if anything.
    fn load<'a>(&'a self, key: &'a str) -> CursorFuture<'a, Option<JournalEntry>>;
    /// Records `entry` under `key`, replacing what was there.
    fn save<'a>(&'a self, key: &'a str, entry: JournalEntry) -> CursorFuture<'a, ()>;
}

/// A journal in memory: retries within one process never file twice; a restart forgets.
#[derive(Debug, Default)]
pub struct MemoryJournal(Mutex<HashMap<String, JournalEntry>>);

impl WorkflowJournal for MemoryJournal {
    fn load<'a>(&'a self, key: &'a str) -> CursorFuture<'a, Option<JournalEntry>> {
        let found = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .copied();
        Box::pin(async move { Ok(found) })
    }

    fn save<'a>(&'a self, key: &'a str, entry: JournalEntry) -> CursorFuture<'a, ()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), entry);
        Box::pin(async { Ok(()) })
    }
}

/// A journal in a SQLite file (table `extern_api_journal`), WAL with `synchronous = FULL`: a
/// recorded draft or docflow survives a crash and a power cut, so a restart never files twice.
#[cfg(feature = "sqlite")]
#[derive(Clone, Debug)]
pub struct SqliteJournal(super::sqlite_file::SqliteFile);

#[cfg(feature = "sqlite")]
impl SqliteJournal {
    /// Opens (or creates) the file.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        super::sqlite_file::SqliteFile::open(
            path.as_ref(),
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS extern_api_journal (
                 key TEXT PRIMARY KEY,
                 draft_id TEXT,
                 docflow_id TEXT,
                 saved_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
             );",
        )
        .map(Self)
    }
}

#[cfg(feature = "sqlite")]
impl WorkflowJournal for SqliteJournal {
    fn load<'a>(&'a self, key: &'a str) -> CursorFuture<'a, Option<JournalEntry>> {
        let key = key.to_string();
        Box::pin(async move {
            let row: Option<(Option<String>, Option<String>)> = self
                .0
                .run(move |c| {
                    use rusqlite::OptionalExtension;
                    c.query_row(
                        "SELECT draft_id, docflow_id FROM extern_api_journal WHERE key = ?1",
                        [&key],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()
                })
                .await?;
            let id = |v: Option<String>| -> Result<Option<Uuid>, Error> {
                v.map(|s| {
                    s.parse().map_err(|e| {
                        Error::protocol_with(format!("journal id {s:?} is not a UUID"), e)
                    })
                })
                .transpose()
            };
            row.map(|(draft, docflow)| {
                Ok(JournalEntry {
                    draft_id: id(draft)?,
                    docflow_id: id(docflow)?,
                })
            })
            .transpose()
        })
    }

    fn save<'a>(&'a self, key: &'a str, entry: JournalEntry) -> CursorFuture<'a, ()> {
        let key = key.to_string();
        let (draft, docflow) = (
            entry.draft_id.map(|u| u.to_string()),
            entry.docflow_id.map(|u| u.to_string()),
        );
        Box::pin(self.0.run(move |c| {
            c.prepare_cached(
                "INSERT INTO extern_api_journal (key, draft_id, docflow_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET draft_id = excluded.draft_id,
                     docflow_id = excluded.docflow_id,
                     saved_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            )?
            .execute(rusqlite::params![key, draft, docflow])
            .map(drop)
        }))
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_survive_reopening_the_file() {
        let dir = std::env::temp_dir().join(format!("journal-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("journal.sqlite");
        let journal = SqliteJournal::open(&file).unwrap();
        assert_eq!(journal.load("q1").await.unwrap(), None);
        let draft = Uuid::new_v4();
        journal
            .save(
                "q1",
                JournalEntry {
                    draft_id: Some(draft),
                    docflow_id: None,
                },
            )
            .await
            .unwrap();
        let docflow = Uuid::new_v4();
        journal
            .save(
                "q1",
                JournalEntry {
                    draft_id: Some(draft),
                    docflow_id: Some(docflow),
                },
            )
            .await
            .unwrap();
        drop(journal);
        let again = SqliteJournal::open(&file).unwrap();
        assert_eq!(
            again.load("q1").await.unwrap(),
            Some(JournalEntry {
                draft_id: Some(draft),
                docflow_id: Some(docflow)
            })
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
