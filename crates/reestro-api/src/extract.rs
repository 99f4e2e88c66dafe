//! The EGRN extract workflow: create an `object_request` → queued → sent → completed →
//! download every result file (and Rosreestr's signatures of them) into a directory. Each step
//! is public: [`ReestroClient::create_docflow`], [`ReestroClient::wait_docflow`],
//! [`ReestroClient::download_results`].

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::ReestroClient;
use crate::error::Error;
use crate::model::{Docflow, DocflowState};
use crate::options::{CreateDocflow, DocflowOptions, ExtractKind, ObjectRequest};
use crate::validate::CadastralNumber;

/// Which extract, and how long to wait for it.
#[derive(Clone, Debug)]
pub struct ExtractRequest {
    /// Of which object.
    pub cadastral_number: CadastralNumber,
    /// Which extract.
    pub kind: ExtractKind,
    /// Give up waiting after this long (the docflow goes on at Rosreestr).
    pub deadline: Duration,
    /// How often to look at the docflow.
    pub poll_interval: Duration,
}

impl ExtractRequest {
    /// An `info` extract, waiting up to a day and looking every 10 s (Rosreestr answers in
    /// minutes to days).
    pub fn new(cadastral_number: CadastralNumber) -> Self {
        Self {
            cadastral_number,
            kind: ExtractKind::Info,
            deadline: Duration::from_secs(24 * 3600),
            poll_interval: Duration::from_secs(10),
        }
    }
}

/// A downloaded file.
#[derive(Clone, Debug)]
pub struct SavedFile {
    /// Its id in the docflow.
    pub file_id: Uuid,
    /// Its type (`egrn:extract_info:xml`, …; `signature` for signatures).
    pub kind: String,
    /// Where it was written.
    pub path: PathBuf,
    /// Its size.
    pub size: u64,
}

/// What an extract request produced.
#[derive(Clone, Debug)]
pub struct ExtractOutcome {
    /// The docflow, completed.
    pub docflow: Docflow,
    /// The result files and their signatures, written to the directory.
    pub files: Vec<SavedFile>,
}

impl ReestroClient {
    /// Requests an EGRN extract and downloads its files into `dir`.
    ///
    /// ```no_run
    /// # async fn demo(client: reestro_api::ReestroClient) -> Result<(), reestro_api::Error> {
    /// use reestro_api::{CadastralNumber, ExtractRequest};
    ///
    /// let request = ExtractRequest::new(CadastralNumber::parse("77:01:0001001:1234")?);
    /// let outcome = client.request_extract(&request, std::path::Path::new("extracts")).await?;
    /// for f in &outcome.files {
    ///     println!("{} → {}", f.kind, f.path.display());
    /// }
    /// # Ok(()) }
    /// ```
    #[tracing::instrument(skip_all, fields(cadastral_number = %request.cadastral_number))]
    pub async fn request_extract(
        &self,
        request: &ExtractRequest,
        dir: &Path,
    ) -> Result<ExtractOutcome, Error> {
        let created = self
            .create_docflow(
                &CreateDocflow::new(DocflowOptions::ObjectRequest(ObjectRequest {
                    kind: request.kind,
                    cadastral_number: request.cadastral_number.clone(),
                }))
                .with_request_id(Uuid::new_v4().to_string()),
            )
            .await?;
        tracing::info!(docflow = %created.docflow_id, "extract requested");
        let docflow = self
            .wait_docflow(
                created.docflow_id,
                request.deadline,
                request.poll_interval,
                |d| d.state == DocflowState::Completed,
            )
            .await?;
        let files = self.download_results(&docflow, dir).await?;
        Ok(ExtractOutcome { docflow, files })
    }

