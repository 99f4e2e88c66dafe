//! The HTTP transport the Kontur API clients share — extern-api-core's `ExternClient` and
//! reestro-api's `ReestroClient` — so that both can count against one limit of requests in
//! flight: a connection pool with timeouts and a user agent, the in-flight limit, and the retry
//! loop for idempotent calls. Each client keeps its own error type and tells the loop what is
//! worth repeating through [`Retryable`].
//!
//! Also here: [`part_path`], how both clients write a downloaded file whole.

#![warn(missing_docs)]

mod files;
mod retry;
mod transport;

pub use files::part_path;
pub use retry::RetryPolicy;
pub use transport::{Idempotency, Retryable, Transport, TransportOptions};
