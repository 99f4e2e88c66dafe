//! Mirroring docflows into an [`ArchiveStore`]: per docflow, `docflow.json` (its current state),
//! every document content as the service stores it (encrypted ones stay encrypted), the
//! decrypted content when a local [`Decryptor`] is given, every signature, and last a
//! `manifest.json` listing what was written with sizes. A docflow whose manifest matches its
//! last change and whose entries all have the listed sizes is skipped, so an interrupted archive
//! resumes where it stopped and a repeated one only fetches what changed.
//!
//! Layout: `<account>/<docflow>/docflow.json`, `…/<document>/<content-id>.<encrypted|plain>`,
//! `…/<document>/decrypted`, `…/<document>/signatures/<signature>.p7s`, `…/manifest.json`.

use std::sync::Arc;

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::api::{DocflowFilter, TransferOptions};
use crate::crypto::Decryptor;
use crate::stores::ArchiveStore;
use crate::{Error, ExternClient};

/// What one pass over an account did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArchiveReport {
    /// Docflows seen.
    pub docflows: u64,
    /// Docflows already complete and unchanged: nothing fetched.
    pub unchanged: u64,
    /// Entries written.
    pub entries_written: u64,
    /// Bytes written.
    pub bytes_written: u64,
}

/// Called after each docflow with the running totals.
pub type ArchiveProgress = Arc<dyn Fn(&ArchiveReport) + Send + Sync>;

/// How an account is archived.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ArchiveOptions {
    /// Docflows archived at once (default 4).
    pub concurrency: usize,
    /// Which docflows (default: everything the search lists).
    pub filter: DocflowFilter,
    /// Decrypts encrypted documents too (local decryptors only: a cloud one would ask the holder
    /// for every document).
    pub decryptor: Option<Arc<dyn Decryptor>>,
    /// Running totals after each docflow.
    pub progress: Option<ArchiveProgress>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
struct Manifest {
    docflow_id: Uuid,
    last_change_date: Option<String>,
    entries: Vec<ManifestEntry>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
struct ManifestEntry {
    path: String,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_name: Option<String>,
}

impl ExternClient {
    /// Archives every docflow of an account (see the module docs), `options.concurrency` at a
    /// time. Safe to interrupt and run again.
    #[tracing::instrument(skip_all, fields(account = %account_id))]
    pub async fn archive_account(
        &self,
        account_id: Uuid,
        store: Arc<dyn ArchiveStore>,
        options: ArchiveOptions,
    ) -> Result<ArchiveReport, Error> {
        let total = std::sync::Mutex::new(ArchiveReport::default());
        let total = &total;
        let options = &options;
        let store = &store;
        self.account(account_id)
            .docflows()
            .all(options.filter.clone())
            .map_ok(|item| async move {
                let one = self
                    .archive_docflow(
                        account_id,
                        item.id,
                        store.as_ref(),
                        options.decryptor.as_deref(),
                    )
                    .await?;
                let snapshot = {
                    let mut t = total.lock().unwrap_or_else(|e| e.into_inner());
                    t.docflows += 1;
                    t.unchanged += one.unchanged;
                    t.entries_written += one.entries_written;
                    t.bytes_written += one.bytes_written;
                    t.clone()
                };
                if let Some(p) = &options.progress {
                    p(&snapshot);
                }
                Ok::<_, Error>(())
            })
            .try_buffer_unordered(options.concurrency.max(1))
            .try_collect::<()>()
            .await?;
        let report = total.lock().unwrap_or_else(|e| e.into_inner()).clone();
        tracing::info!(?report, "archive pass done");
        Ok(report)
    }

