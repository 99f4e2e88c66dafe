//! Answering what a docflow waits for: every due `reply` link (receipts on the operator's and
//! the authority's documents) is generated for the signer's certificate, signed and sent.

use base64::Engine;
use extern_api_raw::prelude::*;
use extern_api_raw::types;
use uuid::Uuid;

use crate::client::{ExternClient, Idempotency};
use crate::docflow::{DocflowExt, DueReply};
use crate::error::Error;
use crate::signer::Signer;

/// A reply that was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReply {
    /// The document answered.
    pub document_id: Uuid,
    /// The reply's document type, e.g. `fns534-report-receipt`.
    pub reply_type: String,
    /// The reply's id.
    pub reply_id: Uuid,
}

impl ExternClient {
    /// Answers one due reply and returns the docflow as it is after sending.
    pub async fn answer_reply(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
        due: &DueReply,
        signer: &dyn Signer,
        sender_ip: &str,
    ) -> Result<(SentReply, types::Docflow), Error> {
        let reply = self
            .generate_reply(account_id, docflow_id, due, &[], signer)
            .await?;
        let docflow = self
            .sign_and_send_reply(
                account_id,
                docflow_id,
                due.document_id,
                &reply,
                signer,
                sender_ip,
            )
            .await?;
        tracing::info!(%docflow_id, reply_type = %due.reply_type, "reply sent");
        Ok((
            SentReply {
                document_id: due.document_id,
                reply_type: due.reply_type.clone(),
                reply_id: reply.id,
            },
            docflow,
        ))
    }

    /// Has the service generate a due reply for `signer`'s certificate; `decline_codes` go with a
    /// demand's decline.
    pub(crate) async fn generate_reply(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
        due: &DueReply,
        decline_codes: &[String],
        signer: &dyn Signer,
    ) -> Result<types::ReplyDocument, Error> {
        let body = types::GenerateReplyRequest {
            certificate_base64: base64::engine::general_purpose::STANDARD
                .encode(signer.certificate()),
        };
        let body = &body;
        Ok(self
            .call(Idempotency::Once, move |c| async move {
                let mut request = c
                    .replies_generate_reply()
                    .account_id(account_id)
                    .docflow_id(docflow_id)
                    .document_id(due.document_id)
                    .document_type(due.reply_type.clone())
                    .body(body.clone());
                if !decline_codes.is_empty() {
                    request = request.decline_notice_error_code(decline_codes.to_vec());
                }
                request.send().await
            })
            .await?
            .into_inner())
    }

    /// Signs a generated reply (locally, or on the server for a cloud signer) and sends it;
    /// answers the docflow after.
    pub async fn sign_and_send_reply(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
        document_id: Uuid,
        reply: &types::ReplyDocument,
        signer: &dyn Signer,
        sender_ip: &str,
    ) -> Result<types::Docflow, Error> {
        let reply_id = reply.id;
        match signer.remote() {
            Some(remote) => {
                remote
                    .sign_reply(self, account_id, docflow_id, document_id, reply_id)
                    .await?
            }
            None => {
                let content = base64::engine::general_purpose::STANDARD
                    .decode(reply.content.as_deref().unwrap_or(""))
                    .map_err(|_| {
                        Error::Protocol("the generated reply's content is not base64".into())
                    })?;
                let signature = signer.sign(&content).await?;
                let signature = &signature;
                self.call(Idempotency::Idempotent, move |c| async move {
                    c.replies_put_reply_signature()
                        .account_id(account_id)
                        .docflow_id(docflow_id)
                        .document_id(document_id)
                        .reply_id(reply_id)
                        .body(signature.clone())
                        .send()
                        .await
                })
                .await?;
            }
        }
        let send = types::SendReplyRequest {
            sender_ip: Some(sender_ip.to_string()),
        };
        let send = &send;
        let docflow = self
            .call(Idempotency::Once, move |c| async move {
                c.replies_send_reply()
                    .account_id(account_id)
                    .docflow_id(docflow_id)
                    .document_id(document_id)
                    .reply_id(reply_id)
                    .body(send.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(docflow)
    }

    /// Answers every reply the docflow waits for — receipts and other automatic answers, never a
    /// demand's acceptance or decline (see [`ExternClient::answer_demand`]) — and returns what
    /// was sent and the docflow after.
    pub async fn answer_due_replies(
        &self,
        account_id: Uuid,
        docflow: types::Docflow,
        signer: &dyn Signer,
        sender_ip: &str,
    ) -> Result<(Vec<SentReply>, types::Docflow), Error> {
        let mut sent = Vec::new();
        let mut current = docflow;
        // Each answer may change which replies are due: re-read them after every send.
        // Alternatives that need a decision (a demand's acceptance or decline) are left to the caller.
        while let Some(due) = current
            .due_replies()
            .into_iter()
            .find(|d| !crate::demand::needs_decision(&d.reply_type))
        {
            let (reply, after) = self
                .answer_reply(account_id, current.id, &due, signer, sender_ip)
                .await?;
            if after.due_replies().contains(&due) {
                return Err(Error::Protocol(format!(
                    "the reply {} was sent but is still due",
                    due.reply_type
                )));
            }
            sent.push(reply);
            current = after;
        }
        Ok((sent, current))
    }
}
