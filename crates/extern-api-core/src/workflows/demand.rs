//! Answering an FNS requirement (`fns534-demand`): the receipt, the decrypted contents the check
//! needs, `check-demand`, then the acceptance (КоП) or the decline (УО, with the error codes the
//! check allows). Each step is a method; [`ExternClient::answer_demand`] runs them all.
//! Documents the demand asks for go in a separate inventory docflow (not built here yet).

use extern_api_raw::types;
use uuid::Uuid;

use crate::crypto::{Decryptor, Signer};
use crate::model::validate::InvalidInput;
use crate::model::{
    DEMAND_ACCEPTANCE, DEMAND_DECLINE, DEMAND_INVENTORY_KNDS, DEMAND_RECEIPT, DocflowExt, DueReply,
};
use crate::{Error, ExternClient};

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
            .any(|k| DEMAND_INVENTORY_KNDS.contains(&k.as_str()))
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
        match due(&docflow, DEMAND_RECEIPT) {
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
            decryptor
                .decrypt_docflow_document(self, account_id, docflow.id, doc.id, sealed)
                .await?;
            done += 1;
        }
        tracing::info!(docflow_id = %docflow.id, done, "documents decrypted");
        Ok(done)
    }

    /// `check-demand`: the error codes that allow a decline (empty: nothing wrong).
    pub async fn check_demand(
        &self,
        account_id: Uuid,
        docflow_id: Uuid,
    ) -> Result<Vec<String>, Error> {
        self.account(account_id)
            .docflows()
            .check_demand(docflow_id)
            .await
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
            DEMAND_DECLINE
        } else {
            DEMAND_ACCEPTANCE
        };
        let reply = due(&docflow, wanted).ok_or_else(|| {
            Error::protocol(format!(
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
                    return Err(InvalidInput::new(
                        "decline codes",
                        "a decline needs at least one error code",
                    )
                    .into());
                }
                Ok(self
                    .reply(account_id, docflow.id, &reply, codes, signer, sender_ip)
                    .await?
                    .1)
            }
        }
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
        let docflow = self.account(account_id).docflows().get(docflow_id).await?;
        if docflow.docflow_type().name() != "fns534-demand" {
            return Err(InvalidInput::new(
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

/// The due reply of `reply_type` (with or without the `urn:document:` prefix).
fn due(docflow: &types::Docflow, reply_type: &str) -> Option<DueReply> {
    docflow
        .due_replies()
        .into_iter()
        .find(|r| r.reply_type.trim_start_matches("urn:document:") == reply_type)
}
