//! Answering an FNS requirement (`fns534-demand`): the receipt, the decrypted contents the check
//! needs, `check-demand`, then the acceptance (КоП) or the decline (УО, with the error codes the
//! check allows). Each step is a method; [`ExternClient::answer_demand`] runs them all.
//! Documents the demand asks for go in a separate inventory docflow (not built here yet).

use extern_api_raw::prelude::*;
use extern_api_raw::types;
use uuid::Uuid;

use crate::client::{ExternClient, Idempotency};
use crate::contents::TransferOptions;
use crate::decryptor::Decryptor;
use crate::docflow::{DocflowExt, DueReply};
use crate::error::Error;
use crate::signer::Signer;

/// The receipt (извещение о получении).
pub const RECEIPT: &str = "fns534-demand-receipt";
/// The acceptance (квитанция о приёме, КоП).
pub const ACCEPTANCE: &str = "fns534-demand-acceptance-result-positive";
/// The decline (уведомление об отказе, УО).
pub const DECLINE: &str = "fns534-demand-acceptance-result-negative";
/// The demand KNDs whose answer is an inventory of documents.
pub const INVENTORY_KNDS: &[&str] = &["1165050", "1165013", "1152006", "1153007", "1125008"];
/// The largest encrypted document decrypted in memory (demands are small XML/PDF files).
const MAX_SEALED: u64 = 64 << 20;

/// What the demand's description says about time and state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DemandTerms {
    /// The receipt is due by then.
    pub receipt_deadline: Option<chrono::DateTime<chrono::Utc>>,
    /// The acceptance or decline (and any inventory) is due by then.
    pub reply_deadline: Option<chrono::DateTime<chrono::Utc>>,
    /// `receipt-status` as the service reports it.
    pub receipt_status: Option<String>,
    /// `replies-status` as the service reports it.
    pub replies_status: Option<String>,
    /// The demand's number.
    pub number: Option<String>,
    /// The KNDs of the demand's attachments (what it asks).
    pub knds: Vec<String>,
}

impl DemandTerms {
    /// Reads a demand docflow's description; missing or unreadable fields stay `None`.
    pub fn of(docflow: &types::Docflow) -> Self {
        let d = &docflow.description;
        let text = |k: &str| d.get(k).and_then(|v| v.as_str()).map(String::from);
        let date = |k: &str| {
            d.get(k)
                .cloned()
                .and_then(|v| serde_json::from_value::<extern_api_raw::lenient::DateTime>(v).ok())
                .map(|t| t.0)
        };
        let knds = d
            .get("form-versions")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.get("knd").and_then(|k| k.as_str()).map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            receipt_deadline: date("receipt-deadline-date"),
            reply_deadline: date("reply-deadline-date"),
            receipt_status: text("receipt-status"),
            replies_status: text("replies-status"),
            number: text("demand-number"),
            knds,
        }
    }

    /// Whether the demand asks for documents (answered by an inventory).
    pub fn asks_for_documents(&self) -> bool {
        self.knds
            .iter()
            .any(|k| INVENTORY_KNDS.contains(&k.as_str()))
    }
}

/// How to answer after the check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemandDecision {
    /// Decline with the codes the check found, accept when it found none.
    FollowCheck,
    /// Accept whatever the check says.
    Accept,
    /// Decline with these codes (the service allows only the documented ones).
    Decline(Vec<String>),
}

/// What [`ExternClient::answer_demand`] did.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DemandOutcome {
    /// The deadlines and requests of the demand.
    pub terms: DemandTerms,
    /// How many documents were decrypted and stored.
    pub decrypted: usize,
    /// The codes `check-demand` found (empty: nothing wrong).
    pub check_codes: Vec<String>,
    /// `None` when accepted, the codes when declined.
    pub declined_with: Option<Vec<String>>,
    /// The docflow after the answer.
    pub docflow: types::Docflow,
}

impl ExternClient {
    /// Sends the demand's receipt if it is still due; answers the docflow after.
    pub async fn send_demand_receipt(
        &self,
        account_id: Uuid,
        docflow: types::Docflow,
        signer: &dyn Signer,
        sender_ip: &str,
    ) -> Result<types::Docflow, Error> {
        match due(&docflow, RECEIPT) {
            Some(receipt) => Ok(self
                .answer_reply(account_id, docflow.id, &receipt, signer, sender_ip)
                .await?
                .1),
            None => Ok(docflow),
        }
    }

    /// Decrypts every encrypted document not yet decrypted and stores the plain content on the
    /// docflow (the check needs it): locally, or in the cloud when the decryptor is remote.
    /// Answers how many were decrypted.
    pub async fn decrypt_docflow(
        &self,
        account_id: Uuid,
        docflow: &types::Docflow,
        decryptor: &dyn Decryptor,
    ) -> Result<usize, Error> {
        let mut done = 0;
        for doc in &docflow.documents {
            let contents = doc
                .content
                .as_ref()
                .map(|c| c.docflow_document_contents.as_slice())
                .unwrap_or_default();
            let Some(sealed) = contents
                .iter()
                .find(|c| c.encrypted == Some(true))
                .and_then(|c| c.content_id)
            else {
                continue;
            };
            if contents.iter().any(|c| c.encrypted == Some(false)) {
                continue; // already decrypted
            }
            if let Some(remote) = decryptor.remote() {
                remote
                    .decrypt_document(self, account_id, docflow.id, doc.id)
                    .await?;
            } else {
                let plain = self
                    .open_locally(account_id, sealed, decryptor)
                    .await
                    .map_err(|e| match e {
                        Error::Signing(m) => Error::Signing(format!("document {}: {m}", doc.id)),
                        other => other,
                    })?;
                let content_id = self.upload_bytes(account_id, &plain).await?;
                let body = types::DecryptedContentRequest { content_id };
                let body = &body;
                let (docflow_id, document_id) = (docflow.id, doc.id);
                self.call(Idempotency::Idempotent, move |c| async move {
                    c.docflows_save_decrypted_content()
                        .account_id(account_id)
                        .docflow_id(docflow_id)
                        .document_id(document_id)
                        .body(body.clone())
                        .send()
                        .await
                })
                .await?;
            }
            done += 1;
        }
        tracing::info!(docflow_id = %docflow.id, done, "documents decrypted");
        Ok(done)
    }

