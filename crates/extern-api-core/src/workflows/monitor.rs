//! Watching every docflow of the user's accounts through the events feed (`/v1/events`), with
//! a durable cursor: at least once — the cursor moves only after the handler succeeded, so a
//! crash repeats at most the events in flight and never loses one. An empty feed is polled with
//! growing pauses; filters pick docflow types, organizations and new states; due receipts can
//! be answered on the way.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use extern_api_raw::types;
use uuid::Uuid;

use crate::api::CancellationToken;
use crate::crypto::Signer;
use crate::stores::CursorStore;
use crate::{Error, ExternClient};

/// Which events reach the handler (all of them when empty). Values match with or without their
/// URN prefix: `fns534-report` or `urn:docflow:fns534-report`.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// Docflow types.
    pub docflow_types: Vec<String>,
    /// Organizations: `(inn, Some(kpp))`, or `(inn, None)` for every KPP.
    pub organizations: Vec<(String, Option<String>)>,
    /// New states (`report-receipt`, `urn:transaction:processing-result-ok`, …).
    pub new_states: Vec<String>,
}

fn bare(urn: &str) -> &str {
    urn.rsplit(':').next().unwrap_or(urn)
}

impl EventFilter {
    /// Whether `event` passes.
    pub fn matches(&self, event: &types::ApiEvent) -> bool {
        let any = |wanted: &[String], got: Option<&str>| {
            wanted.is_empty() || got.is_some_and(|g| wanted.iter().any(|w| bare(w) == bare(g)))
        };
        let organization = self.organizations.is_empty()
            || self.organizations.iter().any(|(inn, kpp)| {
                event.inn.as_deref() == Some(inn.as_str())
                    && kpp
                        .as_ref()
                        .is_none_or(|k| event.kpp.as_deref() == Some(k.as_str()))
            });
        any(&self.docflow_types, event.docflow_type.as_deref())
            && any(&self.new_states, event.new_state.as_deref())
            && organization
    }
}

/// Answers the receipts and other automatic replies of each event's docflow before the
/// handler sees it (never a demand's acceptance or decline).
#[derive(Clone)]
pub struct AutoReply {
    /// Signs the replies.
    pub signer: Arc<dyn Signer>,
    /// The user's IP address, recorded by the service.
    pub sender_ip: String,
}

/// How the monitor runs.
#[derive(Clone)]
#[non_exhaustive]
pub struct MonitorOptions {
    /// The cursor's name in the store: one per independent consumer.
    pub name: String,
    /// Events per request (the service allows up to 1000).
    pub page_size: u32,
    /// The first pause after an empty page; it doubles up to `max_idle`.
    pub min_idle: Duration,
    /// The longest pause between two looks at an empty feed.
    pub max_idle: Duration,
    /// Which events reach the handler.
    pub filter: EventFilter,
    /// Answer due receipts automatically.
    pub auto_reply: Option<AutoReply>,
    /// Stops the monitor (between events; the event in hand is finished first).
    pub cancel: CancellationToken,
    /// Save the cursor after this many handled events, and always at the end of a page, when
    /// stopping and before a handler error (1: after every event). Each save is a write to the
    /// store (with SQLite, a transaction): a larger value catches up faster, and after a crash
    /// up to this many events come again.
    pub save_every: usize,
}

impl MonitorOptions {
    /// Defaults: 100 events a page, pauses from 1 s to 30 s, every event, no automatic replies,
    /// the cursor saved after each event.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            page_size: 100,
            min_idle: Duration::from_secs(1),
            max_idle: Duration::from_secs(30),
            filter: EventFilter::default(),
            auto_reply: None,
            cancel: CancellationToken::new(),
            save_every: 1,
        }
    }
}

