//! The drafts of an account: a report's documents and signatures before it is sent, and the
//! draft tasks (check, prepare, send) that run on the server.

use futures::Stream;
use uuid::Uuid;

use super::base64_body::decode_base64;
use super::builders::contract_body;
use super::page::{Page, stream_all};
use crate::model::ContractType;
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The largest page of drafts asked for.
const DRAFTS_PAGE: u64 = 1000;

/// A task a draft runs on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DraftTask {
    /// Checks the draft (format and logic control); the result is a check protocol.
    Check,
    /// Prepares the draft (encrypts it for the recipient) without sending.
    Prepare,
    /// Sends the draft (checking and preparing it first); the result is the docflow.
    Send,
}

impl DraftTask {
    /// The task's type as the service names it in a draft's task list.
    pub fn task_type(self) -> &'static str {
        match self {
            Self::Check => "urn:task-type:check",
            Self::Prepare => "urn:task-type:prepare",
            Self::Send => "urn:task-type:send",
        }
    }
}

/// The drafts of one account: `client.account(id).drafts()`.
#[derive(Debug, Clone, Copy)]
pub struct Drafts<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> Drafts<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// Creates a draft (never repeated: a lost answer leaves at most an unused draft).
    pub async fn create(&self, meta: &types::DraftMeta) -> Result<types::Draft, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_create()
                    .account_id(account)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// One draft.
    pub async fn get(&self, draft: Uuid) -> Result<types::Draft, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_get()
                    .account_id(account)
                    .draft_id(draft)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Deletes a draft.
    pub async fn delete(&self, draft: Uuid) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_delete()
                    .account_id(account)
                    .draft_id(draft)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// One document of a draft, with its contents and signatures.
    pub async fn document(
        &self,
        draft: Uuid,
        document: Uuid,
    ) -> Result<types::DraftDocument, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_get()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Adds an uploaded content as a document, with its signature when one is given.
    pub async fn add_document(
        &self,
        draft: Uuid,
        body: &types::DocumentRequest,
    ) -> Result<types::DraftDocument, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.draft_documents_add()
                    .account_id(account)
                    .draft_id(draft)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Adds a detached CMS signature (DER) to a document.
    pub async fn add_signature(
        &self,
        draft: Uuid,
        document: Uuid,
        signature: &[u8],
    ) -> Result<(), Error> {
        use base64::Engine;
        let body = types::SignatureRequest {
            base64_content: base64::engine::general_purpose::STANDARD.encode(signature),
            is_third_party_signature: Some(false),
        };
        let (account, body) = (self.account, &body);
        self.client
            .call(Idempotency::Once, move |c| async move {
                c.draft_signatures_add()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Starts printing a draft document to PDF (a deferred task); answers the task's id.
    pub async fn print_document(&self, draft: Uuid, document: Uuid) -> Result<Uuid, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.draft_documents_print()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .deferred(true)
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// A task of a draft document (its print task) as it stands.
    pub async fn document_task(
        &self,
        draft: Uuid,
        document: Uuid,
        task: Uuid,
    ) -> Result<types::ApiTask, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_get_task()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .api_task_id(task)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Starts a task on the server and answers its id (never repeated blindly: see
    /// [`tasks`](Self::tasks) to find a send whose answer was lost).
    pub async fn start(&self, draft: Uuid, task: DraftTask) -> Result<Uuid, Error> {
        let account = self.account;
        let started = self
            .client
            .call(Idempotency::Once, move |c| async move {
                match task {
                    DraftTask::Check => {
                        c.drafts_check()
                            .account_id(account)
                            .draft_id(draft)
                            .deferred(true)
                            .send()
                            .await
                    }
                    DraftTask::Prepare => {
                        c.drafts_prepare()
                            .account_id(account)
                            .draft_id(draft)
                            .deferred(true)
                            .send()
                            .await
                    }
                    DraftTask::Send => {
                        c.drafts_send()
                            .account_id(account)
                            .draft_id(draft)
                            .deferred(true)
                            .force(false)
                            .send()
                            .await
                    }
                }
            })
            .await?;
        Ok(started.into_inner().id)
    }

    /// A task of a draft as it stands.
    pub async fn task(&self, draft: Uuid, task: Uuid) -> Result<types::ApiTask, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_get_task()
                    .account_id(account)
                    .draft_id(draft)
                    .api_task_id(task)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// The tasks a draft has run, oldest first.
    pub async fn tasks(&self, draft: Uuid) -> Result<Page<types::ApiTaskPageItem>, Error> {
        let account = self.account;
        let page = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_get_tasks()
                    .account_id(account)
                    .draft_id(draft)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(Page {
            skip: page.skip.unwrap_or(0).max(0) as u64,
            total: None,
            items: page.api_task_page_items,
        })
    }

    /// One page of the account's drafts.
    pub async fn page(&self, skip: u64, take: u64) -> Result<Page<types::Draft>, Error> {
        let account = self.account;
        let take = take.clamp(1, DRAFTS_PAGE) as i64;
        let list = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_get_all()
                    .account_id(account)
                    .skip(skip as i64)
                    .take(take)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(Page {
            total: list.total_count.map(|t| t.max(0) as u64),
            items: list.drafts,
            skip,
        })
    }

    /// Every draft of the account, page by page.
    pub fn all(&self) -> impl Stream<Item = Result<types::Draft, Error>> + 'a {
        let this = *self;
        stream_all(move |skip| async move { this.page(skip, DRAFTS_PAGE).await })
    }

    /// Creates or replaces the draft `draft` (an id the caller chose) with `meta`.
    pub async fn put(&self, draft: Uuid, meta: &types::DraftMeta) -> Result<types::Draft, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_put()
                    .account_id(account)
                    .draft_id(draft)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// A draft's meta (sender, payer, recipient).
    pub async fn meta(&self, draft: Uuid) -> Result<types::DraftMeta, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_get_meta()
                    .account_id(account)
                    .draft_id(draft)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Replaces a draft's meta; answers the meta as stored.
    pub async fn update_meta(
        &self,
        draft: Uuid,
        meta: &types::DraftMeta,
    ) -> Result<types::DraftMeta, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_update_meta()
                    .account_id(account)
                    .draft_id(draft)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Creates or replaces the document `document` (an id the caller chose) of a draft.
    pub async fn put_document(
        &self,
        draft: Uuid,
        document: Uuid,
        body: &types::DocumentRequest,
    ) -> Result<types::DraftDocument, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_put()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Removes a document from a draft.
    pub async fn delete_document(&self, draft: Uuid, document: Uuid) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_delete()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// The document's content (deprecated by the service: at most 32 MB on the test site, 64 MB
    /// in production; [`Contents`](super::Contents) has no limit).
    pub async fn decrypted_content(&self, draft: Uuid, document: Uuid) -> Result<Vec<u8>, Error> {
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_get_decrypted_content()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(&encoded, format_args!("the content of document {document}"))
    }

    /// Replaces the document's content with `content` (legacy; its signatures no longer match).
    pub async fn put_decrypted_content(
        &self,
        draft: Uuid,
        document: Uuid,
        content: &[u8],
    ) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_put_decrypted_content()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .body(content.to_vec())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// The document as it will be sent, encrypted for the recipient, once the draft is prepared
    /// (deprecated by the service; same limits as [`decrypted_content`](Self::decrypted_content)).
    pub async fn encrypted_content(&self, draft: Uuid, document: Uuid) -> Result<Vec<u8>, Error> {
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_get_encrypted_content()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(
            &encoded,
            format_args!("the encrypted content of document {document}"),
        )
    }

    /// The document's signature (DER; legacy single signature: the first when there are several).
    pub async fn document_signature(&self, draft: Uuid, document: Uuid) -> Result<Vec<u8>, Error> {
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_get_signature()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(
            &encoded,
            format_args!("the signature of document {document}"),
        )
    }

    /// Signs what the service prepared for a Social Fund report that came unsigned: after a
    /// check, the document names its `data-to-sign-content-id`; those bytes are signed raw
    /// ([`Signer::sign_raw`](crate::crypto::Signer::sign_raw)) and the signature put, and
    /// prepare then inserts the XMLDsig (docs/manuals/xmldsig.rst). Answers whether there was
    /// anything to sign.
    pub async fn sign_data_to_sign(
        &self,
        draft: Uuid,
        document: Uuid,
        signer: &dyn crate::crypto::Signer,
    ) -> Result<bool, Error> {
        let doc = self.document(draft, document).await?;
        let Some(content) = doc.data_to_sign_content_id else {
            return Ok(false);
        };
        let mut data = Vec::new();
        super::Contents::new(self.client, self.account)
            .download(content, &mut data, &Default::default())
            .await?;
        let signature = signer.sign_raw(&data).await?;
        self.put_document_signature(draft, document, &signature)
            .await?;
        Ok(true)
    }

    /// Makes a detached CMS signature (DER) the document's only signature (legacy); for a Social
    /// Fund report the service signs, the raw signature of its `data-to-sign`.
    pub async fn put_document_signature(
        &self,
        draft: Uuid,
        document: Uuid,
        signature: &[u8],
    ) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_documents_put_signature()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .body(signature.to_vec())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// One signature of a draft document (signer, thumbprint, links).
    pub async fn signature(
        &self,
        draft: Uuid,
        document: Uuid,
        signature: Uuid,
    ) -> Result<types::Signature, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_signatures_get()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .signature_id(signature)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// The bytes (DER) of one signature of a draft document.
    pub async fn signature_content(
        &self,
        draft: Uuid,
        document: Uuid,
        signature: Uuid,
    ) -> Result<Vec<u8>, Error> {
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_signatures_get_content()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .signature_id(signature)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(&encoded, format_args!("signature {signature}"))
    }

    /// Creates or replaces the signature `signature` (an id the caller chose) with a detached CMS
    /// signature (DER).
    pub async fn put_signature(
        &self,
        draft: Uuid,
        document: Uuid,
        signature: Uuid,
        content: &[u8],
    ) -> Result<types::Signature, Error> {
        use base64::Engine;
        let body = types::SignatureRequest {
            base64_content: base64::engine::general_purpose::STANDARD.encode(content),
            is_third_party_signature: Some(false),
        };
        let (account, body) = (self.account, &body);
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_signatures_put()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .signature_id(signature)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Removes a signature from a draft document.
    pub async fn delete_signature(
        &self,
        draft: Uuid,
        document: Uuid,
        signature: Uuid,
    ) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.draft_signatures_delete()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .signature_id(signature)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Prepares an MVD notification for signing (the draft checked first): stamps a new
    /// `OrderId` into the document and answers the content to sign (never repeated: each call
    /// stamps a new id and drops the document's signatures; call it again after any edit).
    pub async fn prepare_data_to_sign(
        &self,
        draft: Uuid,
        document: Uuid,
    ) -> Result<types::DataToSignResult, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.draft_documents_prepare_data_to_sign()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Hands a new or checked draft over to the Kontur.Extern web UI (it becomes
    /// `transferred-to-web`; only some draft types, without attachments).
    pub async fn create_web_draft(&self, draft: Uuid) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_create_web_draft()
                    .account_id(account)
                    .draft_id(draft)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Builds a new document of a draft from one of the vendor's JSON contracts (an ION request,
    /// a USN declaration, …; any value that serializes to an object) and answers it.
    pub async fn build_document(
        &self,
        draft: Uuid,
        kind: &ContractType,
        version: Option<i32>,
        contract: &impl serde::Serialize,
    ) -> Result<types::DraftDocument, Error> {
        kind.check()?;
        let (account, kind, body) = (self.account, &kind.name(), &contract_body(contract)?);
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                let call = c
                    .drafts_build_document()
                    .account_id(account)
                    .draft_id(draft)
                    .type_(kind.clone())
                    .body(body.clone());
                match version {
                    Some(v) => call.version(v).send().await,
                    None => call.send().await,
                }
            })
            .await?
            .into_inner())
    }

    /// Fills the document `document` of a draft from a JSON contract, replacing its content
    /// (its signatures no longer match; building again builds the same document).
    pub async fn fill_document(
        &self,
        draft: Uuid,
        document: Uuid,
        kind: &ContractType,
        version: Option<i32>,
        contract: &impl serde::Serialize,
    ) -> Result<(), Error> {
        kind.check()?;
        let (account, kind, body) = (self.account, &kind.name(), &contract_body(contract)?);
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                let call = c
                    .draft_documents_build()
                    .account_id(account)
                    .draft_id(draft)
                    .document_id(document)
                    .type_(kind.clone())
                    .body(body.clone());
                match version {
                    Some(v) => call.version(v).send().await,
                    None => call.send().await,
                }
            })
            .await?;
        Ok(())
    }
}
