//! The inventories (описи, `fns534-inventory`) answering an incoming document — a demand's
//! attachment: each is a docflow of its own, named by the demand's docflow and attachment too.

use futures::Stream;
use uuid::Uuid;

use super::base64_body::decode_base64;
use super::docflows::MAX_PAGE;
use super::page::{Page, stream_all};
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The inventories answering one document:
/// `client.account(id).docflows().inventories(docflow, document)`.
#[derive(Debug, Clone, Copy)]
pub struct Inventories<'a> {
    client: &'a ExternClient,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
}

impl<'a> Inventories<'a> {
    pub(crate) fn new(
        client: &'a ExternClient,
        account: Uuid,
        docflow: Uuid,
        document: Uuid,
    ) -> Self {
        Self {
            client,
            account,
            docflow,
            document,
        }
    }

    /// One page of the inventories.
    pub async fn page(&self, skip: u64, take: u32) -> Result<Page<types::DocflowPageItem>, Error> {
        let this = *self;
        let take = take.clamp(1, MAX_PAGE) as i32;
        let page = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventories_get_all()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .skip(skip as i64)
                    .take(take)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(Page {
            total: page.total_count.map(|t| t.max(0) as u64),
            items: page.docflows_page_item,
            skip,
        })
    }

    /// Every inventory, page by page.
    pub fn all(&self) -> impl Stream<Item = Result<types::DocflowPageItem, Error>> + 'a {
        let this = *self;
        stream_all(move |skip| async move { this.page(skip, MAX_PAGE).await })
    }

    /// One inventory, with its documents.
    pub async fn get(&self, inventory: Uuid) -> Result<types::Docflow, Error> {
        let this = *self;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventories_get()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Starts decrypting an inventory document with the cloud certificate it is encrypted for
    /// (never repeated: a second start while one awaits its confirmation is refused); answers
    /// the operation to confirm.
    pub async fn decrypt_content(
        &self,
        inventory: Uuid,
        document: Uuid,
    ) -> Result<types::CloudOperationInit, Error> {
        let this = *self;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.inventories_decrypt_content()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Starts printing an inventory document to PDF (a deferred task); `content` prints that
    /// content (e.g. the decrypted one) instead of the document's own. Answers the task's id.
    pub async fn print(
        &self,
        inventory: Uuid,
        document: Uuid,
        content: Option<Uuid>,
    ) -> Result<Uuid, Error> {
        let this = *self;
        let body = types::PrintRequest {
            content: None,
            content_id: content,
        };
        let body = &body;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.inventories_print_document()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .deferred(true)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// Every signature of an inventory document.
    pub async fn signatures(
        &self,
        inventory: Uuid,
        document: Uuid,
    ) -> Result<Vec<types::Signature>, Error> {
        let this = *self;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventories_get_document_signatures()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// The bytes (DER) of one signature of an inventory document.
    pub async fn signature_content(
        &self,
        inventory: Uuid,
        document: Uuid,
        signature: Uuid,
    ) -> Result<Vec<u8>, Error> {
        let this = *self;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventories_get_signature_content()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .signature_id(signature)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(&encoded, format_args!("signature {signature}"))
    }

    /// Stores the plain content (uploaded to the contents service) of an inventory document.
    pub async fn save_decrypted_content(
        &self,
        inventory: Uuid,
        document: Uuid,
        content: Uuid,
    ) -> Result<types::SaveDecryptedContentResult, Error> {
        let this = *self;
        let body = types::DecryptedContentRequest {
            content_id: content,
        };
        let body = &body;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventories_save_decrypted_content()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// The plain content of an inventory document (deprecated by the service: at most 32 MB on
    /// the test site; [`Contents`](super::Contents) has no limit).
    pub async fn decrypted_content(
        &self,
        inventory: Uuid,
        document: Uuid,
    ) -> Result<Vec<u8>, Error> {
        let this = *self;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventories_get_decrypted_content()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(
            &encoded,
            format_args!("the decrypted content of document {document}"),
        )
    }

    /// The encrypted content (a CMS envelope) of an inventory document (deprecated by the
    /// service, with the limits of [`decrypted_content`](Self::decrypted_content)).
    pub async fn encrypted_content(
        &self,
        inventory: Uuid,
        document: Uuid,
    ) -> Result<Vec<u8>, Error> {
        let this = *self;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventories_get_encrypted_content()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
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

    /// Confirms a cloud decryption started by [`decrypt_content`](Self::decrypt_content) with
    /// the SMS code; answers links to the decrypted content (never repeated: a code is used once).
    pub async fn confirm_content_decryption(
        &self,
        inventory: Uuid,
        document: Uuid,
        request_id: &str,
        code: &str,
    ) -> Result<types::CloudOperationConfirmResult, Error> {
        let this = *self;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.inventories_confirm_content_decryption()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .request_id(request_id)
                    .code(code)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// The older confirm of a cloud decryption: answers the decrypted content itself (the
    /// archive the document travelled in, or with `unzip` the file inside it).
    pub async fn decrypt_content_confirm(
        &self,
        inventory: Uuid,
        document: Uuid,
        request_id: &str,
        code: &str,
        unzip: bool,
    ) -> Result<Vec<u8>, Error> {
        let this = *self;
        let encoded = self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.inventories_decrypt_content_confirm()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .request_id(request_id)
                    .code(code)
                    .unzip(unzip)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(
            &encoded,
            format_args!("the decrypted content of document {document}"),
        )
    }

    /// The replies to one document of an inventory (its receipts).
    pub fn replies(&self, inventory: Uuid, document: Uuid) -> InventoryReplies<'a> {
        InventoryReplies {
            inventories: *self,
            inventory,
            document,
        }
    }

    /// A task of an inventory document (its print or cloud decryption task) as it stands.
    pub async fn document_task(
        &self,
        inventory: Uuid,
        document: Uuid,
        task: Uuid,
    ) -> Result<types::ApiTask, Error> {
        let this = *self;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventories_get_document_task()
                    .account_id(this.account)
                    .related_docflow_id(this.docflow)
                    .related_document_id(this.document)
                    .inventory_id(inventory)
                    .document_id(document)
                    .api_task_id(task)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }
}

/// The replies to one document of an inventory, generated for a certificate, signed (locally or
/// in the cloud) and sent: `client.account(id).docflows().inventories(docflow, document)
/// .replies(inventory, inventory_document)`.
#[derive(Debug, Clone, Copy)]
pub struct InventoryReplies<'a> {
    inventories: Inventories<'a>,
    inventory: Uuid,
    document: Uuid,
}

impl<'a> InventoryReplies<'a> {
    /// Has the service generate a reply of `reply_type` (e.g. `fns534-inventory-receipt`) for
    /// `certificate` (DER).
    pub async fn generate(
        &self,
        reply_type: &str,
        certificate: &[u8],
    ) -> Result<types::ReplyDocument, Error> {
        use base64::Engine;
        let body = types::GenerateReplyRequest {
            certificate_base64: base64::engine::general_purpose::STANDARD.encode(certificate),
        };
        let (this, body) = (*self, &body);
        let i = this.inventories;
        Ok(i.client
            .call(Idempotency::Once, move |c| async move {
                c.inventory_replies_generate_reply()
                    .account_id(i.account)
                    .related_docflow_id(i.docflow)
                    .related_document_id(i.document)
                    .inventory_id(this.inventory)
                    .document_id(this.document)
                    .document_type(reply_type.to_string())
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// A generated reply (content, signature once stored, links).
    pub async fn get(&self, reply: Uuid) -> Result<types::ReplyDocument, Error> {
        let this = *self;
        let i = this.inventories;
        Ok(i.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventory_replies_get_reply()
                    .account_id(i.account)
                    .related_docflow_id(i.docflow)
                    .related_document_id(i.document)
                    .inventory_id(this.inventory)
                    .document_id(this.document)
                    .reply_id(reply)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Replaces a generated reply's content (a signature over the old one is dropped); answers
    /// the reply.
    pub async fn put_content(
        &self,
        reply: Uuid,
        content: &[u8],
    ) -> Result<types::ReplyDocument, Error> {
        let this = *self;
        let i = this.inventories;
        Ok(i.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventory_replies_put_reply_content()
                    .account_id(i.account)
                    .related_docflow_id(i.docflow)
                    .related_document_id(i.document)
                    .inventory_id(this.inventory)
                    .document_id(this.document)
                    .reply_id(reply)
                    .body(content.to_vec())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Stores a detached CMS signature (DER) of a generated reply (repeatable: it replaces);
    /// answers the reply.
    pub async fn put_signature(
        &self,
        reply: Uuid,
        signature: &[u8],
    ) -> Result<types::ReplyDocument, Error> {
        let this = *self;
        let i = this.inventories;
        Ok(i.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventory_replies_put_reply_signature()
                    .account_id(i.account)
                    .related_docflow_id(i.docflow)
                    .related_document_id(i.document)
                    .inventory_id(this.inventory)
                    .document_id(this.document)
                    .reply_id(reply)
                    .body(signature.to_vec())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Sends a signed reply and answers the inventory's docflow after.
    pub async fn send(&self, reply: Uuid, sender_ip: &str) -> Result<types::Docflow, Error> {
        let body = types::SendReplyRequest {
            sender_ip: Some(sender_ip.to_string()),
        };
        let (this, body) = (*self, &body);
        let i = this.inventories;
        Ok(i.client
            .call(Idempotency::Once, move |c| async move {
                c.inventory_replies_send_reply()
                    .account_id(i.account)
                    .related_docflow_id(i.docflow)
                    .related_document_id(i.document)
                    .inventory_id(this.inventory)
                    .document_id(this.document)
                    .reply_id(reply)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Starts signing a reply with the cloud certificate it was generated for (`force_confirmation`
    /// asks for a confirmation even where none is needed); answers the operation to confirm.
    pub async fn cloud_sign(
        &self,
        reply: Uuid,
        force_confirmation: bool,
    ) -> Result<types::CloudOperationInit, Error> {
        let this = *self;
        let i = this.inventories;
        Ok(i.client
            .call(Idempotency::Once, move |c| async move {
                c.inventory_replies_cloud_sign_reply()
                    .account_id(i.account)
                    .related_docflow_id(i.docflow)
                    .related_document_id(i.document)
                    .inventory_id(this.inventory)
                    .document_id(this.document)
                    .reply_id(reply)
                    .force_confirmation(force_confirmation)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Confirms a cloud signing with the SMS code (never repeated: a code is used once).
    pub async fn cloud_sign_confirm(
        &self,
        reply: Uuid,
        request_id: &str,
        code: &str,
    ) -> Result<types::CloudOperationConfirmResult, Error> {
        let this = *self;
        let i = this.inventories;
        Ok(i.client
            .call(Idempotency::Once, move |c| async move {
                c.inventory_replies_cloud_sign_reply_confirm()
                    .account_id(i.account)
                    .related_docflow_id(i.docflow)
                    .related_document_id(i.document)
                    .inventory_id(this.inventory)
                    .document_id(this.document)
                    .reply_id(reply)
                    .request_id(request_id)
                    .code(code)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// A task of a reply (a cloud signing confirmed in the myDSS app) as it stands.
    pub async fn task(&self, reply: Uuid, task: Uuid) -> Result<types::ApiTask, Error> {
        let this = *self;
        let i = this.inventories;
        Ok(i.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.inventory_replies_get_reply_task()
                    .account_id(i.account)
                    .related_docflow_id(i.docflow)
                    .related_document_id(i.document)
                    .inventory_id(this.inventory)
                    .document_id(this.document)
                    .reply_id(reply)
                    .api_task_id(task)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }
}
