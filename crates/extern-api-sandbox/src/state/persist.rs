//! `--data-dir DIR`: the sandbox's state kept in SQLite (`DIR/sandbox.db`, contents' parts as
//! files in `DIR/contents/`), so a restarted sandbox continues where it stopped — the same
//! keys and certificates, accounts, drafts, docflows, tasks, events (their ids unchanged), and the
//! clock; robots take up their schedules.
//!
//! A change is written as the records it touched: the big maps ([`Tracked`]) note their changed
//! keys and each is one row, events are appended, and the small rest (accounts, organizations,
//! builders, warrants…) is one row written again when its text changes. A request that may change
//! state is answered after what it changed is written (see [`Saver::saved`]); robots' and
//! tasks' own changes are written within [`SAVE_EVERY`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Weak};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::pki::{Authority, SandboxSigner};
use crate::state::content::PartData;
use crate::state::tracked::Tracked;
use crate::state::{Shared, Store};

/// How often changes that no request waits for (robots, tasks) are written.
pub const SAVE_EVERY: Duration = Duration::from_millis(200);

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    CREATE TABLE IF NOT EXISTS records (
        kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, body BLOB NOT NULL);
";

/// Why a data directory could not be opened or read.
fn io_error(what: &str, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("data directory: {what}: {e}"))
}

/// The sandbox's own keys, as kept (`S`: the signers, borrowed when written).
#[derive(serde::Serialize, serde::Deserialize)]
struct Keys<S> {
    ca: crate::pki::keys::KeyRecord,
    operator: S,
    inspection: S,
    inspection_encryption: Option<S>,
}

/// What a data directory held when opened.
pub struct Kept {
    pub store: Store,
    pub ca: Authority,
    pub operator: SandboxSigner,
    pub inspection: SandboxSigner,
    pub inspection_encryption: Option<SandboxSigner>,
    /// How far the clock had been advanced, in milliseconds.
    pub clock_offset_ms: i64,
    pub zip_variants: Tracked<Uuid, (Uuid, String)>,
    pub document_requisites: Tracked<Uuid, serde_json::Value>,
}

/// An open data directory: the database, and who waits for what to be written.
pub struct Saver {
    writer: Mutex<Writer>,
    /// Tickets handed to requests waiting for a save ([`Saver::saved`]).
    requested: AtomicU64,
    /// The last ticket whose changes are written.
    done: tokio::sync::watch::Sender<u64>,
    /// [`Shared::changes`] as of the last save written.
    saved_changes: AtomicU64,
    wake: Mutex<std::sync::mpsc::Sender<()>>,
    wakes: Mutex<Option<std::sync::mpsc::Receiver<()>>>,
    contents: PathBuf,
}

struct Writer {
    conn: Connection,
    /// Events already written (they are only ever appended).
    saved_events: usize,
    /// The meta rows as last written, to skip unchanged ones.
    meta: HashMap<&'static str, Vec<u8>>,
    /// Whether it has saved once (the first save writes whatever there is).
    started: bool,
}

