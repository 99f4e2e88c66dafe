//! The people of an account: its users (login, name, login certificates, rights) and the
//! employees of its organizations. The vendor publishes neither answer's fields, so both are
//! handed over whole.

use uuid::Uuid;

use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The users of one account: `client.account(id).users()`.
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> Users<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// Every user of the account (an admin's view), once per account they belong to, as the
    /// service answers it.
    pub async fn list(&self) -> Result<types::OpaqueObject, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.accounts_get_users().account_id(account).send().await
            })
            .await?
            .into_inner())
    }
}

/// The employees of one account's organizations: `client.account(id).employees()`.
#[derive(Debug, Clone, Copy)]
pub struct Employees<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> Employees<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// The employees of the account's organizations, as the service answers them.
    pub async fn list(&self) -> Result<types::OpaqueObject, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.accounts_get_employees().account_id(account).send().await
            })
            .await?
            .into_inner())
    }
}
