//! [`CloudSigner`]: a certificate whose key the vendor's cloud holds, usable wherever core takes
//! a [`Signer`] or a [`Decryptor`] — `send_report`, reply answering and `answer_demand` ask it to
//! sign or decrypt on the server.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use extern_api_core::api::PollPolicy;
use extern_api_core::crypto::{CryptoFuture, DecryptFuture, Decryptor, SignFuture, Signer};
use extern_api_core::raw::types;
use extern_api_core::{Error, ExternClient};
use uuid::Uuid;

use crate::confirmer::{CloudOperation, Confirmer};
use crate::operation;

/// Signs and decrypts with a cloud (DSS) certificate, confirmed by its holder.
///
/// ```no_run
/// # async fn demo(client: extern_api_core::ExternClient, certificate_der: Vec<u8>,
/// #     request: extern_api_core::workflows::ReportRequest) -> Result<(), extern_api_core::Error> {
/// use extern_api_dss::{CloudSigner, confirm_with};
///
/// let signer = CloudSigner::new(certificate_der, confirm_with(|request| async move {
///     // Ask the holder for the SMS code of `request.request_id`.
///     Some("123456".to_string())
/// }));
/// // The draft is created with the cloud certificate and signed on the server.
/// let outcome = client.send_report(&request, &signer, None).await?;
/// # let _ = outcome; Ok(()) }
/// ```
#[derive(Clone)]
pub struct CloudSigner {
    certificate: Vec<u8>,
    confirmer: Arc<dyn Confirmer>,
    poll: PollPolicy,
}

impl fmt::Debug for CloudSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use sha1::Digest;
        let thumbprint: String = sha1::Sha1::digest(&self.certificate)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        f.debug_struct("CloudSigner")
            .field("thumbprint", &thumbprint)
            .finish_non_exhaustive()
    }
}

impl CloudSigner {
    /// The cloud certificate (DER) and who confirms its operations.
    ///
    /// myDSS approvals are polled every 0.5–3 s for up to 6 minutes (the holder's window is
    /// five); change it with [`CloudSigner::poll_policy`].
    pub fn new(certificate_der: Vec<u8>, confirmer: impl Confirmer + 'static) -> Self {
        let mut poll = PollPolicy::with_deadline(Duration::from_secs(6 * 60));
        poll.first_interval = Duration::from_millis(500);
        poll.max_interval = Duration::from_secs(3);
        Self {
            certificate: certificate_der,
            confirmer: Arc::new(confirmer),
            poll,
        }
    }

    /// How myDSS approvals are polled (deadline, intervals, cancellation).
    pub fn poll_policy(mut self, poll: PollPolicy) -> Self {
        self.poll = poll;
        self
    }

    /// Signs every document of a draft on the server; the signatures are stored on the draft.
    pub async fn sign_draft(
        &self,
        client: &ExternClient,
        account: Uuid,
        draft: Uuid,
    ) -> Result<Vec<types::Link>, Error> {
        let operation = CloudOperation::SignDraft { account, draft };
        operation::run(client, &operation, self.confirmer.as_ref(), &self.poll).await
    }

    /// Signs a generated reply on the server; send it afterwards.
    pub async fn sign_reply(
        &self,
        client: &ExternClient,
        account: Uuid,
        docflow: Uuid,
        document: Uuid,
        reply: Uuid,
    ) -> Result<Vec<types::Link>, Error> {
        let operation = CloudOperation::SignReply {
            account,
            docflow,
            document,
            reply,
        };
        operation::run(client, &operation, self.confirmer.as_ref(), &self.poll).await
    }

    /// Decrypts an incoming document encrypted for this certificate; answers the id of the
    /// decrypted content, to download with core's contents functions. The service also keeps it
    /// as the document's decrypted content.
    pub async fn decrypt_document(
        &self,
        client: &ExternClient,
        account: Uuid,
        docflow: Uuid,
        document: Uuid,
    ) -> Result<Uuid, Error> {
        let operation = CloudOperation::Decrypt {
            account,
            docflow,
            document,
        };
        let links = operation::run(client, &operation, self.confirmer.as_ref(), &self.poll).await?;
        links
            .iter()
            .filter(|l| l.rel.as_deref() == Some("decrypted-content"))
            .find_map(extern_api_core::model::link_id)
            .ok_or_else(|| Error::protocol("the decryption ended without a decrypted-content link"))
    }
}

impl Signer for CloudSigner {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    /// A cloud key never leaves the service: there are no bytes to sign locally.
    fn sign<'a>(&'a self, _content: &'a [u8]) -> SignFuture<'a> {
        Box::pin(async {
            Err(Error::signing(
                "a cloud certificate signs on the server: use it through send_report, \
                 answer_due_replies or CloudSigner::sign_draft",
            ))
        })
    }

    /// Nothing rides along with a document: the draft is signed on the server once complete.
    fn signature_to_attach<'a>(&'a self, _content: &'a [u8]) -> CryptoFuture<'a, Option<Vec<u8>>> {
        Box::pin(async { Ok(None) })
    }

    /// Signs the whole draft on the server (one confirmation for all its documents).
    fn sign_draft_documents<'a>(
        &'a self,
        client: &'a ExternClient,
        account: Uuid,
        draft: Uuid,
        unsigned: &'a [Uuid],
    ) -> CryptoFuture<'a, ()> {
        Box::pin(async move {
            if unsigned.is_empty() {
                return Ok(());
            }
            CloudSigner::sign_draft(self, client, account, draft)
                .await
                .map(drop)
        })
    }

    /// Signs the reply on the server.
    fn sign_generated_reply<'a>(
        &'a self,
        client: &'a ExternClient,
        account: Uuid,
        docflow: Uuid,
        document: Uuid,
        reply: &'a types::ReplyDocument,
    ) -> CryptoFuture<'a, ()> {
        Box::pin(async move {
            CloudSigner::sign_reply(self, client, account, docflow, document, reply.id)
                .await
                .map(drop)
        })
    }
}

impl Decryptor for CloudSigner {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    /// A cloud key never leaves the service: documents are decrypted on the server.
    fn decrypt<'a>(&'a self, _enveloped: &'a [u8]) -> DecryptFuture<'a> {
        Box::pin(async {
            Err(Error::signing(
                "a cloud certificate decrypts on the server: use it through answer_demand, \
                 decrypt_docflow or CloudSigner::decrypt_document",
            ))
        })
    }

    /// A cloud key opens nothing here: documents are decrypted on the server.
    fn open_content<'a>(
        &'a self,
        _client: &'a ExternClient,
        _account: Uuid,
        _sealed: Uuid,
    ) -> CryptoFuture<'a, Option<Vec<u8>>> {
        Box::pin(async { Ok(None) })
    }

    /// Decrypts on the server, which keeps the plain content on the docflow.
    fn decrypt_docflow_document<'a>(
        &'a self,
        client: &'a ExternClient,
        account: Uuid,
        docflow: Uuid,
        document: Uuid,
        _sealed: Uuid,
    ) -> CryptoFuture<'a, ()> {
        Box::pin(async move {
            CloudSigner::decrypt_document(self, client, account, docflow, document)
                .await
                .map(drop)
        })
    }
}