/// One save's rows, taken under the store's lock and written after it is released.
#[derive(Default)]
struct Batch {
    records: Vec<(&'static str, String, Option<Vec<u8>>)>,
    events: Vec<(u64, Vec<u8>)>,
    events_len: usize,
    meta: Vec<(&'static str, Vec<u8>)>,
}

impl Saver {
    /// Opens (or makes) the data directory `dir`; what it kept, if anything.
    pub fn open(dir: &Path) -> std::io::Result<(Self, Option<Kept>)> {
        let contents = dir.join("contents");
        std::fs::create_dir_all(&contents)?;
        let conn = Connection::open(dir.join("sandbox.db"))
            .and_then(|c| c.execute_batch(SCHEMA).map(|()| c))
            .map_err(|e| io_error("sandbox.db", e))?;
        let kept = load(&conn, &contents)?;
        let (wake, wakes) = std::sync::mpsc::channel();
        let saver = Self {
            writer: Mutex::new(Writer {
                conn,
                saved_events: kept.as_ref().map_or(0, |k| k.store.events.len()),
                meta: HashMap::new(),
                started: false,
            }),
            requested: AtomicU64::new(0),
            done: tokio::sync::watch::Sender::new(0),
            saved_changes: AtomicU64::new(0),
            wake: Mutex::new(wake),
            wakes: Mutex::new(Some(wakes)),
            contents,
        };
        Ok((saver, kept))
    }

    /// Where contents' parts are spooled: kept with the database.
    pub fn contents_dir(&self) -> &Path {
        &self.contents
    }

    /// Starts the thread that writes changes as they are asked for, and every [`SAVE_EVERY`]; it
    /// ends with the sandbox. An error when the thread cannot start (answers would wait for it).
    pub fn start(shared: Weak<Shared>) -> std::io::Result<()> {
        let Some(strong) = shared.upgrade() else {
            return Ok(());
        };
        let Some(saver) = &strong.saver else {
            return Ok(());
        };
        // A new directory gets its keys and seeded accounts before the first request.
        saver.save(&strong);
        let Some(wakes) = saver.wakes.lock().ok().and_then(|mut w| w.take()) else {
            return Ok(());
        };
        drop(strong);
        std::thread::Builder::new()
            .name("sandbox-data-dir".into())
            .spawn(move || {
                loop {
                    let woken = wakes.recv_timeout(SAVE_EVERY);
                    let Some(shared) = shared.upgrade() else {
                        return;
                    };
                    if let Some(saver) = &shared.saver {
                        saver.save(&shared);
                    }
                    if woken == Err(std::sync::mpsc::RecvTimeoutError::Disconnected) {
                        return;
                    }
                }
            })
            .map(drop)
    }

    /// [`Shared::changes`] as of the last save written.
    pub fn saved_changes(&self) -> u64 {
        self.saved_changes.load(Ordering::SeqCst)
    }

    /// Returns once everything changed before the call is written.
    pub async fn saved(&self) {
        let ticket = self.requested.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.wake.lock().unwrap_or_else(|p| p.into_inner()).send(());
        let mut done = self.done.subscribe();
        let _ = done.wait_for(|d| *d >= ticket).await;
    }

    /// Writes what changed since the last save.
    pub fn save(&self, shared: &Shared) {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let ticket = self.requested.load(Ordering::SeqCst);
        if writer.started && shared.changes() == self.saved_changes() {
            // Nothing changed since the last save.
            self.answer(ticket);
            return;
        }
        writer.started = true;
        let (mut batch, changes) = {
            let mut store = shared.lock_quietly();
            let mut batch = writer.take(&mut store);
            // Beside the store, locked after it as everywhere.
            changed(
                &mut batch,
                "zip_variants",
                &mut shared
                    .zip_variants
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()),
            );
            changed(
                &mut batch,
                "document_requisites",
                &mut shared
                    .document_requisites
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()),
            );
            (batch, shared.changes())
        };
        writer.take_meta(shared, &mut batch);
        match writer.write(batch) {
            Ok(()) => self.saved_changes.store(changes, Ordering::SeqCst),
            Err(e) => tracing::error!(error = %e, "the data directory could not be written"),
        }
        self.answer(ticket);
    }

    /// Lets the requests up to `ticket` go.
    fn answer(&self, ticket: u64) {
        self.done.send_if_modified(|d| {
            let newer = ticket > *d;
            if newer {
                *d = ticket;
            }
            newer
        });
    }
}

/// A record's body; a record that cannot be written is logged and skipped (never a panic).
fn body(what: &str, value: &impl Serialize) -> Option<Vec<u8>> {
    serde_json::to_vec(value)
        .inspect_err(|e| tracing::error!(error = %e, what, "a record could not be written"))
        .ok()
}

