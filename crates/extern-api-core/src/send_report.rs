//! The main workflow: send a report and follow it to its end.
//!
//! Create the draft → upload each file → add it with its signature (one call) → send as a task,
//! which checks the draft itself (a typed protocol on errors; never sent twice: a lost answer is
//! looked up, not repeated) → follow the docflow, answering every reply that falls due, until it
//! is finished or the deadline passes. Four calls to a docflow, besides task polls.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use extern_api_raw::prelude::*;
use extern_api_raw::types;
use uuid::Uuid;

use crate::check::CheckProtocol;
use crate::client::{ExternClient, Idempotency};
use crate::docflow::{DocflowExt, DocumentSummary};
use crate::error::Error;
use crate::journal::JournalEntry;
use crate::replies::SentReply;
use crate::signer::Signer;
use crate::tasks::{self, PollPolicy};
use crate::urn::{DocflowStatus, DocumentType, SuccessState};
use crate::validate::{self, InvalidInput};

/// Who receives the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// An FNS inspection, by its 4-digit code (test robots: 0087 accepts, 0088 rejects, 0085
    /// answers with a precise notice).
    Fns(String),
    /// A Rosstat territorial body, `NN-NN` (test robots: 00-87 accepts, 00-88 rejects).
    Rosstat(String),
}

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
        }
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
        match &self.recipient {
            Recipient::Fns(code) => validate::inspection(code)?,
            Recipient::Rosstat(code) => validate::togs(code)?,
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

/// A step of the workflow, for progress observers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// The draft was created.
    DraftCreated {
        /// Its id.
        draft_id: Uuid,
    },
    /// A file was uploaded, added to the draft and signed.
    FileAdded {
        /// The draft document's id.
        document_id: Uuid,
        /// Its file name.
        file_name: Option<String>,
    },
    /// The check found no errors (reported with the send, which checks the draft itself).
    Checked,
    /// The report was sent: the docflow exists.
    Sent {
        /// The docflow's id.
        docflow_id: Uuid,
    },
    /// The docflow's status or success state changed.
    Status {
        /// The new status.
        status: DocflowStatus,
        /// The new success state.
        success: SuccessState,
    },
    /// A reply (receipt) was sent.
    ReplySent {
        /// Its document type.
        reply_type: String,
    },
}

/// Watches the workflow's steps (e.g. to print them or drive a progress bar).
pub trait Progress: Send + Sync {
    /// Called for each step, in order.
    fn step(&self, step: &Step);
}

impl<F: Fn(&Step) + Send + Sync> Progress for F {
    fn step(&self, step: &Step) {
        self(step)
    }
}

/// How the report ended (or where it stood at the deadline).
#[derive(Debug, Clone)]
pub struct ReportOutcome {
    /// The draft the report was sent from.
    pub draft_id: Uuid,
    /// The docflow.
    pub docflow_id: Uuid,
    /// Its status when the workflow ended.
    pub status: DocflowStatus,
    /// Its success state then.
    pub success: SuccessState,
    /// Its documents.
    pub documents: Vec<DocumentSummary>,
    /// The replies the workflow sent.
    pub replies: Vec<SentReply>,
    /// The authority's refusals (rejection notices and errors), when it refused.
    pub rejections: Vec<DocumentSummary>,
    /// Whether the docflow reached `finished` before the deadline.
    pub finished: bool,
}

