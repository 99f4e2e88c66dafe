//! A handle on one account, in the spirit of octocrab's and kube's handlers: borrows the client
//! and carries the account id, so calls read `client.account(id).docflow(df)`.

use futures::Stream;
use tokio::io::{AsyncRead, AsyncWrite};
use uuid::Uuid;

use crate::TransferOptions;
use crate::check::CheckProtocol;
use crate::client::{ExternClient, Idempotency};
use crate::docflow_search::{DocflowFilter, DocflowPage};
use crate::error::Error;
use crate::raw::prelude::*;
use crate::raw::types;
use crate::tasks::PollPolicy;

/// One account of the user.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    client: &'a ExternClient,
    id: Uuid,
}

impl ExternClient {
    /// A handle on the account `id`.
    ///
    /// ```no_run
    /// # async fn demo(client: extern_api_core::ExternClient, account: uuid::Uuid, docflow: uuid::Uuid) -> Result<(), extern_api_core::Error> {
    /// use extern_api_core::docflow::DocflowExt;
    ///
    /// let docflow = client.account(account).docflow(docflow).await?;
    /// println!("{:?} / {:?}", docflow.status(), docflow.success_state());
    /// # Ok(()) }
    /// ```
    pub fn account(&self, id: Uuid) -> Account<'_> {
        Account { client: self, id }
    }

    /// The accounts the user can see.
    pub async fn accounts(&self) -> Result<Vec<types::Account>, Error> {
        Ok(self
            .call(Idempotency::Idempotent, move |c| async move {
                c.accounts_get_all().send().await
            })
            .await?
            .into_inner()
            .accounts)
    }
}

impl<'a> Account<'a> {
    /// The account's id.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The account itself.
    pub async fn get(&self) -> Result<types::Account, Error> {
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.accounts_get().account_id(self.id).send().await
            })
            .await?
            .into_inner())
    }

    /// The account's organizations.
    pub async fn organizations(&self) -> Result<Vec<types::Organization>, Error> {
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.organizations_search().account_id(self.id).send().await
            })
            .await?
            .into_inner()
            .organizations)
    }

    /// One docflow, with its documents.
    pub async fn docflow(&self, id: Uuid) -> Result<types::Docflow, Error> {
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get()
                    .account_id(self.id)
                    .docflow_id(id)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Every docflow matching `filter`, as a stream (see [`ExternClient::docflows`]).
    pub fn docflows(
        &self,
        filter: DocflowFilter,
    ) -> impl Stream<Item = Result<types::DocflowPageItem, Error>> + 'a {
        self.client.docflows(self.id, filter)
    }

    /// One page of docflows (see [`ExternClient::docflow_page`]).
    pub async fn docflow_page(
        &self,
        filter: &DocflowFilter,
        skip: u64,
    ) -> Result<DocflowPage, Error> {
        self.client.docflow_page(self.id, filter, skip).await
    }

    /// One draft.
    pub async fn draft(&self, id: Uuid) -> Result<types::Draft, Error> {
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_get().account_id(self.id).draft_id(id).send().await
            })
            .await?
            .into_inner())
    }

    /// Creates a draft.
    pub async fn create_draft(&self, meta: &types::DraftMeta) -> Result<types::Draft, Error> {
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_create()
                    .account_id(self.id)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Checks a draft (see [`ExternClient::check_draft`]).
    pub async fn check_draft(
        &self,
        draft: Uuid,
        policy: &PollPolicy,
    ) -> Result<CheckProtocol, Error> {
        self.client.check_draft(self.id, draft, policy).await
    }

    /// Uploads a content in parts (see [`ExternClient::upload`]).
    pub async fn upload(
        &self,
        reader: impl AsyncRead + Unpin,
        options: &TransferOptions,
    ) -> Result<Uuid, Error> {
        self.client.upload(self.id, reader, options).await
    }

    /// Downloads a content by ranges (see [`ExternClient::download`]).
    pub async fn download(
        &self,
        content: Uuid,
        writer: impl AsyncWrite + Unpin,
        options: &TransferOptions,
    ) -> Result<u64, Error> {
        self.client
            .download(self.id, content, writer, options)
            .await
    }
}
