//! The events feed: every docflow change of the user's accounts, read after a cursor.

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
}
