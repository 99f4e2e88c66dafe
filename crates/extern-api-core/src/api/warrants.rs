//! The machine-readable warrants (МЧД) of an account's organizations.

use futures::Stream;
use uuid::Uuid;

use super::page::{Page, stream_all};
use crate::model::Warrant;
use crate::raw::prelude::*;
use crate::{Error, ExternClient, Idempotency};

/// The largest page of warrants asked for.
const WARRANTS_PAGE: u64 = 1000;

/// The warrants of one account: `client.account(id).warrants()`.
#[derive(Debug, Clone, Copy)]
pub struct Warrants<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> Warrants<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// One page of the warrants; `for_all_users` lists those other users registered too.
    pub async fn page(
        &self,
        for_all_users: bool,
        skip: u64,
        take: u64,
    ) -> Result<Page<Warrant>, Error> {
        let account = self.account;
        let take = take.clamp(1, WARRANTS_PAGE) as i64;
        let list = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.warrants_get_all()
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
            items: list
                .organization_warrant_informations
                .iter()
                .map(Warrant::from_information)
                .collect(),
            skip,
        })
    }

    /// Every warrant, page by page.
    pub fn all(&self, for_all_users: bool) -> impl Stream<Item = Result<Warrant, Error>> + 'a {
        let this = *self;
        stream_all(move |skip| async move { this.page(for_all_users, skip, WARRANTS_PAGE).await })
    }
}
