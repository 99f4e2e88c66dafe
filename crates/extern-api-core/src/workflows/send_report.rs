//! The main workflow: send a report and follow it to its end.
//!
//! Create the draft → upload each file → add it with its signature (one call) → send as a task,
//! which checks the draft itself (a typed protocol on errors; never sent twice: a lost answer is
//! looked up, not repeated) → follow the docflow, answering every reply that falls due, until it
//! is finished or the deadline passes. Four calls to a docflow, besides task polls.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use extern_api_raw::types;
use uuid::Uuid;

use super::ReportOutcome;
use crate::api::PollPolicy;
use crate::crypto::Signer;
use crate::engine::follow::Following;
use crate::engine::progress::{Progress, Step, notifier};
use crate::model::urn::DocflowStatus;
use crate::model::validate::{self, InvalidInput};
use crate::stores::JournalEntry;
use crate::{Error, ExternClient};

/// Who receives the report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recipient {
    /// An FNS inspection, by its 4-digit code (test robots: 0087 accepts, 0088 rejects, 0085
    /// answers with a precise notice).
    Fns(String),
    /// A Rosstat territorial body, `NN-NN` (test robots: 00-87 accepts, 00-88 rejects).
    Rosstat(String),
    /// The Social Fund (ЕФС-1, АДВ-1/2/3), by the payer's registration number ЕРН
    /// (`NNN-NNN-NNNNNN`): the office is read from it. The first file is the report: it is
    /// signed inside with an enveloped XMLDsig (the warrant's МЧД id in the signature block for a
    /// representative), the other files are attachments signed beside. Sandbox test offices:
    /// `000-088-…` declines, `000-085-…` answers with a refinement notice, others accept.
    Sfr(String),
}

/// The Social Fund's document types (docs/specification/типы документов.rst).
const SFR_REPORT_DOCUMENT: &str = "urn:document:sfr-report-report-document";
const SFR_REPORT_ATTACHMENT: &str = "urn:document:sfr-report-attachment";

/// One file of the report: the report itself, a representation message or an attachment.
#[derive(Debug, Clone)]
pub struct ReportFile {
    /// The file name; for FNS XML it must equal the file's ИдФайл (the server detects it when
    /// `None`).
    pub name: Option<String>,
    /// The file's bytes.
    pub content: bytes::Bytes,
}

impl ReportFile {
    /// A file whose name and type the server reads from its content.
    pub fn new(content: impl Into<bytes::Bytes>) -> Self {
        Self {
            name: None,
            content: content.into(),
        }
    }

    /// Reads a file from disk, keeping its name.
    pub async fn read(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let content = tokio::fs::read(path)
            .await
            .map_err(|e| Error::io(path, e))?;
        Ok(Self {
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            content: content.into(),
        })
    }
}

/// Filing for another organization (the payer) as its representative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Representation {
    /// The payer's INN (checked locally, check digits included).
    pub payer_inn: String,
    /// The payer's KPP (companies).
    pub payer_kpp: Option<String>,
    /// The machine-readable warrant (МЧД) the payer gave the representative (see
    /// [`Warrants`](crate::api::Warrants)); `None` when a paper warrant goes with the report as a
    /// file of its own.
    pub warrant_id: Option<Uuid>,
}

/// What to send, from whom, to whom.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// The account the report is sent from.
    pub account_id: Uuid,
    /// The sender's INN (checked locally, check digits included).
    pub sender_inn: String,
    /// The sender's KPP (companies).
    pub sender_kpp: Option<String>,
    /// The authority that receives the report.
    pub recipient: Recipient,
    /// The report first, then warrants and attachments.
    pub files: Vec<ReportFile>,
    /// The sender's IP address, which the vendor records.
    pub sender_ip: String,
    /// Stop following the docflow after this long (the report stays sent).
    pub deadline: Duration,
    /// How often the docflow is looked at while waiting for the authority.
    pub follow_interval: Duration,
    /// Files the report at most once under this key: a `send_report` repeated with the same key
    /// — after an error, or by a restarted process with a durable journal
    /// ([`ExternClientBuilder::journal`](crate::ExternClientBuilder::journal)) — continues
    /// with the draft or docflow already made instead of filing again. `None`: no such memory.
    pub idempotency_key: Option<String>,
    /// Filing as the representative of another organization: the sender is the representative,
    /// the payer the organization. `None`: the sender files for itself.
    pub representing: Option<Representation>,
}

