//! `send_sfr_report`: a report to the Social Fund (ЕФС-1, АДВ-1/2/3), from files to the final
//! state, as `send_report` does for the tax service.

use std::sync::Arc;

use super::{Recipient, ReportOutcome, ReportRequest};
use crate::crypto::Signer;
use crate::engine::progress::Progress;
use crate::model::validate::InvalidInput;
use crate::{Error, ExternClient};

impl ExternClient {
    /// Sends a report to the Social Fund and follows it to its final state: the first file is
    /// signed inside with an enveloped XMLDsig (with the МЧД id of
    /// [`Representation::warrant_id`](super::Representation::warrant_id) in the signature block
    /// for a representative), the draft carries the payer's ЕРН, and the check protocol or
    /// refinement notice is acknowledged when it arrives. The request's recipient must be
    /// [`Recipient::Sfr`]; the signer must sign XML ([`Signer::xml_algorithms`]).
    ///
    /// ```no_run
    /// # async fn demo(client: &extern_api_core::ExternClient, signer: &dyn extern_api_core::crypto::Signer, account: uuid::Uuid) -> Result<(), extern_api_core::Error> {
    /// use extern_api_core::workflows::{Recipient, ReportFile, ReportRequest};
    /// let file = ReportFile::read("ПФР_….xml").await?;
    /// let request = ReportRequest::new(account, "6676130154", Some("667601001".into()),
    ///     Recipient::Sfr("087-101-000101".into()), vec![file]);
    /// let outcome = client.send_sfr_report(&request, signer, None).await?;
    /// println!("{:?} / {:?}", outcome.status, outcome.success);
    /// # Ok(()) }
    /// ```
    pub async fn send_sfr_report(
        &self,
        request: &ReportRequest,
        signer: &dyn Signer,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<ReportOutcome, Error> {
        if !matches!(request.recipient, Recipient::Sfr(_)) {
            return Err(InvalidInput::new(
                "recipient",
                "send_sfr_report sends to the Social Fund: Recipient::Sfr(ЕРН)",
            )
            .into());
        }
        self.send_report(request, signer, progress).await
    }
}
