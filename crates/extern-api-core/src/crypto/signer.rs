//! [`Signer`]: a detached CMS signature over bytes, the certificate it is made with, and how a
//! draft's documents and a generated reply get signed with it.

use uuid::Uuid;

use super::CryptoFuture;
use crate::raw::types;
use crate::{Error, ExternClient};

/// The algorithm URIs of an XMLDsig signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlAlgorithms {
    /// `SignatureMethod`.
    pub signature: &'static str,
    /// `DigestMethod`.
    pub digest: &'static str,
}

/// A signature being made.
pub type SignFuture<'a> = CryptoFuture<'a, Vec<u8>>;

/// Makes detached CMS signatures with one certificate.
///
/// The provided methods sign locally with [`sign`](Self::sign) and send the signature; a signer
/// whose key the service holds overrides them to sign on the server instead.
pub trait Signer: Send + Sync {
    /// The signer's certificate (DER).
    fn certificate(&self) -> &[u8];

    /// A detached CMS SignedData over exactly `content`.
    fn sign<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a>;

    /// The XMLDsig algorithms of this signer's key, for the XML the Social Fund takes signed
    /// inside ([`sign_enveloped`](super::sign_enveloped)); `None` when it cannot sign XML.
    fn xml_algorithms(&self) -> Option<XmlAlgorithms> {
        None
    }

    /// The digest of `content` by [`XmlAlgorithms::digest`].
    fn xml_digest(&self, content: &[u8]) -> Result<Vec<u8>, Error> {
        let _ = content;
        Err(Error::signing("this signer cannot sign XML (XMLDsig)"))
    }

    /// A raw signature (no CMS) over `content` by [`XmlAlgorithms::signature`]: an XMLDsig
    /// `SignatureValue` over a canonical `SignedInfo`, or the `data-to-sign` the service hands
    /// out (a report it signs, a SEDO documents request). ECDSA as `r‖s`, RSA as PKCS#1 v1.5.
    fn sign_raw<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a> {
        let _ = content;
        Box::pin(async { Err(Error::signing("this signer cannot sign XML (XMLDsig)")) })
    }

    /// The signature to send with a document as it is added to a draft — one call fewer per
    /// file — or `None` when this signer signs the draft on the server once it is complete
    /// ([`sign_draft_documents`](Self::sign_draft_documents)).
    fn signature_to_attach<'a>(&'a self, content: &'a [u8]) -> CryptoFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move { self.sign(content).await.map(Some) })
    }

    /// Signs the documents of a draft that carry no signature yet (`unsigned`, by id).
    /// Locally: each document's content is downloaded, signed and its signature added.
    fn sign_draft_documents<'a>(
        &'a self,
        client: &'a ExternClient,
        account: Uuid,
        draft: Uuid,
        unsigned: &'a [Uuid],
    ) -> CryptoFuture<'a, ()> {
        Box::pin(async move {
            let drafts = client.account(account).drafts();
            for &document in unsigned {
                let doc = drafts.document(draft, document).await?;
                let content = doc
                    .contents
                    .iter()
                    .find_map(|c| c.content_id)
                    .ok_or_else(|| {
                        Error::protocol(format!("draft document {document} has no content"))
                    })?;
                let mut bytes = Vec::new();
                client
                    .account(account)
                    .contents()
                    .download(content, &mut bytes, &Default::default())
                    .await?;
                let signature = self.sign(&bytes).await?;
                drafts.add_signature(draft, document, &signature).await?;
            }
            Ok(())
        })
    }

    /// Signs a reply the service generated for this signer's certificate and stores the
    /// signature on it. Locally: the reply's content is signed and the signature put.
    fn sign_generated_reply<'a>(
        &'a self,
        client: &'a ExternClient,
        account: Uuid,
        docflow: Uuid,
        document: Uuid,
        reply: &'a types::ReplyDocument,
    ) -> CryptoFuture<'a, ()> {
        Box::pin(async move {
            let content = crate::api::base64_body::decode_base64(
                reply.content.as_deref().unwrap_or(""),
                format_args!("the generated reply's content"),
            )?;
            let signature = self.sign(&content).await?;
            client
                .account(account)
                .replies(docflow, document)
                .put_signature(reply.id, &signature)
                .await
        })
    }
}
