//! [`ExternClient`]: one configured connection to the Extern API — base URL, login, timeouts,
//! a limit on requests in flight, retries — shared by every handler and workflow.

use std::sync::Arc;
use std::time::{Duration, Instant};

use extern_api_raw::hooks::Inner;
use extern_api_raw::{ResponseValue, types};

use kontur_transport::{Idempotency, RetryPolicy, Retryable, Transport, TransportOptions};

use self::auth::{Auth, Credentials, OidcTokens};
use self::error::Error;

pub mod auth;
pub(crate) mod error;

/// The vendor's production API.
pub const PRODUCTION: &str = "https://extern-api.kontur.ru";
/// The vendor's test site (needs a contract).
pub const TEST_SITE: &str = "https://extern-api.testkontur.ru";
/// The production identity provider.
pub const PRODUCTION_IDENTITY: &str = "https://identity.kontur.ru";
/// The test site's identity provider.
pub const TEST_IDENTITY: &str = "https://identity.testkontur.ru";

/// A client of the Extern API. Cheap to clone; clones share connections, tokens and limits.
///
/// ```no_run
/// # async fn demo() -> Result<(), extern_api_core::Error> {
/// use extern_api_core::{auth::Credentials, ExternClient};
///
/// let client = ExternClient::builder()
///     .base_url(extern_api_core::TEST_SITE)
///     .identity_url(extern_api_core::TEST_IDENTITY)
///     .credentials(Credentials::password("my-service", "api-key", "login@example.com", "password"))
///     .build()?;
/// let accounts = client.raw().accounts_get_all().send().await;
/// # let _ = accounts; Ok(()) }
/// # use extern_api_raw::prelude::*;
/// ```
#[derive(Clone, Debug)]
pub struct ExternClient {
    inner: Arc<ClientInner>,
}

#[derive(Debug)]
struct ClientInner {
    raw: extern_api_raw::Client,
    base_url: String,
    auth: Auth,
    transport: Arc<Transport>,
    journal: Arc<dyn crate::stores::WorkflowJournal>,
    handbooks: crate::api::handbook_cache::HandbookCache,
}

/// Builds an [`ExternClient`].
#[derive(Debug)]
pub struct ExternClientBuilder {
    base_url: String,
    identity_url: Option<String>,
    credentials: Option<Credentials>,
    transport: TransportOptions,
    max_json_answer: usize,
    journal: Option<Arc<dyn crate::stores::WorkflowJournal>>,
    handbook_ttl: Duration,
}

impl ExternClient {
    /// Starts a builder with the production URLs and the vendor's limits.
    pub fn builder() -> ExternClientBuilder {
        ExternClientBuilder {
            base_url: PRODUCTION.into(),
            identity_url: None,
            credentials: None,
            transport: TransportOptions::default(),
            max_json_answer: extern_api_raw::hooks::DEFAULT_MAX_JSON_ANSWER,
            journal: None,
            handbook_ttl: Duration::from_secs(3600),
        }
    }

    /// The generated client, for operations this crate does not wrap (`use extern_api_raw::prelude::*`).
    pub fn raw(&self) -> &extern_api_raw::Client {
        &self.inner.raw
    }

    /// The API base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Where filing workflows record their progress by idempotency key.
    pub(crate) fn journal(&self) -> &dyn crate::stores::WorkflowJournal {
        self.inner.journal.as_ref()
    }

    /// What the client keeps of handbook answers.
    pub(crate) fn handbook_cache(&self) -> &crate::api::handbook_cache::HandbookCache {
        &self.inner.handbooks
    }

    /// The transport (connections, in-flight limit, retries), to share with a client of another
    /// Kontur API — e.g. `ReestroClient::builder().transport(client.transport())` — so that both
    /// count against one limit.
    pub fn transport(&self) -> Arc<Transport> {
        self.inner.transport.clone()
    }

    /// The OIDC token cache, when the client logs in with a password or refresh token.
    pub fn tokens(&self) -> Option<&OidcTokens> {
        self.inner.auth.tokens.as_deref()
    }