impl ReportRequest {
    /// A request with the usual defaults: a 10-minute deadline, looking every second.
    pub fn new(
        account_id: Uuid,
        sender_inn: impl Into<String>,
        sender_kpp: Option<String>,
        recipient: Recipient,
        files: Vec<ReportFile>,
    ) -> Self {
        Self {
            account_id,
            sender_inn: sender_inn.into(),
            sender_kpp,
            recipient,
            files,
            sender_ip: "127.0.0.1".into(),
            deadline: Duration::from_secs(600),
            follow_interval: Duration::from_secs(1),
            idempotency_key: None,
            representing: None,
        }
    }

    /// This request filed as the representative of the payer `payer_inn`/`payer_kpp` under the
    /// machine-readable warrant `warrant_id`.
    pub fn on_behalf_of(
        mut self,
        payer_inn: impl Into<String>,
        payer_kpp: Option<String>,
        warrant_id: Option<Uuid>,
    ) -> Self {
        self.representing = Some(Representation {
            payer_inn: payer_inn.into(),
            payer_kpp,
            warrant_id,
        });
        self
    }

    /// Sets the idempotency key to a digest of what is filed — account, sender, recipient and
    /// every file's name and bytes — so that the same report asked twice is filed once even when
    /// the caller keeps no key of its own. (A corrected report has other bytes: another key.)
    pub fn with_derived_key(mut self) -> Self {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(self.account_id.as_bytes());
        h.update(self.sender_inn.as_bytes());
        h.update([0]);
        h.update(self.sender_kpp.as_deref().unwrap_or("").as_bytes());
        h.update([0]);
        h.update(format!("{:?}", self.recipient).as_bytes());
        h.update(format!("{:?}", self.representing).as_bytes());
        for file in &self.files {
            h.update([1]);
            h.update(file.name.as_deref().unwrap_or("").as_bytes());
            h.update([0]);
            h.update((file.content.len() as u64).to_le_bytes());
            h.update(&file.content);
        }
        let digest = h.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.idempotency_key = Some(format!("report-sha256:{hex}"));
        self
    }

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::inn(&self.sender_inn)?;
        if let Some(kpp) = &self.sender_kpp {
            validate::kpp(kpp)?;
        }
        if let Some(r) = &self.representing {
            validate::inn(&r.payer_inn)?;
            if let Some(kpp) = &r.payer_kpp {
                validate::kpp(kpp)?;
            }
        }
        match &self.recipient {
            Recipient::Fns(code) => validate::inspection(code)?,
            Recipient::Rosstat(code) => validate::togs(code)?,
            Recipient::Sfr(number) => validate::sfr_registration_number(number)?,
        }
        if self.files.is_empty() {
            return Err(InvalidInput::new(
                "files",
                "a report needs at least one file",
            ));
        }
        if let Some(i) = self.files.iter().position(|f| f.content.is_empty()) {
            let name = self.files[i]
                .name
                .clone()
                .unwrap_or_else(|| format!("file #{}", i + 1));
            return Err(InvalidInput::new("files", format!("{name} is empty")));
        }
        Ok(())
    }
}