impl Writer {
    /// The changed records (under the store's lock).
    fn take(&mut self, store: &mut Store) -> Batch {
        let mut batch = Batch::default();
        changed(&mut batch, "contents", &mut store.contents);
        changed(&mut batch, "drafts", &mut store.drafts);
        changed(&mut batch, "tasks", &mut store.tasks);
        changed(&mut batch, "docflows", &mut store.docflows);
        changed(&mut batch, "replies", &mut store.replies);
        changed(&mut batch, "access_tokens", &mut store.access_tokens);
        changed(&mut batch, "refresh_tokens", &mut store.refresh_tokens);
        batch.events_len = store.events.len();
        let unsaved = store.events.get(self.saved_events..).unwrap_or_default();
        for (event, seq) in unsaved.iter().zip(self.saved_events as u64 + 1..) {
            if let Some(b) = body("event", event) {
                batch.events.push((seq, b));
            }
        }
        if let Some(bytes) = body("store", &*store) {
            self.changed_meta(&mut batch, "store", bytes);
        }
        batch
    }

    /// The keys and what lives beside the store, when changed (the store is not locked).
    fn take_meta(&mut self, shared: &Shared, batch: &mut Batch) {
        let keys = shared.ca.to_record().map(|ca| Keys {
            ca,
            operator: &shared.operator,
            inspection: &shared.inspection,
            inspection_encryption: shared.inspection_encryption(),
        });
        match keys {
            Ok(keys) => {
                if let Some(bytes) = body("keys", &keys) {
                    self.changed_meta(batch, "keys", bytes);
                }
            }
            Err(e) => tracing::error!(error = %e, "the CA's key could not be written"),
        }
        let clock = shared.clock.offset().num_milliseconds();
        if let Some(bytes) = body("clock", &clock) {
            self.changed_meta(batch, "clock", bytes);
        }
    }

    fn changed_meta(&self, batch: &mut Batch, name: &'static str, bytes: Vec<u8>) {
        if self.meta.get(name) != Some(&bytes) {
            batch.meta.push((name, bytes));
        }
    }

    fn write(&mut self, batch: Batch) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO records (kind, id, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            )?;
            let mut delete =
                tx.prepare_cached("DELETE FROM records WHERE kind = ?1 AND id = ?2")?;
            for (kind, id, body) in &batch.records {
                match body {
                    Some(body) => upsert.execute(params![kind, id, body])?,
                    None => delete.execute(params![kind, id])?,
                };
            }
            let mut event =
                tx.prepare_cached("INSERT OR REPLACE INTO events (seq, body) VALUES (?1, ?2)")?;
            for (seq, body) in &batch.events {
                event.execute(params![*seq as i64, body])?;
            }
            let mut meta = tx.prepare_cached(
                "INSERT INTO meta (key, body) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET body = excluded.body",
            )?;
            for (key, body) in &batch.meta {
                meta.execute(params![key, body])?;
            }
        }
        tx.commit()?;
        self.saved_events = batch.events_len;
        for (key, body) in batch.meta {
            self.meta.insert(key, body);
        }
        Ok(())
    }
}