    pub(crate) async fn open_locally(
        &self,
        account_id: Uuid,
        sealed: Uuid,
        decryptor: &dyn Decryptor,
    ) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        let size = self
            .download(
                account_id,
                sealed,
                Capped {
                    out: &mut bytes,
                    left: MAX_SEALED,
                },
                &TransferOptions::default(),
            )
            .await?;
        tracing::debug!(%sealed, size, "encrypted document downloaded");
        let opened = decryptor.decrypt(&bytes).await?;
        // Documents are zipped (or, in older material, gzipped) before encryption.
        crate::compression::unpack(opened, MAX_SEALED * 16)
    }

    /// `check-demand`: the error codes that allow a decline (empty: nothing wrong).
    pub async fn check_demand(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
    ) -> Result<Vec<String>, Error> {
        let result = self
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_check_demand()
                    .account_id(account_id)
                    .docflow_id(docflow_id)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(result.error_codes)
    }

    /// Sends the acceptance, or the decline with `codes`; answers the docflow after.
    pub async fn answer_demand_check(
        &self,
        account_id: Uuid,
        docflow: types::Docflow,
        decline_codes: Option<&[String]>,
        signer: &dyn Signer,
        sender_ip: &str,
    ) -> Result<types::Docflow, Error> {
        let wanted = if decline_codes.is_some() {
            DECLINE
        } else {
            ACCEPTANCE
        };
        let reply = due(&docflow, wanted).ok_or_else(|| {
            Error::Protocol(format!(
                "the demand {} does not wait for {wanted} (send the receipt first)",
                docflow.id
            ))
        })?;
        match decline_codes {
            None => Ok(self
                .answer_reply(account_id, docflow.id, &reply, signer, sender_ip)
                .await?
                .1),
            Some(codes) => {
                if codes.is_empty() {
                    return Err(crate::validate::InvalidInput::new(
                        "decline codes",
                        "a decline needs at least one error code",
                    )
                    .into());
                }
                self.decline(account_id, docflow.id, &reply, codes, signer, sender_ip)
                    .await
            }
        }
    }

    async fn decline(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
        due: &DueReply,
        codes: &[String],
        signer: &dyn Signer,
        sender_ip: &str,
    ) -> Result<types::Docflow, Error> {
        let reply = self
            .generate_reply(account_id, docflow_id, due, codes, signer)
            .await?;
        self.sign_and_send_reply(
            account_id,
            docflow_id,
            due.document_id,
            &reply,
            signer,
            sender_ip,
        )
        .await
    }

    /// The whole answer: receipt, decryption, check, then acceptance or decline per `decision`.
    /// Steps already done (a receipt sent, documents decrypted) are skipped, so it can be run
    /// again after a failure.
    pub async fn answer_demand(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
        signer: &dyn Signer,
        decryptor: &dyn Decryptor,
        decision: DemandDecision,
        sender_ip: &str,
    ) -> Result<DemandOutcome, Error> {
        let docflow = self.account(account_id).docflow(docflow_id).await?;
        if docflow.docflow_type().name() != "fns534-demand" {
            return Err(crate::validate::InvalidInput::new(
                "docflow",
                format!("{docflow_id} is not an fns534-demand"),
            )
            .into());
        }
        let terms = DemandTerms::of(&docflow);
        let docflow = self
            .send_demand_receipt(account_id, docflow, signer, sender_ip)
            .await?;
        let decrypted = self
            .decrypt_docflow(account_id, &docflow, decryptor)
            .await?;
        let check_codes = self.check_demand(account_id, docflow_id).await?;
        let declined_with = match decision {
            DemandDecision::Accept => None,
            DemandDecision::Decline(codes) => Some(codes),
            DemandDecision::FollowCheck => (!check_codes.is_empty()).then(|| check_codes.clone()),
        };
        let docflow = self
            .answer_demand_check(
                account_id,
                docflow,
                declined_with.as_deref(),
                signer,
                sender_ip,
            )
            .await?;
        tracing::info!(%docflow_id, declined = declined_with.is_some(), "demand answered");
        Ok(DemandOutcome {
            terms,
            decrypted,
            check_codes,
            declined_with,
            docflow,
        })
    }
}

/// Replies that are alternatives to choose between, not automatic answers.
pub(crate) fn needs_decision(reply_type: &str) -> bool {
    let t = reply_type.trim_start_matches("urn:document:");
    t == ACCEPTANCE || t == DECLINE
}

/// The due reply of `reply_type` (with or without the `urn:document:` prefix).
fn due(docflow: &types::Docflow, reply_type: &str) -> Option<DueReply> {
    docflow
        .due_replies()
        .into_iter()
        .find(|r| r.reply_type.trim_start_matches("urn:document:") == reply_type)
}

/// A writer that refuses to grow past a limit.
struct Capped<'a> {
    out: &'a mut Vec<u8>,
    left: u64,
}

impl tokio::io::AsyncWrite for Capped<'_> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if buf.len() as u64 > self.left {
            return std::task::Poll::Ready(Err(std::io::Error::other(format!(
                "the encrypted document is larger than {MAX_SEALED} bytes"
            ))));
        }
        self.left -= buf.len() as u64;
        self.out.extend_from_slice(buf);
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}
