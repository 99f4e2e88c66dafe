//! The signing certificates of an account's user (or, asked for, of all its users).

use futures::Stream;
use uuid::Uuid;

use super::page::{Page, stream_all};
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The largest page of certificates asked for.
const CERTIFICATES_PAGE: u64 = 1000;

/// The certificates of one account: `client.account(id).certificates()`.
#[derive(Debug, Clone, Copy)]
pub struct Certificates<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> Certificates<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// One page of the certificates the user can sign with; `for_all_users` lists those of the
    /// account's other users too.
    pub async fn page(
        &self,
        for_all_users: bool,
        skip: u64,
        take: u64,
    ) -> Result<Page<types::Certificate>, Error> {
        let account = self.account;
        let take = take.clamp(1, CERTIFICATES_PAGE) as i64;
        let list = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.certificates_get_all()
                    .account_id(account)
                    .for_all_users(for_all_users)
                    .skip(skip as i64)
                    .take(take)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(Page {
            total: list.total_count.map(|t| t.max(0) as u64),
            items: list.certificates,
            skip,
        })
    }

    /// Every certificate, page by page.
    pub fn all(
        &self,
        for_all_users: bool,
    ) -> impl Stream<Item = Result<types::Certificate, Error>> + 'a {
        let this = *self;
        stream_all(
            move |skip| async move { this.page(for_all_users, skip, CERTIFICATES_PAGE).await },
        )
    }
}
