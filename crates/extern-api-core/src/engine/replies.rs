//! Answering what a docflow waits for: every due `reply` link (receipts on the operator's and
//! the authority's documents) is generated for the signer's certificate, signed the signer's way
//! and sent.

use extern_api_raw::types;
use uuid::Uuid;

use crate::crypto::Signer;
use crate::model::{DocflowExt, DueReply};
use crate::{Error, ExternClient};

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
        let (reply_id, docflow) = self
            .reply(account_id, docflow_id, due, &[], signer, sender_ip)
            .await?;
        tracing::info!(%docflow_id, reply_type = %due.reply_type, "reply sent");
        Ok((
            SentReply {
                document_id: due.document_id,
                reply_type: due.reply_type.clone(),
                reply_id,
            },
            docflow,
        ))
    }

    /// Generates a due reply for `signer`'s certificate (with `decline_codes` for a demand's
    /// decline), signs it and sends it; answers the reply's id and the docflow after.
    pub(crate) async fn reply(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
        due: &DueReply,
        decline_codes: &[String],
        signer: &dyn Signer,
        sender_ip: &str,
    ) -> Result<(Uuid, types::Docflow), Error> {
        let replies = self
            .account(account_id)
            .replies(docflow_id, due.document_id);
        let reply = replies
            .generate(&due.reply_type, signer.certificate(), decline_codes)
            .await?;
        signer
            .sign_generated_reply(self, account_id, docflow_id, due.document_id, &reply)
            .await?;
        let docflow = replies.send(reply.id, sender_ip).await?;
        Ok((reply.id, docflow))
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
            .find(|d| !crate::model::needs_decision(&d.reply_type))
        {
            let (reply, after) = self
                .answer_reply(account_id, current.id, &due, signer, sender_ip)
                .await?;
            if after.due_replies().contains(&due) {
                return Err(Error::protocol(format!(
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
