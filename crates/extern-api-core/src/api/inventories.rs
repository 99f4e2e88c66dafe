//! The inventories (описи, `fns534-inventory`) answering an incoming document — a demand's
//! attachment: each is a docflow of its own, named by the demand's docflow and attachment too.

use futures::Stream;
use uuid::Uuid;

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
