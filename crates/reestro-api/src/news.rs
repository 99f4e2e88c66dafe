//! The news monitor: every docflow state change, in order, from a durable `lastToken` kept in
//! one of extern-api-core's cursor stores (SQLite file, memory, or your own). At least once:
//! the token is saved after the handler succeeds, so an item in hand at a crash comes again.
//!
//! The feed starts "now" (the first call has no token): a monitor with no stored token saves
//! the current position first and sees only what happens after. Page size and retention are
//! not documented.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use extern_api_core::api::CancellationToken;
use extern_api_core::stores::CursorStore;

use crate::ReestroClient;
use crate::error::Error;
use crate::model::NewsItem;

/// How the news monitor runs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewsOptions {
    /// The cursor's name in the store: one per independent consumer.
    pub name: String,
    /// The first pause after an empty page; it doubles up to `max_idle`.
    pub min_idle: Duration,
    /// The longest pause between two looks at a quiet feed.
    pub max_idle: Duration,
    /// Stops the monitor between items.
    pub cancel: CancellationToken,
}

impl NewsOptions {
    /// Pauses from 1 s to 30 s.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            min_idle: Duration::from_secs(1),
            max_idle: Duration::from_secs(30),
            cancel: CancellationToken::new(),
        }
    }
}

/// Why the news monitor stopped.
#[derive(Debug, thiserror::Error)]
pub enum NewsError<E> {
    /// The handler failed on an item; the token stays before it, so it comes again.
    #[error("the handler failed on news item {token}: {source}")]
    Handler {
        /// The item's token.
        token: String,
        /// The handler's error.
        source: E,
    },
    /// Reestro or the cursor store failed.
    #[error(transparent)]
    Reestro(#[from] Error),
}

impl ReestroClient {
    /// Feeds every news item after the stored token to `handler`, saving the token after each;
    /// runs until `options.cancel` is cancelled (answering `Ok`) or an error.
    ///
    /// ```no_run
    /// # async fn demo(client: reestro_api::ReestroClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use extern_api_core::stores::SqliteCursorStore;
    /// use reestro_api::NewsOptions;
    ///
    /// let cursors = Arc::new(SqliteCursorStore::open("reestro-news.sqlite")?);
    /// client
    ///     .monitor_news(cursors, NewsOptions::new("realty"), |item| async move {
    ///         println!("{} is {}", item.docflow.docflow_id, item.docflow.state.name());
    ///         Ok::<_, std::io::Error>(())
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn monitor_news<H, Fut, E>(
        &self,
        cursors: Arc<dyn CursorStore>,
        options: NewsOptions,
        mut handler: H,
    ) -> Result<(), NewsError<E>>
    where
        H: FnMut(NewsItem) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let name = &options.name;
        let mut token = match cursors.load(name).await.map_err(Error::from)? {
            Some(t) => t,
            None => {
                let now = self.news(None).await?.last_token;
                cursors.save(name, &now).await.map_err(Error::from)?;
                now
            }
        };
        tracing::info!(%name, %token, "news monitor started");
        let mut idle = options.min_idle;
        loop {
            if options.cancel.is_cancelled() {
                return Ok(());
            }
            let page = self.news(Some(&token)).await?;
            if page.items.is_empty() {
                if page.last_token != token {
                    cursors
                        .save(name, &page.last_token)
                        .await
                        .map_err(Error::from)?;
                    token = page.last_token;
                }
                tokio::select! {
                    _ = options.cancel.cancelled() => return Ok(()),
                    _ = tokio::time::sleep(idle) => {}
                }
                idle = (idle * 2).min(options.max_idle);
                continue;
            }
            idle = options.min_idle;
            for item in page.items {
                if options.cancel.is_cancelled() {
                    return Ok(());
                }
                let at = item.token.clone();
                handler(item).await.map_err(|source| NewsError::Handler {
                    token: at.clone(),
                    source,
                })?;
                cursors.save(name, &at).await.map_err(Error::from)?;
                token = at;
            }
        }
    }
}
