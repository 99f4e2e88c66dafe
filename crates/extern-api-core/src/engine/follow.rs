//! Following a sent draft to its end: the send task's result becomes the docflow (or the check
//! protocol), the docflow is recorded under the caller's key, then read again and again —
//! answering every reply that falls due — until it is final or the deadline passes. Failures the
//! loop outlives and the documents that mean a refusal are data, below.

use std::sync::Arc;
use std::time::{Duration, Instant};

use extern_api_raw::types;
use uuid::Uuid;

use super::progress::{Progress, Step, notifier};
use super::replies::SentReply;
use crate::api::PollPolicy;
use crate::crypto::Signer;
use crate::model::urn::{DocflowStatus, DocumentType, SuccessState};
use crate::model::{CheckProtocol, DocflowExt, DocumentSummary};
use crate::stores::JournalEntry;
use crate::{Error, ExternClient};

/// The documents that say the authority refused: these types, and every negative acceptance
/// result, refusal notice or error whatever its authority — the C# SDK's summaries name them so:
/// SFR/PFR «Уведомление об отказе в приеме пакета» (`…-decline-notice`), «Отказ в приеме пакета»
/// (`…-rejection-notice`), «Результат рассмотрения с перечнем выявленных …» (`…-reception-result-negative`),
/// SEDO «Ошибка обработки» / «Ошибка взаимодействия с СЭДО» (`…-error-message`, `…-exchange-error`),
/// PFR «Описание ошибки, возникшей в ходе ДО» (`…-error-description`).
const REFUSAL_TYPES: &[DocumentType] = &[
    DocumentType::Fns534ReportAcceptanceNegative,
    DocumentType::StatReportProtocolNegative,
    DocumentType::Error,
    DocumentType::FssReportError,
    DocumentType::FssReportErrorReceipt,
    DocumentType::SfrReportImpossibleDeliveryNotice,
];
const REFUSAL_SUFFIXES: &[&str] = &[
    "acceptance-result-negative",
    "decline-notice",
    "rejection-notice",
    "reception-result-negative",
    "error-message",
    "exchange-error",
    "error-description",
];

fn is_refusal(t: &DocumentType) -> bool {
    REFUSAL_TYPES.contains(t) || REFUSAL_SUFFIXES.iter().any(|s| t.name().ends_with(s))
}

/// A failure the follow loop outlives until its deadline: the network, time-outs, 429 and 5xx.
fn passing(e: &Error) -> bool {
    e.is_transient() || e.status().is_some_and(|s| s >= 500)
}

/// Where and how long a sent draft is followed.
pub(crate) struct Following<'a> {
    pub account: Uuid,
    pub sender_ip: &'a str,
    pub deadline: Duration,
    pub interval: Duration,
    /// The idempotency key the docflow is recorded under once it exists.
    pub key: Option<&'a str>,
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
    /// Sends a signed draft and follows the docflow to its final state, answering the replies
    /// that fall due. `names` pairs document ids with file names for error reports. The send
    /// task checks the draft itself and answers the check protocol when it has errors, so no
    /// separate check task is run (one round of task and polls fewer per report).
    pub(crate) async fn send_and_follow(
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
        let sent = self.send_draft(account, draft_id, &policy).await?;
        self.sent(plan, draft_id, sent, names, signer, notify).await
    }

    /// After the send task: the docflow is recorded under the key (if any) and followed.
    pub(crate) async fn sent(
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
        let docflow = self.account(account).docflows().get(docflow_id).await?;
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

    pub(crate) async fn follow(
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
                        tracing::warn!(error = %format!("{e:#}"), "answering a reply failed; reading the docflow again");
                    }
                    Err(e) => return Err(e),
                }
            }
            let finished = state.0.is_final();
            if finished || started.elapsed() >= plan.deadline {
                let documents = docflow.summaries();
                let rejections = documents
                    .iter()
                    .filter(|d| is_refusal(&d.document_type))
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
            match self.account(account).docflows().get(docflow.id).await {
                Ok(read) => docflow = read,
                // The retries of one read ran out: the docflow is still there to be followed.
                Err(e) if passing(&e) && started.elapsed() < plan.deadline => {
                    tracing::warn!(error = %format!("{e:#}"), "reading the docflow failed; following on");
                }
                Err(e) => return Err(e),
            }
        }
    }
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
        .map_err(|e| Error::protocol_with("the send task's result is not a docflow", e))
}

#[cfg(test)]
mod tests {
    use super::is_refusal;
    use crate::model::urn::DocumentType;

    #[test]
    fn refusals_of_every_authority_are_recognized() {
        for refusal in [
            "fns534-report-acceptance-result-negative",
            "sfr-report-decline-notice",
            "sfr-report-impossible-delivery-notice",
            "pfr-ancillary-rejection-notice",
            "pfr-ancillary-reception-result-negative",
            "fss-sedo-proactive-payments-reply-exchange-error",
            "fss-report-error",
        ] {
            let t = DocumentType::parse(&format!("urn:document:{refusal}"));
            assert!(!matches!(t, DocumentType::Unknown(_)), "{refusal} is typed");
            assert!(is_refusal(&t), "{refusal} is a refusal");
        }
        for fine in [
            "sfr-report-protocol-check",
            "sfr-report-acknowledgement",
            "fns534-report-processing-result-ok",
            "pfr-ancillary-reception-result-positive",
        ] {
            assert!(
                !is_refusal(&DocumentType::parse(&format!("urn:document:{fine}"))),
                "{fine}"
            );
        }
    }
}
