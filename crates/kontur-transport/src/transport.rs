//! One connection pool with timeouts and a user agent, a limit on requests in flight, and the
//! retry loop for idempotent calls.

use std::future::Future;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::RetryPolicy;

/// Whether a call may be repeated after a transient failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads and upserts: repeated on transport errors, 429 and 502/503/504.
    Idempotent,
    /// Creates or sends: never repeated blindly (workflows look the result up instead).
    Once,
}

/// What the retry loop needs to know of a client's error.
pub trait Retryable {
    /// Worth repeating an idempotent call after: transport failures, 408, 429, 502–504.
    fn is_transient(&self) -> bool;
    /// The wait the server asked for (`Retry-After`), if any.
    fn retry_after(&self) -> Option<Duration>;
    /// The server refused before doing anything (429: too many requests in flight), so even a
    /// call that creates or sends can be repeated.
    fn refused_before_work(&self) -> bool {
        false
    }
}

/// How a [`Transport`] is set up. The defaults are the vendor's: 100 s per request, 20 in flight.
#[derive(Clone, Debug)]
pub struct TransportOptions {
    /// The whole request, answer included.
    pub timeout: Duration,
    /// Connecting only.
    pub connect_timeout: Duration,
    /// Sent with every request.
    pub user_agent: String,
    /// Requests in flight at most (the services answer 429 beyond their own limit).
    pub max_in_flight: usize,
    /// Repeats of idempotent calls.
    pub retry: RetryPolicy,
    /// No repeat starts past this long after a call began, however many the policy allows
    /// (`None`: only the policy bounds it).
    pub call_deadline: Option<Duration>,
}

impl Default for TransportOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(100),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("extern-api-rust/", env!("CARGO_PKG_VERSION")).into(),
            max_in_flight: 20,
            retry: RetryPolicy::default(),
            call_deadline: None,
        }
    }
}

/// A connection pool, an in-flight limit and a retry policy. Share it behind an `Arc`.
#[derive(Debug)]
pub struct Transport {
    http: reqwest::Client,
    limit: Semaphore,
    retry: RetryPolicy,
    timeout: Duration,
    call_deadline: Option<Duration>,
}

impl Transport {
    /// Builds the pool; fails only when the system's TLS set-up cannot be loaded.
    pub fn new(options: &TransportOptions) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .user_agent(&options.user_agent)
            .pool_max_idle_per_host(options.max_in_flight)
            .build()?;
        Ok(Self {
            http,
            limit: Semaphore::new(options.max_in_flight.max(1)),
            retry: options.retry.clone(),
            timeout: options.timeout,
            call_deadline: options.call_deadline,
        })
    }

    /// The pool, for building requests.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The per-request timeout (for error messages).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Runs `op` under the in-flight limit, repeating it on transient failures when the call is
    /// idempotent (waiting as `Retry-After` asks, or by the policy's backoff). `op` may run
    /// several times, so it builds its request afresh each time.
    pub async fn run<T, E, F, Fut>(&self, idempotency: Idempotency, op: F) -> Result<T, E>
    where
        E: Retryable + std::fmt::Display,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let mut attempt = 0u32;
        let started = std::time::Instant::now();
        loop {
            let result = {
                // The semaphore is never closed, so a permit always comes.
                let _permit = self.limit.acquire().await.ok();
                op().await
            };
            match result {
                Ok(v) => return Ok(v),
                Err(err)
                    if ((idempotency == Idempotency::Idempotent && err.is_transient())
                        || err.refused_before_work())
                        && attempt < self.retry.max_retries =>
                {
                    // The server's wait, but never longer than the policy allows.
                    let wait = err
                        .retry_after()
                        .map(|w| w.min(self.retry.max_delay))
                        .unwrap_or_else(|| self.retry.delay(attempt));
                    if self
                        .call_deadline
                        .is_some_and(|d| started.elapsed() + wait >= d)
                    {
                        tracing::debug!(err = %format!("{err:#}"), attempt, "the call's deadline leaves no time to repeat");
                        return Err(err);
                    }
                    tracing::debug!(err = %format!("{err:#}"), attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }
}
