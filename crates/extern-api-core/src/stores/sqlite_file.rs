//! One SQLite file behind a mutex, used from async code on the blocking pool: what the SQLite
//! cursor store and the SQLite workflow journal share.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::Error;

#[derive(Clone, Debug)]
pub(crate) struct SqliteFile {
    conn: Arc<Mutex<rusqlite::Connection>>,
    path: PathBuf,
}

impl SqliteFile {
    /// Opens (or creates) the file and runs `schema` (pragmas, `CREATE TABLE IF NOT EXISTS`).
    pub(crate) fn open(path: &Path, schema: &str) -> Result<Self, Error> {
        let bad = |e: rusqlite::Error| Error::io(path, std::io::Error::other(e));
        let conn = rusqlite::Connection::open(path).map_err(bad)?;
        conn.execute_batch(schema).map_err(bad)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
        })
    }

    /// Runs `f` on the connection without blocking the runtime.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, Error> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().unwrap_or_else(|e| e.into_inner());
            f(&conn)
        })
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r.map_err(std::io::Error::other))
        .map_err(|e| Error::io(&self.path, e))
    }
}