impl ExternClient {
    /// Sends a report and follows it to its final state, answering the replies that fall due.
    ///
    /// ```no_run
    /// # async fn demo(client: extern_api_core::ExternClient, signer: extern_api_core::crypto::SoftwareSigner, account: uuid::Uuid) -> Result<(), extern_api_core::Error> {
    /// use extern_api_core::workflows::{Recipient, ReportFile, ReportRequest};
    ///
    /// let file = ReportFile::read("NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml").await?;
    /// let request = ReportRequest::new(account, "6676130154", Some("667601001".into()), Recipient::Fns("0087".into()), vec![file]);
    /// let outcome = client.send_report(&request, &signer, None).await?;
    /// println!("{:?} / {:?}", outcome.status, outcome.success);
    /// # Ok(()) }
    /// ```
    #[tracing::instrument(skip_all, fields(account = %request.account_id, recipient = ?request.recipient))]
    pub async fn send_report(
        &self,
        request: &ReportRequest,
        signer: &dyn Signer,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<ReportOutcome, Error> {
        request.validate()?;
        if matches!(request.recipient, Recipient::Sfr(_)) && signer.xml_algorithms().is_none() {
            return Err(Error::signing(
                "the Social Fund takes its reports signed inside (XMLDsig): this signer cannot sign XML",
            ));
        }
        let notify = notifier(progress.as_deref());
        let account = request.account_id;
        let key = request.idempotency_key.as_deref();
        if let Some(key) = key
            && let Some(entry) = self.journal().load(key).await?
            && let Some(outcome) = self.resume(request, key, entry, signer, &notify).await?
        {
            return Ok(outcome);
        }
        let meta = draft_meta(request, signer);
        let drafts = self.account(account).drafts();
        let draft = drafts.create(&meta).await?;
        notify(Step::DraftCreated { draft_id: draft.id });
        if let Some(key) = key {
            self.journal()
                .save(
                    key,
                    JournalEntry {
                        draft_id: Some(draft.id),
                        docflow_id: None,
                    },
                )
                .await?;
        }

        let mut names = Vec::new();
        let mut unsigned = Vec::new();
        let sfr = matches!(request.recipient, Recipient::Sfr(_));
        for (i, file) in request.files.iter().enumerate() {
            // The Social Fund's report is signed inside (XMLDsig), not beside.
            let signed_inside = sfr && i == 0;
            let content = if signed_inside {
                let warrant = request.representing.as_ref().and_then(|r| r.warrant_id);
                crate::crypto::sign_enveloped(signer, &file.content, warrant)
                    .await?
                    .into()
            } else {
                file.content.clone()
            };
            let content_id = self
                .account(account)
                .contents()
                .upload_bytes(&content)
                .await?;
            let doc_type = match (sfr, signed_inside) {
                (true, true) => Some(SFR_REPORT_DOCUMENT.to_string()),
                (true, false) => Some(SFR_REPORT_ATTACHMENT.to_string()),
                _ => None,
            };
            let description = (file.name.is_some() || doc_type.is_some()).then(|| {
                types::DocumentDescriptionRequest {
                    filename: file.name.clone(),
                    type_: doc_type,
                    ..Default::default()
                }
            });
            // A signature made here rides along with the document: one call fewer per file.
            let signature = if signed_inside {
                None
            } else {
                signer.signature_to_attach(&content).await?
            };
            let body = types::DocumentRequest {
                content_id: Some(content_id),
                description,
                signature: signature
                    .as_ref()
                    .map(|s| base64::engine::general_purpose::STANDARD.encode(s)),
            };
            let doc = drafts.add_document(draft.id, &body).await?;
            if signature.is_none() && !signed_inside {
                unsigned.push(doc.id);
            }
            let name = doc
                .description
                .and_then(|d| d.filename)
                .or_else(|| file.name.clone());
            names.push((doc.id.to_string(), name.clone().unwrap_or_default()));
            notify(Step::FileAdded {
                document_id: doc.id,
                file_name: name,
            });
        }
        if !unsigned.is_empty() {
            signer
                .sign_draft_documents(self, account, draft.id, &unsigned)
                .await?;
        }
        let plan = Following {
            account,
            sender_ip: &request.sender_ip,
            deadline: request.deadline,
            interval: request.follow_interval,
            key,
        };
        self.send_and_follow(&plan, draft.id, &names, signer, &notify)
            .await
    }

    /// Continues a `send_report` whose key the journal knows: follows the docflow it filed, or
    /// the send its draft already has; `None` when the draft was never sent (it is deleted, and
    /// the report is filed afresh).
    async fn resume(
        &self,
        request: &ReportRequest,
        key: &str,
        entry: JournalEntry,
        signer: &dyn Signer,
        notify: &(dyn Fn(Step) + Sync),
    ) -> Result<Option<ReportOutcome>, Error> {
        let account = request.account_id;
        let plan = Following {
            account,
            sender_ip: &request.sender_ip,
            deadline: request.deadline,
            interval: request.follow_interval,
            key: Some(key),
        };
        if let Some(docflow_id) = entry.docflow_id {
            tracing::info!(key, %docflow_id, "already filed under this key: following it");
            let draft_id = entry.draft_id.unwrap_or_default();
            let after_filing = |source| Error::AfterFiling {
                draft_id,
                docflow_id,
                status: DocflowStatus::parse(""),
                source: Box::new(source),
            };
            let docflow = self
                .account(account)
                .docflows()
                .get(docflow_id)
                .await
                .map_err(after_filing)?;
            return self
                .follow(&plan, draft_id, docflow, signer, notify)
                .await
                .map(Some)
                .map_err(after_filing);
        }
        let Some(draft_id) = entry.draft_id else {
            return Ok(None);
        };
        // A draft that is gone (deleted by an earlier resume whose fresh start then failed) was
        // never sent: start afresh.
        let send = match self.find_send(account, draft_id).await {
            Err(e) if e.status() == Some(404) => return Ok(None),
            other => other?,
        };
        if let Some(task) = send {
            tracing::info!(key, %draft_id, "the draft was sent under this key: following its send");
            let sent = self
                .wait_draft_task(account, draft_id, task, &PollPolicy::default())
                .await?;
            return self
                .sent(&plan, draft_id, sent, &[], signer, notify)
                .await
                .map(Some);
        }
        tracing::info!(key, %draft_id, "the draft under this key was never sent: filing afresh");
        let deleted = self.account(account).drafts().delete(draft_id).await;
        if let Err(e) = deleted {
            tracing::debug!(error = %format!("{e:#}"), "the unsent draft could not be deleted; it stays unsent");
        }
        Ok(None)
    }
}

fn draft_meta(request: &ReportRequest, signer: &dyn Signer) -> types::DraftMeta {
    let certificate = types::CertificateContent {
        content: base64::engine::general_purpose::STANDARD.encode(signer.certificate()),
    };
    let (ifns, togs, ern) = match &request.recipient {
        Recipient::Fns(c) => (Some(c.clone()), None, None),
        Recipient::Rosstat(c) => (None, Some(c.clone()), None),
        // The office is read from the ЕРН (docs/scenarios/SFR/sfr.rst).
        Recipient::Sfr(n) => (None, None, Some(n.clone())),
    };
    // A representative files for the payer; otherwise the sender is the payer.
    let (payer_inn, payer_kpp) = match &request.representing {
        Some(r) => (r.payer_inn.clone(), r.payer_kpp.clone()),
        None => (request.sender_inn.clone(), request.sender_kpp.clone()),
    };
    let warrant = request.representing.as_ref().and_then(|r| r.warrant_id);
    types::DraftMeta {
        sender: Some(types::Sender {
            inn: request.sender_inn.clone(),
            kpp: request.sender_kpp.clone(),
            certificate: Some(certificate),
            ipaddress: Some(request.sender_ip.clone()),
            is_representative: Some(request.representing.is_some()),
            name: None,
        }),
        recipient: Some(types::Recipient {
            ifns_code: ifns,
            togs_code: togs,
            ..Default::default()
        }),
        payer: Some(types::Payer {
            inn: Some(payer_inn),
            organization: payer_kpp.map(|kpp| types::PayerOrganization { kpp: Some(kpp) }),
            registration_number_sfr: ern,
            ..Default::default()
        }),
        additional_info: warrant.map(|id| types::AdditionalInfo {
            machine_readable_warrant_id: Some(id),
            ..Default::default()
        }),
        ..Default::default()
    }
}