    /// Runs one API call under the in-flight limit, logging in again once on 401 and repeating
    /// idempotent calls on transient failures (honouring `Retry-After`).
    ///
    /// `op` gets its own handle on the generated client (a cheap clone) and may run more than
    /// once; write it as `move |c| async move { … }` over copies or references, so the whole
    /// future stays `Send` (async closures over borrowed arguments are not, in today's Rust).
    pub async fn call<T, F, Fut>(
        &self,
        idempotency: Idempotency,
        op: F,
    ) -> Result<ResponseValue<T>, Error>
    where
        F: Fn(extern_api_raw::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, extern_api_raw::Error<types::Error>>>,
    {
        let timeout = self.inner.transport.timeout();
        let mut relogged = false;
        loop {
            let started = Instant::now();
            let result = self
                .inner
                .transport
                .run(idempotency, || async {
                    match op(self.inner.raw.clone()).await {
                        Ok(v) => Ok(v),
                        Err(e) => Err(Attempt(error::from_raw(e, timeout).await)),
                    }
                })
                .await;
            let Attempt((err, _)) = match result {
                Ok(v) => return Ok(v),
                Err(attempt) => attempt,
            };
            if err.status() == Some(401)
                && !relogged
                && let Some(tokens) = &self.inner.auth.tokens
            {
                tracing::debug!("401: logging in again");
                tokens.invalidate(started).await;
                relogged = true;
                continue;
            }
            return Err(err);
        }
    }
}

/// A failed attempt of a call: the error and the wait the server asked for.
struct Attempt((Error, Option<Duration>));

impl Retryable for Attempt {
    fn is_transient(&self) -> bool {
        self.0.0.is_transient()
    }
    fn retry_after(&self) -> Option<Duration> {
        self.0.1
    }
    fn refused_before_work(&self) -> bool {
        self.0.0.status() == Some(429)
    }
}

impl std::fmt::Display for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.0.fmt(f)
    }
}

impl ExternClientBuilder {
    /// The API base URL: [`PRODUCTION`], [`TEST_SITE`], or any other (a sandbox).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The identity provider's URL (its `/connect/token` issues tokens). Defaults to the one
    /// that goes with the base URL, or the base URL itself for anything else (a sandbox).
    pub fn identity_url(mut self, url: impl Into<String>) -> Self {
        self.identity_url = Some(url.into());
        self
    }

    /// How the client logs in (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The longest any one request may take (default 100 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.timeout = timeout;
        self
    }

    /// The longest a connection may take to open (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = timeout;
        self
    }

    /// Prepended to this crate's own user agent.
    pub fn user_agent(mut self, product: impl AsRef<str>) -> Self {
        self.transport.user_agent = format!("{} {}", product.as_ref(), self.transport.user_agent);
        self
    }

    /// Requests in flight at once (default 20, the vendor's limit per client).
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.transport.max_in_flight = n.max(1);
        self
    }

    /// No call is repeated past this long after it began, however many repeats the retry policy
    /// allows (each attempt is also bounded by `timeout`).
    pub fn call_deadline(mut self, deadline: Duration) -> Self {
        self.transport.call_deadline = Some(deadline);
        self
    }

    /// How idempotent calls are repeated after transient failures.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.transport.retry = policy;
        self
    }

    /// JSON answers larger than this fail to read instead of filling memory (default 32 MiB;
    /// contents are streamed in parts and not limited by it).
    pub fn max_json_answer(mut self, bytes: usize) -> Self {
        self.max_json_answer = bytes.max(1);
        self
    }

    /// Where filing workflows record their progress by idempotency key
    /// ([`ReportRequest::idempotency_key`](crate::workflows::ReportRequest)): in memory by default; a
    /// [`SqliteJournal`](crate::stores::SqliteJournal) lets a restarted process continue.
    pub fn journal(mut self, journal: Arc<dyn crate::stores::WorkflowJournal>) -> Self {
        self.journal = Some(journal);
        self
    }

    /// How long handbook answers (control units, forms…) are kept before they are asked again
    /// (default an hour; zero keeps none).
    pub fn handbook_ttl(mut self, ttl: Duration) -> Self {
        self.handbook_ttl = ttl;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<ExternClient, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(crate::model::validate::InvalidInput::new(
                "base_url",
                format!("{base_url:?} is not an http(s) URL"),
            )
            .into());
        }
        let credentials = self.credentials.ok_or_else(|| {
            crate::model::validate::InvalidInput::new(
                "credentials",
                "no credentials: call .credentials(…)",
            )
        })?;
        let identity_url = self
            .identity_url
            .unwrap_or_else(|| match base_url.as_str() {
                PRODUCTION => PRODUCTION_IDENTITY.into(),
                TEST_SITE => TEST_IDENTITY.into(),
                other => other.into(),
            });
        let transport = Arc::new(
            Transport::new(&self.transport)
                .map_err(|e| Error::transport("cannot build the HTTP client", e))?,
        );
        let http = transport.http().clone();
        let auth = Auth::new(http.clone(), &identity_url, &credentials)?;
        let raw = extern_api_raw::Client::new_with_client(
            &base_url,
            http.clone(),
            Inner::with_credentials(auth.provider.clone())
                .with_max_json_answer(self.max_json_answer),
        );
        Ok(ExternClient {
            inner: Arc::new(ClientInner {
                raw,
                base_url,
                auth,
                transport,
                journal: self
                    .journal
                    .unwrap_or_else(|| Arc::new(crate::stores::MemoryJournal::default())),
                handbooks: crate::api::handbook_cache::HandbookCache::new(self.handbook_ttl),
            }),
        })
    }
}
