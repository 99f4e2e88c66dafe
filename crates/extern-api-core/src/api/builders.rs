//! Draft builders: one set of documents that the service turns into one or more drafts (the
//! inventories answering a demand).

use uuid::Uuid;

use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The draft builders of one account: `client.account(id).builders()`.
#[derive(Debug, Clone, Copy)]
pub struct DraftBuilders<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> DraftBuilders<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// Creates a builder and answers its id.
    pub async fn create(&self, meta: &types::DraftsBuilderMeta) -> Result<Uuid, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builders_create()
                    .account_id(account)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// Adds a document to a builder and answers its id.
    pub async fn add_document(
        &self,
        builder: Uuid,
        body: &types::DraftsBuilderDocumentRequest,
    ) -> Result<Uuid, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builder_documents_create()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// Adds a file (an uploaded content, with its signature when given) to a builder's document.
    pub async fn add_file(
        &self,
        builder: Uuid,
        document: Uuid,
        body: &types::DraftsBuilderDocumentFileRequest,
    ) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builder_files_create()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Starts the build task and answers its id.
    pub async fn start_build(&self, builder: Uuid) -> Result<Uuid, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builders_build()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .deferred(true)
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// The build task as it stands.
    pub async fn task(&self, builder: Uuid, task: Uuid) -> Result<types::ApiTask, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builders_get_task()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .api_task_id(task)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }
}