impl ExternClient {
    /// Sends a report and follows it to its final state, answering the replies that fall due.
    ///
    /// ```no_run
    /// # async fn demo(client: extern_api_core::ExternClient, signer: extern_api_core::SoftwareSigner, account: uuid::Uuid) -> Result<(), extern_api_core::Error> {
    /// use extern_api_core::{Recipient, ReportFile, ReportRequest};
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
        let meta = &meta;
        let draft = self
            .call(Idempotency::Once, move |c| async move {
                c.drafts_create()
                    .account_id(account)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner();
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
        for file in &request.files {
            let content_id = self.upload_bytes(account, &file.content).await?;
            let description = file
                .name
                .as_ref()
                .map(|n| types::DocumentDescriptionRequest {
                    filename: Some(n.clone()),
                    ..Default::default()
                });
            // A local signature rides along with the document: one call fewer per file. A cloud
            // signer signs the whole draft on the server once every file is in.
            let signature = match signer.remote() {
                None => Some(
                    base64::engine::general_purpose::STANDARD
                        .encode(signer.sign(&file.content).await?),
                ),
                Some(_) => None,
            };
            let body = types::DocumentRequest {
                content_id: Some(content_id),
                description,
                signature,
            };
            let body = &body;
            let doc = self
                .call(Idempotency::Once, move |c| async move {
                    c.draft_documents_add()
                        .account_id(account)
                        .draft_id(draft.id)
                        .body(body.clone())
                        .send()
                        .await
                })
                .await?
                .into_inner();
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

        if let Some(remote) = signer.remote() {
            remote.sign_draft(self, account, draft.id).await?;
        }
        let plan = Following {
            account,
            sender_ip: &request.sender_ip,
            deadline: request.deadline,
            interval: request.follow_interval,
            key,
        };
        self.check_send_follow(&plan, draft.id, &names, signer, &notify)
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
                status: crate::urn::DocflowStatus::parse(""),
                source: Box::new(source),
            };
            let docflow = self
                .account(account)
                .docflow(docflow_id)
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
        let deleted = self
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_delete()
                    .account_id(account)
                    .draft_id(draft_id)
                    .send()
                    .await
            })
            .await;
        if let Err(e) = deleted {
            tracing::debug!(error = %e, "the unsent draft could not be deleted; it stays unsent");
        }
        Ok(None)
    }

    /// Signs `content` locally and stores the signature on the draft's document.
    pub(crate) async fn sign_draft_document(
        &self,
        account: Uuid,
        draft: Uuid,
        document: Uuid,
        content: &[u8],
        signer: &dyn Signer,
    ) -> Result<(), Error> {
        let signature = signer.sign(content).await?;
        let sig = types::SignatureRequest {
            base64_content: base64::engine::general_purpose::STANDARD.encode(&signature),
            is_third_party_signature: Some(false),
        };
        let sig = &sig;
        self.call(Idempotency::Once, move |c| async move {
            c.draft_signatures_add()
                .account_id(account)
                .draft_id(draft)
                .document_id(document)
                .body(sig.clone())
                .send()
                .await
        })
        .await?;
        Ok(())
    }

    /// Sends a signed draft and follows the docflow to its final state, answering the replies
    /// that fall due. `names` pairs document ids with file names for error reports. The send
    /// task checks the draft itself and answers the check protocol when it has errors, so no
    /// separate check task is run (one round of task and polls fewer per report).
    pub(crate) async fn check_send_follow(
        &self,
        plan: &Following<'_>,
        draft_id: Uuid,
        names: &[(String, String)],
        signer: &dyn Signer,
        notify: &(dyn Fn(Step) + Sync),
    ) -> Result<ReportOutcome, Error> {
        let account = plan.account;
        let policy = PollPolicy {
            first_interval: Duration::from_millis(50),
            ..PollPolicy::default()
        };
        let sent = self
            .run_draft_task(account, draft_id, DraftTask::Send, &policy)
            .await?;
        self.sent(plan, draft_id, sent, names, signer, notify).await
    }

    /// After the send task: the docflow is recorded under the key (if any) and followed.
    async fn sent(
        &self,
        plan: &Following<'_>,
        draft_id: Uuid,
        sent: serde_json::Value,
        names: &[(String, String)],
        signer: &dyn Signer,
        notify: &(dyn Fn(Step) + Sync),
    ) -> Result<ReportOutcome, Error> {
        let docflow: types::Docflow = send_result(sent, names)?;
        let (docflow_id, status) = (docflow.id, docflow.status());
        let after_filing = |source| Error::AfterFiling {
            draft_id,
            docflow_id,
            status: status.clone(),
            source: Box::new(source),
        };
        if let Some(key) = plan.key {
            let entry = JournalEntry {
                draft_id: Some(draft_id),
                docflow_id: Some(docflow_id),
            };
            self.journal()
                .save(key, entry)
                .await
                .map_err(after_filing)?;
        }
        notify(Step::Checked);
        notify(Step::Sent { docflow_id });
        self.follow(plan, draft_id, docflow, signer, notify)
            .await
            .map_err(after_filing)
    }

    /// Follows a docflow that exists already — after an [`Error::AfterFiling`], or one filed by
    /// another process — to its final state or `deadline`, answering the replies that fall due,
    /// exactly as [`send_report`](Self::send_report) does after sending.
    pub async fn follow_docflow(
        &self,
        account: Uuid,
        docflow_id: Uuid,
        signer: &dyn Signer,
        sender_ip: &str,
        deadline: Duration,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<ReportOutcome, Error> {
        let docflow = self.account(account).docflow(docflow_id).await?;
        let draft_id = docflow
            .description
            .get("original-draft-id")
            .and_then(|v| v.as_str())
            .and_then(|v| v.parse().ok())
            .unwrap_or_default();
        let plan = Following {
            account,
            sender_ip,
            deadline,
            interval: Duration::from_secs(5),
            key: None,
        };
        let notify = notifier(progress.as_deref());
        self.follow(&plan, draft_id, docflow, signer, &notify).await
    }

    async fn follow(
        &self,
        plan: &Following<'_>,
        draft_id: Uuid,
        mut docflow: types::Docflow,
        signer: &dyn Signer,
        notify: &(dyn Fn(Step) + Sync),
    ) -> Result<ReportOutcome, Error> {
        let account = plan.account;
        let started = Instant::now();
        let mut replies = Vec::new();
        let mut last = None;
        let mut interval = plan.interval.min(Duration::from_millis(100));
        loop {
            let state = (docflow.status(), docflow.success_state());
            if last.as_ref() != Some(&state) {
                notify(Step::Status {
                    status: state.0.clone(),
                    success: state.1.clone(),
                });
                last = Some(state.clone());
            }
            if !docflow.due_replies().is_empty() {
                match self
                    .answer_due_replies(account, docflow.clone(), signer, plan.sender_ip)
                    .await
                {
                    Ok((sent, after)) => {
                        for r in &sent {
                            notify(Step::ReplySent {
                                reply_type: r.reply_type.clone(),
                            });
                        }
                        replies.extend(sent);
                        docflow = after;
                        continue;
                    }
                    // Read the docflow again and see what is still due: a reply whose answer
                    // was lost shows as sent there, and is not sent twice.
                    Err(e) if passing(&e) && started.elapsed() < plan.deadline => {
                        tracing::warn!(error = %e, "answering a reply failed; reading the docflow again");
                    }
                    Err(e) => return Err(e),
                }
            }
            let finished = state.0.is_final();
            if finished || started.elapsed() >= plan.deadline {
                let documents = docflow.summaries();
                let rejections = documents
                    .iter()
                    .filter(|d| {
                        matches!(
                            d.document_type,
                            DocumentType::Fns534ReportAcceptanceNegative
                                | DocumentType::StatReportProtocolNegative
                                | DocumentType::Error
                        ) || d
                            .document_type
                            .name()
                            .ends_with("acceptance-result-negative")
                    })
                    .cloned()
                    .collect();
                return Ok(ReportOutcome {
                    draft_id,
                    docflow_id: docflow.id,
                    status: state.0,
                    success: state.1,
                    documents,
                    replies,
                    rejections,
                    finished,
                });
            }
            tokio::time::sleep(interval).await;
            interval = (interval * 2).min(plan.interval);
            let id = docflow.id;
            match self
                .call(Idempotency::Idempotent, move |c| async move {
                    c.docflows_get()
                        .account_id(account)
                        .docflow_id(id)
                        .send()
                        .await
                })
                .await
            {
                Ok(read) => docflow = read.into_inner(),
                // The retries of one read ran out: the docflow is still there to be followed.
                Err(e) if passing(&e) && started.elapsed() < plan.deadline => {
                    tracing::warn!(error = %e, "reading the docflow failed; following on");
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Starts a draft task and waits for its result. A send whose answer is lost is never
    /// repeated blindly: the draft is looked up and the send task it already has is followed.
    async fn run_draft_task(
        &self,
        account: Uuid,
        draft: Uuid,
        task: DraftTask,
        policy: &PollPolicy,
    ) -> Result<serde_json::Value, Error> {
        let started = match task {
            DraftTask::Check => {
                self.call(Idempotency::Once, move |c| async move {
                    c.drafts_check()
                        .account_id(account)
                        .draft_id(draft)
                        .deferred(true)
                        .send()
                        .await
                })
                .await
            }
            DraftTask::Send => {
                self.call(Idempotency::Once, move |c| async move {
                    c.drafts_send()
                        .account_id(account)
                        .draft_id(draft)
                        .deferred(true)
                        .force(false)
                        .send()
                        .await
                })
                .await
            }
        };
        let task_id = match started {
            Ok(t) => t.into_inner().id,
            Err(e)
                if task == DraftTask::Send
                    && (e.is_transient() || e.status().is_some_and(|s| s >= 500)) =>
            {
                tracing::warn!(error = %e, "the send answer was lost; looking the draft up before anything else");
                match self.find_send(account, draft).await? {
                    Some(id) => id,
                    None => {
                        self.call(Idempotency::Once, move |c| async move {
                            c.drafts_send()
                                .account_id(account)
                                .draft_id(draft)
                                .deferred(true)
                                .force(false)
                                .send()
                                .await
                        })
                        .await?
                        .into_inner()
                        .id
                    }
                }
            }
            Err(e) => return Err(e),
        };
        let done = tasks::wait(policy, || async {
            Ok(self
                .call(Idempotency::Idempotent, move |c| async move {
                    c.drafts_get_task()
                        .account_id(account)
                        .draft_id(draft)
                        .api_task_id(task_id)
                        .send()
                        .await
                })
                .await?
                .into_inner())
        })
        .await?;
        tasks::result(done)
    }

    /// Waits for a draft task (check, prepare, send) started earlier — e.g. by a process that
    /// stopped — from its saved id, and returns its result.
    pub async fn wait_draft_task(
        &self,
        account: Uuid,
        draft: Uuid,
        task_id: Uuid,
        policy: &PollPolicy,
    ) -> Result<serde_json::Value, Error> {
        let done = tasks::wait(policy, || async {
            Ok(self
                .call(Idempotency::Idempotent, move |c| async move {
                    c.drafts_get_task()
                        .account_id(account)
                        .draft_id(draft)
                        .api_task_id(task_id)
                        .send()
                        .await
                })
                .await?
                .into_inner())
        })
        .await?;
        tasks::result(done)
    }

    /// Checks a draft and returns its protocol (errors and warnings; empty when all is well).
    pub async fn check_draft(
        &self,
        account: Uuid,
        draft: Uuid,
        policy: &PollPolicy,
    ) -> Result<CheckProtocol, Error> {
        let result = self
            .run_draft_task(account, draft, DraftTask::Check, policy)
            .await?;
        Ok(CheckProtocol::from_json(&result["data"], &[]))
    }

    /// The send task a draft already has, if the server took the send.
    async fn find_send(&self, account: Uuid, draft: Uuid) -> Result<Option<Uuid>, Error> {
        let page = self
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_get_tasks()
                    .account_id(account)
                    .draft_id(draft)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(page
            .api_task_page_items
            .iter()
            .rev()
            .find(|t| t.task_type.as_deref() == Some("urn:task-type:send"))
            .and_then(|t| t.id))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DraftTask {
    Check,
    Send,
}

fn draft_meta(request: &ReportRequest, signer: &dyn Signer) -> types::DraftMeta {
    let certificate = types::CertificateContent {
        content: base64::engine::general_purpose::STANDARD.encode(signer.certificate()),
    };
    let (ifns, togs) = match &request.recipient {
        Recipient::Fns(c) => (Some(c.clone()), None),
        Recipient::Rosstat(c) => (None, Some(c.clone())),
    };
    types::DraftMeta {
        sender: Some(types::Sender {
            inn: request.sender_inn.clone(),
            kpp: request.sender_kpp.clone(),
            certificate: Some(certificate),
            ipaddress: Some(request.sender_ip.clone()),
            is_representative: Some(false),
            name: None,
        }),
        recipient: Some(types::Recipient {
            ifns_code: ifns,
            togs_code: togs,
            ..Default::default()
        }),
        payer: Some(types::Payer {
            inn: Some(request.sender_inn.clone()),
            organization: request
                .sender_kpp
                .clone()
                .map(|kpp| types::PayerOrganization { kpp: Some(kpp) }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Logs each step and passes it to the caller's observer, if any.
pub(crate) fn notifier(progress: Option<&dyn Progress>) -> impl Fn(Step) + Sync + '_ {
    move |s: Step| {
        tracing::info!(step = ?s);
        if let Some(p) = progress {
            p.step(&s);
        }
    }
}

/// Where and how long a sent draft is followed.
/// A failure the follow loop outlives until its deadline: the network, time-outs, 429 and 5xx.
fn passing(e: &Error) -> bool {
    e.is_transient() || e.status().is_some_and(|s| s >= 500)
}

pub(crate) struct Following<'a> {
    pub account: Uuid,
    pub sender_ip: &'a str,
    pub deadline: Duration,
    pub interval: Duration,
    /// The idempotency key the docflow is recorded under once it exists.
    pub key: Option<&'a str>,
}

/// The send task's result: a docflow — or, the vendor's quirk, an error object in a `succeed` task.
fn send_result(
    result: serde_json::Value,
    names: &[(String, String)],
) -> Result<types::Docflow, Error> {
    let is_error = result
        .get("id")
        .and_then(|v| v.as_str())
        .is_some_and(|id| id.starts_with("urn:error:"));
    if is_error {
        if let Some(check) = result.get("check-result") {
            return Err(Error::CheckFailed(CheckProtocol::from_json(check, names)));
        }
        let field = |k: &str| {
            result
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        return Err(Error::Api {
            status: result
                .get("status-code")
                .and_then(|v| v.as_u64())
                .unwrap_or(400) as u16,
            id: field("id"),
            message: field("message"),
            trace_id: result
                .get("trace-id")
                .and_then(|v| v.as_str())
                .map(String::from),
        });
    }
    serde_json::from_value(result)
        .map_err(|e| Error::Protocol(format!("the send task's result is not a docflow: {e}")))
}