/// The rows of a tracked map's changed keys (`None`: removed).
fn changed<K, V>(batch: &mut Batch, kind: &'static str, map: &mut Tracked<K, V>)
where
    K: std::hash::Hash + Eq + Clone + std::fmt::Display,
    V: Serialize,
{
    for key in map.take_changed() {
        let row = match map.get(&key) {
            Some(value) => match body(kind, value) {
                Some(b) => Some(b),
                None => continue,
            },
            None => None,
        };
        batch.records.push((kind, key.to_string(), row));
    }
}

/// What `conn` keeps; `None` when it is new.
fn load(conn: &Connection, contents: &Path) -> std::io::Result<Option<Kept>> {
    let meta = |key: &str| -> std::io::Result<Option<Vec<u8>>> {
        conn.query_row("SELECT body FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| io_error(key, e))
    };
    let (Some(store), Some(keys)) = (meta("store")?, meta("keys")?) else {
        return Ok(None);
    };
    let mut store: Store = parse("store", &store)?;
    let keys: Keys<SandboxSigner> = parse("keys", &keys)?;
    let clock_offset_ms: i64 = match meta("clock")? {
        Some(b) => parse("clock", &b)?,
        None => 0,
    };
    let mut zip_variants = Tracked::default();
    fill(conn, "zip_variants", &mut zip_variants, |s| s.parse().ok())?;
    let mut document_requisites = Tracked::default();
    fill(conn, "document_requisites", &mut document_requisites, |s| {
        s.parse().ok()
    })?;
    fill(conn, "contents", &mut store.contents, |s| s.parse().ok())?;
    fill(conn, "drafts", &mut store.drafts, |s| s.parse().ok())?;
    fill(conn, "tasks", &mut store.tasks, |s| s.parse().ok())?;
    fill(conn, "docflows", &mut store.docflows, |s| s.parse().ok())?;
    fill(conn, "replies", &mut store.replies, |s| s.parse().ok())?;
    fill(conn, "access_tokens", &mut store.access_tokens, |s| {
        Some(s.to_owned())
    })?;
    fill(conn, "refresh_tokens", &mut store.refresh_tokens, |s| {
        Some(s.to_owned())
    })?;
    let mut events = conn
        .prepare("SELECT body FROM events ORDER BY seq")
        .map_err(|e| io_error("events", e))?;
    let rows = events
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .map_err(|e| io_error("events", e))?;
    for row in rows {
        store
            .events
            .push(parse("event", &row.map_err(|e| io_error("events", e))?)?);
    }
    // What the store derives from its records.
    let mut order: Vec<(u32, Uuid)> = store.docflows.values().map(|d| (d.seq, d.id)).collect();
    order.sort_unstable();
    store.docflow_order = order.into_iter().map(|(_, id)| id).collect();
    for docflow in store.docflows.values() {
        if let Some((at, _)) = docflow.robot.as_ref().and_then(|r| r.steps.front()) {
            store.robot_queue.insert((*at, docflow.id));
        }
    }
    // Parts' files by name in this directory (the directory may have moved).
    for id in store.contents.keys().copied().collect::<Vec<_>>() {
        if let Some(content) = store.contents.get_mut(&id) {
            for (_, _, data) in &mut content.parts {
                if let PartData::File(path) = data
                    && let Some(name) = path.file_name()
                {
                    *path = contents.join(name);
                }
            }
        }
    }
    store.contents.take_changed();
    Ok(Some(Kept {
        store,
        ca: Authority::from_record(&keys.ca).map_err(|e| io_error("keys", e))?,
        operator: keys.operator,
        inspection: keys.inspection,
        inspection_encryption: keys.inspection_encryption,
        clock_offset_ms,
        zip_variants,
        document_requisites,
    }))
}

fn parse<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> std::io::Result<T> {
    serde_json::from_slice(bytes).map_err(|e| io_error(what, e))
}

/// Reads a tracked map's rows (noting nothing).
fn fill<K, V>(
    conn: &Connection,
    kind: &str,
    map: &mut Tracked<K, V>,
    key: impl Fn(&str) -> Option<K>,
) -> std::io::Result<()>
where
    K: std::hash::Hash + Eq + Clone,
    V: DeserializeOwned,
{
    let mut query = conn
        .prepare("SELECT id, body FROM records WHERE kind = ?1")
        .map_err(|e| io_error(kind, e))?;
    let rows = query
        .query_map([kind], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })
        .map_err(|e| io_error(kind, e))?;
    let mut entries = Vec::new();
    for row in rows {
        let (id, body) = row.map_err(|e| io_error(kind, e))?;
        let key = key(&id).ok_or_else(|| io_error(kind, format!("a bad id {id:?}")))?;
        entries.push((key, parse(kind, &body)?));
    }
    map.load(entries);
    Ok(())
}
