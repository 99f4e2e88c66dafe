//! The events feed: every docflow change of the user's accounts, read after a cursor; who
//! shares their events with the integrator's service (publishers), and sharing an account's.

use uuid::Uuid;

use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The events feed: `client.events()`.
#[derive(Debug, Clone, Copy)]
pub struct Events<'a> {
    client: &'a ExternClient,
}

impl ExternClient {
    /// The events feed of the user's accounts.
    pub fn events(&self) -> Events<'_> {
        Events { client: self }
    }
}

impl Events<'_> {
    /// Up to `take` (1 to 1000) events after `from` (from the start when `None`); the page's
    /// last event id is the cursor of the next.
    pub async fn page(&self, from: Option<&str>, take: u32) -> Result<types::EventsPage, Error> {
        let take = take.clamp(1, 1000) as i32;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                let mut request = c.events_get_all().take(take);
                if let Some(from) = from {
                    request = request.from_id(from);
                }
                request.send().await
            })
            .await?
            .into_inner())
    }

    /// The users who share their events with this integrator's service (the feed's publishers),
    /// as the service lists them.
    pub async fn publishers(&self) -> Result<types::OpaqueObject, Error> {
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.events_get_publishers().send().await
            })
            .await?
            .into_inner())
    }

    /// Stops reading a publisher's events.
    pub async fn remove_publisher(&self, publisher: Uuid) -> Result<(), Error> {
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.events_delete_publisher()
                    .publisher_id(publisher)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Shares `account`'s events with the integrator's service `subscriber` (the name given when
    /// its feed was enabled); the caller becomes one of its publishers.
    pub async fn share(&self, account: Uuid, subscriber: &str) -> Result<(), Error> {
        let body = types::ShareEventsRequest {
            events_filter: None,
            subscriber: subscriber.to_string(),
        };
        let body = &body;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.events_share()
                    .account_id(account)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }
}
