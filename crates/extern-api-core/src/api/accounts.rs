//! The user's accounts, and [`Account`]: a handle on one of them that hands out the handlers of
//! everything the account owns — `client.account(id).docflows().get(df)`.

use futures::Stream;
use uuid::Uuid;

use super::organizations::{check_inn_kpp, not_blank};
use super::page::{Page, stream_all};
use super::{
    Certificates, Contents, Docflows, DraftBuilders, Drafts, Employees, Organizations, Replies,
    Users, Warrants,
};
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The largest page of accounts the API serves.
const ACCOUNTS_PAGE: u64 = 1000;

/// One account of the user.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    client: &'a ExternClient,
    id: Uuid,
}

impl ExternClient {
    /// A handle on the account `id`.
    pub fn account(&self, id: Uuid) -> Account<'_> {
        Account { client: self, id }
    }

    /// One page of the accounts the user can see.
    pub async fn accounts_page(&self, skip: u64, take: u64) -> Result<Page<types::Account>, Error> {
        self.account_list(Some((skip, take.clamp(1, ACCOUNTS_PAGE))))
            .await
    }

    async fn account_list(
        &self,
        window: Option<(u64, u64)>,
    ) -> Result<Page<types::Account>, Error> {
        let list = self
            .call(Idempotency::Idempotent, move |c| async move {
                let mut request = c.accounts_get_all();
                if let Some((skip, take)) = window {
                    request = request.skip(skip as i64).take(take as i64);
                }
                request.send().await
            })
            .await?
            .into_inner();
        Ok(Page {
            total: list.total_count.map(|t| t.max(0) as u64),
            items: list.accounts,
            skip: window.map_or(0, |w| w.0),
        })
    }

    /// Every account the user can see, page by page.
    pub fn accounts_all(&self) -> impl Stream<Item = Result<types::Account, Error>> + '_ {
        stream_all(move |skip| self.accounts_page(skip, ACCOUNTS_PAGE))
    }

    /// Creates an account whose head is the organization `inn`/`kpp` named `organization_name`
    /// (checked first; never repeated: a lost answer is found again in [`accounts`](Self::accounts)).
    pub async fn create_account(
        &self,
        inn: &str,
        kpp: Option<&str>,
        organization_name: &str,
    ) -> Result<types::Account, Error> {
        check_inn_kpp(inn, kpp)?;
        not_blank("organization_name", organization_name)?;
        let body = types::CreateAccountRequest {
            inn: inn.to_string(),
            kpp: kpp.map(str::to_string),
            organization_name: organization_name.to_string(),
        };
        let body = &body;
        Ok(self
            .call(Idempotency::Once, move |c| async move {
                c.accounts_create().body(body.clone()).send().await
            })
            .await?
            .into_inner())
    }

    /// The accounts the user can see, as the service lists them unasked (its default page).
    pub async fn accounts(&self) -> Result<Vec<types::Account>, Error> {
        Ok(self.account_list(None).await?.items)
    }
}

impl<'a> Account<'a> {
    /// The account's id.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The account itself.
    pub async fn get(&self) -> Result<types::Account, Error> {
        let id = self.id;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.accounts_get().account_id(id).send().await
            })
            .await?
            .into_inner())
    }

    /// Deletes the account, with its organizations.
    pub async fn delete(&self) -> Result<(), Error> {
        let id = self.id;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.accounts_delete().account_id(id).send().await
            })
            .await?;
        Ok(())
    }

    /// The account's users (login, name, login certificates, rights).
    pub fn users(&self) -> Users<'a> {
        Users::new(self.client, self.id)
    }

    /// The employees of the account's organizations.
    pub fn employees(&self) -> Employees<'a> {
        Employees::new(self.client, self.id)
    }

    /// The certificates the account's user signs with.
    pub fn certificates(&self) -> Certificates<'a> {
        Certificates::new(self.client, self.id)
    }

    /// The account's organizations.
    pub fn organizations(&self) -> Organizations<'a> {
        Organizations::new(self.client, self.id)
    }

    /// The machine-readable warrants (МЧД) of the account's organizations.
    pub fn warrants(&self) -> Warrants<'a> {
        Warrants::new(self.client, self.id)
    }

    /// The account's drafts.
    pub fn drafts(&self) -> Drafts<'a> {
        Drafts::new(self.client, self.id)
    }

    /// The account's draft builders (several drafts from one set of documents: inventories).
    pub fn builders(&self) -> DraftBuilders<'a> {
        DraftBuilders::new(self.client, self.id)
    }

    /// The account's docflows.
    pub fn docflows(&self) -> Docflows<'a> {
        Docflows::new(self.client, self.id)
    }

    /// The replies to one document of a docflow.
    pub fn replies(&self, docflow: Uuid, document: Uuid) -> Replies<'a> {
        Replies::new(self.client, self.id, docflow, document)
    }

    /// The PFR (SFR) replies to one document of a docflow with the Social Fund.
    pub fn pfr_replies(&self, docflow: Uuid, document: Uuid) -> super::PfrReplies<'a> {
        super::PfrReplies::new(self.client, self.id, docflow, document)
    }

    /// The account's contents service (uploads and downloads in parts).
    pub fn contents(&self) -> Contents<'a> {
        Contents::new(self.client, self.id)
    }

    /// The reporting calendar of the account's organizations: forms, deadlines, payments.
    pub fn reports_tables(&self) -> super::ReportsTables<'a> {
        super::ReportsTables::new(self.client, self.id)
    }
}
