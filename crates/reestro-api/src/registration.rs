//! The registration workflow: create → suspended with signature requirements → download each
//! statement, sign it with the participant's [`Signer`], upload → send → suspended with
//! payment requirements (the caller pays outside the API) → sent → completed. Each step is a
//! public call too: [`ReestroClient::sign_statements`], [`ReestroClient::send_docflow`],
//! [`ReestroClient::wait_docflow`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use extern_api_core::crypto::Signer;
use uuid::Uuid;

use crate::ReestroClient;
use crate::error::Error;
use crate::model::{Docflow, DocflowState, PaymentRequirement};
use crate::options::{CreateDocflow, DocflowOptions};
use crate::validate;

/// Statements are signed whole; none is near this size.
const STATEMENT_LIMIT: usize = 16 * 1024 * 1024;

/// A participant's signer, matched by SNILS.
#[derive(Clone)]
pub struct ParticipantSigner {
    /// The participant's SNILS (any separators).
    pub snils: String,
    /// Signs their statements (software, external command, or cloud).
    pub signer: Arc<dyn Signer>,
}

impl std::fmt::Debug for ParticipantSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParticipantSigner")
            .field("snils", &self.snils)
            .finish_non_exhaustive()
    }
}

/// A registration to carry through.
#[derive(Clone, Debug)]
pub struct RegistrationRequest {
    /// The type and its options.
    pub options: DocflowOptions,
    /// One signer per participant.
    pub signers: Vec<ParticipantSigner>,
    /// Give up waiting after this long (the docflow goes on at Rosreestr).
    pub deadline: Duration,
    /// How often to look at the docflow.
    pub poll_interval: Duration,
}

/// A step, for progress observers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationStep {
    /// The docflow exists and waits for signatures.
    Created {
        /// Its id.
        docflow_id: Uuid,
    },
    /// A statement was signed and its signature uploaded.
    Signed {
        /// The participant's name.
        participant: String,
        /// The statement.
        file_id: Uuid,
    },
    /// Sent to Rosreestr.
    Sent,
    /// Rosreestr charged fees; the payment callback was called with them.
    PaymentRequired(Vec<PaymentRequirement>),
    /// Registered.
    Completed,
}

/// How a registration ended.
#[derive(Clone, Debug)]
pub struct RegistrationOutcome {
    /// The docflow, completed (download its files with
    /// [`ReestroClient::download_results`]).
    pub docflow: Docflow,
    /// The fees that were charged.
    pub payments: Vec<PaymentRequirement>,
}

impl RegistrationRequest {
    /// Refuses before any request what the server would: bad options, a participant without a
    /// signer, a signer for nobody.
    pub fn validate(&self) -> Result<(), Error> {
        self.options.validate()?;
        if matches!(self.options, DocflowOptions::ObjectRequest(_)) {
            return Err(Error::invalid(
                "options",
                "an extract is not a registration: use request_extract",
            ));
        }
        let signers: Vec<String> = self
            .signers
            .iter()
            .map(|s| validate::digits(&s.snils))
            .collect();
        for (i, p) in self.options.participants().into_iter().enumerate() {
            if !signers.contains(&validate::digits(&p.snils)) {
                return Err(Error::invalid(
                    format!("signers (participants[{i}])"),
                    format!("no signer for {} (SNILS {})", p.full_name(), p.snils),
                ));
            }
        }
        Ok(())
    }
}

impl ReestroClient {
    /// Carries a registration from creation to completion. `pay` is called once with the fees
    /// Rosreestr charges (UIN and sum); it returns when they are paid, outside the API, and the
    /// workflow then waits for Rosreestr to see the payment and finish.
    ///
    /// ```no_run
    /// # async fn demo(client: reestro_api::ReestroClient, request: reestro_api::RegistrationRequest) -> Result<(), reestro_api::Error> {
    /// let outcome = client
    ///     .register(&request, None, |docflow, fees| async move {
    ///         for fee in &fees {
    ///             println!("pay {} with UIN {} for {docflow}", fee.sum, fee.uin);
    ///         }
    ///         Ok(())
    ///     })
    ///     .await?;
    /// println!("registered: {}", outcome.docflow.docflow_id);
    /// # Ok(()) }
    /// ```
    #[tracing::instrument(skip_all, fields(docflow_type = request.options.docflow_type().slug()))]
    pub async fn register<P, Fut>(
        &self,
        request: &RegistrationRequest,
        progress: Option<&(dyn Fn(RegistrationStep) + Sync)>,
        pay: P,
    ) -> Result<RegistrationOutcome, Error>
    where
        P: FnOnce(Uuid, Vec<PaymentRequirement>) -> Fut,
        Fut: Future<Output = Result<(), Error>>,
    {
        request.validate()?;
        let notify = |s: RegistrationStep| {
            if let Some(p) = progress {
                p(s)
            }
        };
        let created = self
            .create_docflow(
                &CreateDocflow::new(request.options.clone())
                    .with_request_id(Uuid::new_v4().to_string()),
            )
            .await?;
        let id = created.docflow_id;
        notify(RegistrationStep::Created { docflow_id: id });
        for (participant, file_id) in self.sign_statements(&created, &request.signers).await? {
            notify(RegistrationStep::Signed {
                participant,
                file_id,
            });
        }
        self.send_docflow(id).await?;
        notify(RegistrationStep::Sent);
        let after = |d: &Docflow| {
            d.state == DocflowState::Completed
                || (d.state == DocflowState::Suspended && !d.payment_requirements().is_empty())
        };
        let mut docflow = self
            .wait_docflow(id, request.deadline, request.poll_interval, after)
            .await?;
        let mut payments = Vec::new();
        if docflow.state == DocflowState::Suspended {
            payments = docflow.payment_requirements().to_vec();
            notify(RegistrationStep::PaymentRequired(payments.clone()));
            pay(id, payments.clone()).await?;
            docflow = self
                .wait_docflow(id, request.deadline, request.poll_interval, |d| {
                    d.state == DocflowState::Completed
                })
                .await?;
        }
        notify(RegistrationStep::Completed);
        Ok(RegistrationOutcome { docflow, payments })
    }

    /// Signs every statement a suspended docflow asks for with the participant's signer
    /// (matched by SNILS) and uploads the signatures; answers (participant, statement) pairs.
    pub async fn sign_statements(
        &self,
        docflow: &Docflow,
        signers: &[ParticipantSigner],
    ) -> Result<Vec<(String, Uuid)>, Error> {
        let mut signed = Vec::new();
        for (i, requirement) in docflow.signature_requirements().iter().enumerate() {
            let snils = requirement.snils();
            let signer = signers
                .iter()
                .find(|s| validate::digits(&s.snils) == snils)
                .ok_or_else(|| {
                    Error::invalid(
                        format!("requirements.signature[{i}]"),
                        format!("no signer for {} (SNILS {snils})", requirement.full_name()),
                    )
                })?;
            for file in &requirement.files {
                let statement = self
                    .file_bytes(docflow.docflow_id, file.id, STATEMENT_LIMIT)
                    .await?;
                let signature = signer.signer.sign(&statement).await?;
                self.add_signature(docflow.docflow_id, file.id, signature.into())
                    .await?;
                tracing::info!(docflow = %docflow.docflow_id, file = %file.id, "statement signed");
                signed.push((requirement.full_name(), file.id));
            }
        }
        Ok(signed)
    }
}
