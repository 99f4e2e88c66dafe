//! The organizations of an account.

use futures::Stream;
use uuid::Uuid;

use super::page::{Page, stream_all};
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The largest page of organizations the API serves.
const ORGANIZATIONS_PAGE: u64 = 1000;

/// The organizations of one account: `client.account(id).organizations()`.
#[derive(Debug, Clone, Copy)]
pub struct Organizations<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> Organizations<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// One page of the organizations, optionally only those with `inn` (and `kpp`).
    pub async fn page(
        &self,
        inn: Option<&str>,
        kpp: Option<&str>,
        skip: u64,
        take: u64,
    ) -> Result<Page<types::Organization>, Error> {
        let account = self.account;
        let take = take.clamp(1, ORGANIZATIONS_PAGE) as i64;
        let batch = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                let mut request = c
                    .organizations_search()
                    .account_id(account)
                    .skip(skip as i64)
                    .take(take);
                if let Some(inn) = inn {
                    request = request.inn(inn);
                }
                if let Some(kpp) = kpp {
                    request = request.kpp(kpp);
                }
                request.send().await
            })
            .await?
            .into_inner();
        Ok(Page {
            total: batch.total_count.map(|t| t.max(0) as u64),
            items: batch.organizations,
            skip,
        })
    }

    /// Every organization of the account, page by page.
    pub fn all(&self) -> impl Stream<Item = Result<types::Organization, Error>> + 'a {
        let this = *self;
        stream_all(move |skip| async move { this.page(None, None, skip, ORGANIZATIONS_PAGE).await })
    }
}
