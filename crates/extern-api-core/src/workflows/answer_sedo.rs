//! `answer_sedo`: an exchange with the Social Fund over SEDO (a sick-leave or proactive-payment
//! notice, a reconciliation, the results of a ПОВЭД…) taken to its end. The SFR's document is
//! not pushed: the subscriber asks for it with a documents request (a SOAP template for its
//! certificate whose `data-to-sign` is signed raw), the SFR delivers it, and the subscriber's
//! read mark finishes the docflow (skbkontur/extern-api-docs docs/dc/sedo-request-methods.rst,
//! docs/scenarios/SFR/FSS/proactive_ algorithm.rst, docs/scenarios/SFR/poved.rst).

use base64::Engine;
use uuid::Uuid;

use super::SentReply;
use crate::crypto::Signer;
use crate::model::DocflowExt;
use crate::model::urn::{DocflowStatus, SuccessState};
use crate::model::validate::InvalidInput;
use crate::{Error, ExternClient};

/// What [`ExternClient::answer_sedo`] did.
#[derive(Debug, Clone)]
pub struct SedoOutcome {
    /// The docflow.
    pub docflow_id: Uuid,
    /// The documents request sent for its document, if one was needed.
    pub documents_request_id: Option<Uuid>,
    /// The replies sent (the read mark).
    pub replies: Vec<SentReply>,
    /// Its status after.
    pub status: DocflowStatus,
    /// Its success state after.
    pub success: SuccessState,
}

impl ExternClient {
    /// Takes a SEDO docflow (`urn:docflow:fss-sedo-*`, incoming or a sent ПОВЭД) to its end:
    /// requests the SFR's document when nothing is due and it is not finished (signing the request's `data-to-sign` with
    /// [`Signer::sign_raw`]; `warrant` is the МЧД id of a representative), then sends every
    /// reply due on what arrived.
    ///
    /// ```no_run
    /// # async fn demo(client: &extern_api_core::ExternClient, signer: &dyn extern_api_core::crypto::Signer, account: uuid::Uuid, docflow: uuid::Uuid) -> Result<(), extern_api_core::Error> {
    /// let outcome = client.answer_sedo(account, docflow, signer, "8.8.8.8", None).await?;
    /// println!("{:?}: {} replies", outcome.status, outcome.replies.len());
    /// # Ok(()) }
    /// ```
    pub async fn answer_sedo(
        &self,
        account: Uuid,
        docflow: Uuid,
        signer: &dyn Signer,
        sender_ip: &str,
        warrant: Option<Uuid>,
    ) -> Result<SedoOutcome, Error> {
        let docflows = self.account(account).docflows();
        let mut current = docflows.get(docflow).await?;
        let kind = current.type_.clone().unwrap_or_default();
        // The subscription is the operator's request, with nothing from the SFR to fetch.
        if !kind.starts_with("urn:docflow:fss-sedo-")
            || kind == "urn:docflow:fss-sedo-provider-subscription"
        {
            return Err(InvalidInput::new(
                "docflow",
                format!("{kind:?} is not a SEDO exchange with documents from the SFR (urn:docflow:fss-sedo-*)"),
            )
            .into());
        }
        let mut documents_request_id = None;
        // Nothing to answer yet and not finished: the SFR's document is still to be fetched.
        if current.due_replies().is_empty() && current.status() != DocflowStatus::Finished {
            let generated = docflows
                .generate_documents_request(docflow, signer.certificate(), warrant)
                .await;
            let request = match generated {
                // Delivered already (an earlier call sent the request): only replies are left.
                Err(e)
                    if e.error_id()
                        .is_some_and(|id| id.ends_with("documentsAlreadyReceived")) =>
                {
                    None
                }
                other => Some(other?),
            };
            if let Some(request) = request {
                let id = request
                    .id
                    .ok_or_else(|| Error::protocol("the documents request has no id"))?;
                let data = base64::engine::general_purpose::STANDARD
                    .decode(request.data_to_sign.as_deref().unwrap_or_default())
                    .map_err(|e| Error::protocol(format!("data-to-sign is not base64: {e}")))?;
                if data.is_empty() {
                    return Err(Error::protocol("the documents request has no data-to-sign"));
                }
                let signature = signer.sign_raw(&data).await?;
                docflows
                    .save_documents_request_signature(docflow, id, &signature)
                    .await?;
                current = docflows.send_documents_request(docflow, id).await?;
                tracing::info!(%docflow, request = %id, "documents request sent");
                documents_request_id = Some(id);
            }
        }
        let (replies, after) = self
            .answer_due_replies(account, current, signer, sender_ip)
            .await?;
        Ok(SedoOutcome {
            docflow_id: docflow,
            documents_request_id,
            replies,
            status: after.status(),
            success: after.success_state(),
        })
    }
}