/// Why the monitor stopped.
#[derive(Debug, thiserror::Error)]
pub enum MonitorError<E> {
    /// The handler failed on an event; the cursor stays before it, so it comes again.
    #[error("the handler failed on event {event_id}: {source}")]
    Handler {
        /// The event.
        event_id: String,
        /// The handler's error.
        source: E,
    },
    /// The service or the cursor store failed (after the client's own retries).
    #[error(transparent)]
    Sdk(#[from] Error),
}

/// Saves the cursor at `at` when events were passed since the last save.
async fn save_pending(
    cursors: &dyn CursorStore,
    name: &str,
    unsaved: usize,
    at: &Option<String>,
) -> Result<(), Error> {
    match at {
        Some(at) if unsaved > 0 => cursors.save(name, at).await,
        _ => Ok(()),
    }
}

impl ExternClient {
    /// Feeds every event after the stored cursor to `handler`, in order, saving the cursor after
    /// each success; runs until `options.cancel` is cancelled (answering `Ok`) or an error.
    ///
    /// ```no_run
    /// # async fn demo(client: extern_api_core::ExternClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use extern_api_core::stores::SqliteCursorStore;
    /// use extern_api_core::workflows::MonitorOptions;
    ///
    /// let cursors = Arc::new(SqliteCursorStore::open("monitor.sqlite")?);
    /// let mut options = MonitorOptions::new("accounting");
    /// options.filter.docflow_types = vec!["fns534-demand".into()];
    /// client
    ///     .monitor(cursors, options, |event| async move {
    ///         println!("{} → {:?}", event.docflow_id.as_deref().unwrap_or("?"), event.new_state);
    ///         Ok::<_, std::io::Error>(())
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn monitor<H, Fut, E>(
        &self,
        cursors: Arc<dyn CursorStore>,
        options: MonitorOptions,
        mut handler: H,
    ) -> Result<(), MonitorError<E>>
    where
        H: FnMut(types::ApiEvent) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let mut from = cursors.load(&options.name).await?;
        let mut idle = options.min_idle;
        tracing::info!(name = %options.name, from = ?from, "monitor started");
        loop {
            if options.cancel.is_cancelled() {
                return Ok(());
            }
            let page = self
                .events()
                .page(from.as_deref(), options.page_size)
                .await?;
            if page.api_events.is_empty() {
                tracing::trace!(wait_ms = idle.as_millis() as u64, "no new events");
                tokio::select! {
                    _ = options.cancel.cancelled() => return Ok(()),
                    _ = tokio::time::sleep(idle) => {}
                }
                idle = (idle * 2).min(options.max_idle);
                continue;
            }
            idle = options.min_idle;
            // Events handled (or filtered out) since the cursor was last saved.
            let mut unsaved = 0usize;
            for event in page.api_events {
                if options.cancel.is_cancelled() {
                    save_pending(cursors.as_ref(), &options.name, unsaved, &from).await?;
                    return Ok(());
                }
                let id = event.id.clone();
                let matched = options.filter.matches(&event);
                if matched {
                    if let Some(auto) = &options.auto_reply {
                        self.auto_reply(&event, auto).await?;
                    }
                    if let Err(source) = handler(event).await {
                        // The cursor stays just before the failed event: it comes again.
                        save_pending(cursors.as_ref(), &options.name, unsaved, &from).await?;
                        return Err(MonitorError::Handler {
                            event_id: id,
                            source,
                        });
                    }
                }
                unsaved += 1;
                if matched && unsaved >= options.save_every.max(1) {
                    cursors.save(&options.name, &id).await?;
                    unsaved = 0;
                }
                from = Some(id);
            }
            // Whatever was handled or filtered out on this page is passed for good.
            save_pending(cursors.as_ref(), &options.name, unsaved, &from).await?;
        }
    }

    async fn auto_reply(&self, event: &types::ApiEvent, auto: &AutoReply) -> Result<(), Error> {
        let (Some(account), Some(docflow)) = (
            event
                .account_id
                .as_deref()
                .and_then(|a| a.parse::<Uuid>().ok()),
            event
                .docflow_id
                .as_deref()
                .and_then(|d| d.parse::<Uuid>().ok()),
        ) else {
            return Ok(());
        };
        let docflow = self.account(account).docflows().get(docflow).await?;
        let (sent, _) = self
            .answer_due_replies(account, docflow, auto.signer.as_ref(), &auto.sender_ip)
            .await?;
        for reply in sent {
            tracing::info!(event = %event.id, reply_type = %reply.reply_type, "answered on the way");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(docflow_type: &str, inn: &str, kpp: &str, state: &str) -> types::ApiEvent {
        serde_json::from_value(serde_json::json!({
            "id": "1_1", "docflow-type": docflow_type, "inn": inn, "kpp": kpp, "new-state": state,
        }))
        .unwrap()
    }

    #[test]
    fn filters_match_with_or_without_urn_prefixes() {
        let e = event(
            "urn:docflow:fns534-report",
            "6676130154",
            "667601001",
            "urn:transaction:report-receipt",
        );
        assert!(EventFilter::default().matches(&e));
        let mut f = EventFilter {
            docflow_types: vec!["fns534-report".into()],
            ..Default::default()
        };
        assert!(f.matches(&e));
        f.new_states = vec!["urn:transaction:processing-result-ok".into()];
        assert!(!f.matches(&e));
        f.new_states = vec!["report-receipt".into()];
        f.organizations = vec![("6676130154".into(), None)];
        assert!(f.matches(&e));
        f.organizations = vec![("6676130154".into(), Some("667601002".into()))];
        assert!(!f.matches(&e));
    }
}