    /// Archives one docflow; skips it when its manifest is complete and current.
    pub async fn archive_docflow(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
        store: &dyn ArchiveStore,
        decryptor: Option<&dyn Decryptor>,
    ) -> Result<ArchiveReport, Error> {
        let account = self.account(account_id);
        let docflow = account.docflows().get(docflow_id).await?;
        let base = format!("{account_id}/{docflow_id}");
        let manifest_path = format!("{base}/manifest.json");
        let changed = docflow.last_change_date.as_ref().map(|d| d.0.to_rfc3339());
        let mut report = ArchiveReport {
            docflows: 1,
            ..Default::default()
        };
        if let Some(old) = store.read(&manifest_path).await?
            && let Ok(old) = serde_json::from_slice::<Manifest>(&old)
            && old.last_change_date == changed
            && complete(store, &old).await?
        {
            report.unchanged = 1;
            return Ok(report);
        }
        let mut entries = Vec::new();
        for doc in &docflow.documents {
            let dir = format!("{base}/{}", doc.id);
            let file_name = doc.description.as_ref().and_then(|d| d.filename.clone());
            let contents = doc
                .content
                .as_ref()
                .map(|c| c.docflow_document_contents.as_slice())
                .unwrap_or_default();
            for content in contents {
                let Some(content_id) = content.content_id else {
                    continue;
                };
                let kind = if content.encrypted == Some(true) {
                    "encrypted"
                } else {
                    "plain"
                };
                let path = format!("{dir}/{content_id}.{kind}");
                let fetch = async {
                    let mut entry = store.create(&path).await?;
                    account
                        .contents()
                        .download(content_id, &mut entry, &TransferOptions::default())
                        .await?;
                    entry.commit().await.map(Some)
                };
                if let Some(size) = kept_or_written(store, &path, &mut report, fetch).await? {
                    entries.push(ManifestEntry {
                        path,
                        size,
                        file_name: file_name.clone(),
                    });
                }
            }
            let encrypted = contents.iter().find(|c| c.encrypted == Some(true));
            let has_plain = contents.iter().any(|c| c.encrypted != Some(true));
            if let (Some(decryptor), Some(sealed), false) = (decryptor, encrypted, has_plain)
                && let Some(sealed) = sealed.content_id
            {
                // A decryptor whose key the service holds opens nothing here: no entry.
                let path = format!("{dir}/decrypted");
                let fetch = async {
                    match decryptor.open_content(self, account_id, sealed).await? {
                        Some(plain) => write(store, &path, &plain).await.map(Some),
                        None => Ok(None),
                    }
                };
                if let Some(size) = kept_or_written(store, &path, &mut report, fetch).await? {
                    entries.push(ManifestEntry {
                        path,
                        size,
                        file_name: file_name.clone(),
                    });
                }
            }
            for signature in &doc.signatures {
                let path = format!("{dir}/signatures/{}.p7s", signature.id);
                let (document_id, signature_id) = (doc.id, signature.id);
                let fetch = async {
                    let bytes = account
                        .docflows()
                        .signature_content(docflow_id, document_id, signature_id)
                        .await?;
                    write(store, &path, &bytes).await.map(Some)
                };
                if let Some(size) = kept_or_written(store, &path, &mut report, fetch).await? {
                    entries.push(ManifestEntry {
                        path,
                        size,
                        file_name: None,
                    });
                }
            }
        }
        let json = serde_json::to_vec_pretty(&docflow).map_err(|e| {
            Error::protocol_with(format!("docflow {docflow_id} does not encode"), e)
        })?;
        let path = format!("{base}/docflow.json");
        let size = write(store, &path, &json).await?;
        entries.push(ManifestEntry {
            path,
            size,
            file_name: None,
        });
        report.entries_written += 1;
        report.bytes_written += size;
        let manifest = Manifest {
            docflow_id,
            last_change_date: changed,
            entries,
        };
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| {
            Error::protocol_with(format!("the manifest of {docflow_id} does not encode"), e)
        })?;
        report.bytes_written += write(store, &manifest_path, &json).await?;
        report.entries_written += 1;
        Ok(report)
    }
}

async fn complete(store: &dyn ArchiveStore, manifest: &Manifest) -> Result<bool, Error> {
    for e in &manifest.entries {
        if store.size(&e.path).await? != Some(e.size) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The size of the complete entry at `path`; `fetch` (not started otherwise) writes it first
/// when it is missing. Entries never change under their path (contents and signatures keep their
/// ids), so a complete one is kept as it is.
async fn kept_or_written(
    store: &dyn ArchiveStore,
    path: &str,
    report: &mut ArchiveReport,
    fetch: impl std::future::Future<Output = Result<Option<u64>, Error>>,
) -> Result<Option<u64>, Error> {
    if let Some(size) = store.size(path).await? {
        return Ok(Some(size));
    }
    let size = fetch.await?;
    if let Some(size) = size {
        report.entries_written += 1;
        report.bytes_written += size;
    }
    Ok(size)
}

async fn write(store: &dyn ArchiveStore, path: &str, bytes: &[u8]) -> Result<u64, Error> {
    let mut entry = store.create(path).await?;
    entry
        .write_all(bytes)
        .await
        .map_err(|e| Error::io(path, e))?;
    entry.commit().await
}
