//! The drafts of an account: a report's documents and signatures before it is sent, and the
//! draft tasks (check, prepare, send) that run on the server.

use uuid::Uuid;

use super::page::Page;
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

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
}
