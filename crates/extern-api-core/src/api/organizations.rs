//! The organizations of an account: listing, adding, renaming and removing them, the signer
//! chosen for a control unit, and their subscriptions to control units (FSS SEDO).

use futures::Stream;
use uuid::Uuid;

use super::page::{Page, stream_all};
use crate::model::validate::{self, InvalidInput};
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The largest page of organizations the API serves.
const ORGANIZATIONS_PAGE: u64 = 1000;

/// The largest page of control-unit subscriptions asked for.
const SUBSCRIPTIONS_PAGE: u64 = 1000;

/// The one type of control-unit subscription the vendor names (FSS SEDO).
const FSS_SEDO: &str = "fss-sedo";

/// `value` must hold more than blanks.
pub(super) fn not_blank(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    if value.trim().is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    Ok(())
}

/// An organization's INN and, when given, its KPP, checked before any request.
pub(super) fn check_inn_kpp(inn: &str, kpp: Option<&str>) -> Result<(), InvalidInput> {
    validate::inn(inn)?;
    kpp.map_or(Ok(()), validate::kpp)
}

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

    /// Adds an organization, its INN, KPP and name checked first (never repeated: a lost answer
    /// shows in [`page`](Self::page) by its INN).
    pub async fn create(
        &self,
        inn: &str,
        kpp: Option<&str>,
        name: &str,
    ) -> Result<types::Organization, Error> {
        check_inn_kpp(inn, kpp)?;
        not_blank("name", name)?;
        let body = types::CreateOrganizationRequest {
            inn: inn.to_string(),
            kpp: kpp.map(str::to_string),
            name: name.to_string(),
        };
        let (account, body) = (self.account, &body);
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.organizations_create()
                    .account_id(account)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// One organization, with its INN, KPP and name.
    pub async fn get(&self, org: Uuid) -> Result<types::Organization, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.organizations_get()
                    .account_id(account)
                    .org_id(org)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Renames an organization (the name is all that can change); answers it as it now is.
    pub async fn update(&self, org: Uuid, name: &str) -> Result<types::Organization, Error> {
        not_blank("name", name)?;
        let body = types::UpdateOrganizationRequest {
            name: name.to_string(),
        };
        let (account, body) = (self.account, &body);
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.organizations_update()
                    .account_id(account)
                    .org_id(org)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Removes an organization from the account.
    pub async fn delete(&self, org: Uuid) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.organizations_delete()
                    .account_id(account)
                    .org_id(org)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Chooses the certificate and signer type used for a control unit; `setting` goes as given
    /// (the vendor publishes no fields) and repeating it is harmless (the last one stands).
    pub async fn update_signer(
        &self,
        org: Uuid,
        setting: &types::OpaqueObject,
    ) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.organizations_update_signer()
                    .account_id(account)
                    .org_id(org)
                    .body(setting.clone())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Stores an employee's Gosuslugi authorization for MVD notifications: their API key and a
    /// detached CMS signature (DER) of it, which lives 18 hours (repeating it refreshes it).
    pub async fn gosuslugi_auth(
        &self,
        org: Uuid,
        gosuslugi_uid: &str,
        signature: &[u8],
    ) -> Result<(), Error> {
        use base64::Engine;
        not_blank("gosuslugi_uid", gosuslugi_uid)?;
        let body = types::GosuslugiAuthRequest {
            base64_signature_content: base64::engine::general_purpose::STANDARD.encode(signature),
            gosuslugi_uid: gosuslugi_uid.to_string(),
        };
        let (account, body) = (self.account, &body);
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.organizations_gosuslugi_auth()
                    .account_id(account)
                    .org_id(org)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// One page of the organization's FSS SEDO subscriptions to control units (a search, so it is
    /// repeated safely), only the one of `registration_number` when given.
    pub async fn subscriptions_page(
        &self,
        org: Uuid,
        registration_number: Option<&str>,
        skip: u64,
        take: u64,
    ) -> Result<Page<types::ControlUnitSubscription>, Error> {
        if let Some(number) = registration_number {
            not_blank("registration_number", number)?;
        }
        let from = i32::try_from(skip)
            .map_err(|_| InvalidInput::new("skip", format!("{skip}: at most {}", i32::MAX)))?;
        let body = types::ControlUnitSubscriptionSearchRequest {
            control_unit_subscription_type: Some(FSS_SEDO.to_string()),
            registration_number: registration_number.map(str::to_string),
            skip: Some(from),
            take: Some(take.clamp(1, SUBSCRIPTIONS_PAGE) as i32),
        };
        let (account, body) = (self.account, &body);
        let page = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.organizations_search_control_unit_subscriptions()
                    .account_id(account)
                    .org_id(org)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(Page {
            total: page.total_count.map(|t| t.max(0) as u64),
            items: page.items,
            skip,
        })
    }

    /// Every FSS SEDO subscription of the organization (only `registration_number`'s when
    /// given), page by page.
    pub fn subscriptions(
        &self,
        org: Uuid,
        registration_number: Option<String>,
    ) -> impl Stream<Item = Result<types::ControlUnitSubscription, Error>> + 'a {
        let this = *self;
        stream_all(move |skip| {
            let number = registration_number.clone();
            async move {
                this.subscriptions_page(org, number.as_deref(), skip, SUBSCRIPTIONS_PAGE)
                    .await
            }
        })
    }
}