    /// Looks at a docflow until `done` holds, it fails (→ [`Error::DocflowFailed`]) or the
    /// deadline passes (→ [`Error::Deadline`]). Polls start at a quarter of `interval`.
    pub async fn wait_docflow(
        &self,
        id: Uuid,
        deadline: Duration,
        interval: Duration,
        done: impl Fn(&Docflow) -> bool,
    ) -> Result<Docflow, Error> {
        let started = Instant::now();
        let mut pause = (interval / 4).max(Duration::from_millis(10));
        let mut last = None;
        loop {
            let d = self.docflow(id).await?;
            if last.as_ref() != Some(&d.state) {
                tracing::info!(docflow = %id, state = d.state.name(), "docflow state");
                last = Some(d.state.clone());
            }
            if done(&d) {
                return Ok(d);
            }
            if d.state == DocflowState::Error {
                return Err(Error::DocflowFailed {
                    docflow_id: id,
                    error: d.error.unwrap_or_default(),
                });
            }
            if started.elapsed() >= deadline {
                return Err(Error::Deadline {
                    docflow_id: id,
                    state: d.state.name().to_string(),
                });
            }
            tokio::time::sleep(pause.min(deadline.saturating_sub(started.elapsed()))).await;
            pause = (pause * 2).min(interval);
        }
    }

    /// Downloads every result file of a completed docflow, and Rosreestr's signatures of them
    /// (`<name>.sig`), into `dir`. Files are written under a temporary name and renamed when
    /// whole, so an interrupted download never leaves a truncated file under the final name.
    pub async fn download_results(
        &self,
        docflow: &Docflow,
        dir: &Path,
    ) -> Result<Vec<SavedFile>, Error> {
        let Some(result) = &docflow.result else {
            return Err(Error::Protocol(format!(
                "docflow {} is {} and has no result",
                docflow.docflow_id,
                docflow.state.name()
            )));
        };
        tokio::fs::create_dir_all(dir).await?;
        let mut saved = Vec::new();
        for (i, f) in result.files.iter().enumerate() {
            let name = file_name(&f.kind, i);
            saved.push(
                self.save(docflow.docflow_id, f.id, &f.kind, &dir.join(&name))
                    .await?,
            );
            for (j, s) in f.signatures.iter().enumerate() {
                let sig = match j {
                    0 => format!("{name}.sig"),
                    n => format!("{name}.{n}.sig"),
                };
                saved.push(
                    self.save(docflow.docflow_id, s.id, "signature", &dir.join(sig))
                        .await?,
                );
            }
        }
        Ok(saved)
    }

    async fn save(
        &self,
        docflow: Uuid,
        file: Uuid,
        kind: &str,
        path: &Path,
    ) -> Result<SavedFile, Error> {
        let part = kontur_transport::part_path(path);
        let mut out = tokio::fs::File::create(&part).await?;
        let size = self.download_file(docflow, file, &mut out).await?;
        out.sync_all().await?;
        drop(out);
        tokio::fs::rename(&part, path).await?;
        Ok(SavedFile {
            file_id: file,
            kind: kind.to_string(),
            path: path.to_path_buf(),
            size,
        })
    }
}

/// `egrn:extract_info:xml` → `00-egrn_extract_info.xml`; `egrn:outdoc` → `02-egrn_outdoc.zip`.
fn file_name(kind: &str, index: usize) -> String {
    let (stem, ext) = match kind.rsplit_once(':') {
        Some((stem, ext)) if matches!(ext, "xml" | "pdf" | "zip") => (stem, ext),
        _ if kind.ends_with("outdoc") => (kind, "zip"),
        _ => (kind, "bin"),
    };
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{index:02}-{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn result_file_names() {
        assert_eq!(
            super::file_name("egrn:extract_info:xml", 0),
            "00-egrn_extract_info.xml"
        );
        assert_eq!(
            super::file_name("extract_info:pdf", 1),
            "01-extract_info.pdf"
        );
        assert_eq!(super::file_name("egrn:outdoc", 2), "02-egrn_outdoc.zip");
        assert_eq!(super::file_name("../odd", 3), "03-___odd.bin");
    }
}
