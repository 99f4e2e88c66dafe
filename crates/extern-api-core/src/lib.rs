//! The Kontur.Extern API from Rust: a typed, async client that makes the vendor's hardest parts
//! safe by default.
//!
//! # Map
//!
//! The crate is layered; each layer uses only the ones below it.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`workflows`] | whole jobs: [`send_report`](ExternClient::send_report) (also as a representative), [`answer_demand`](ExternClient::answer_demand), [`send_inventory`](ExternClient::send_inventory), [`monitor`](ExternClient::monitor), [`archive_account`](ExternClient::archive_account), [`print_docflow_document`](ExternClient::print_docflow_document) |
//! | [`stores`] | what lets workflows resume: the filing journal, the events cursor, the archive's files |
//! | `engine` (inside) | what workflows share: following a docflow to its end with its rules as data, draft tasks that are never sent twice, answering due replies, progress |
//! | [`api`] | one thin typed handler per resource — [`Account`](api::Account) → [`drafts`](api::Drafts), [`builders`](api::DraftBuilders), [`docflows`](api::Docflows), [`replies`](api::Replies), [`contents`](api::Contents), [`organizations`](api::Organizations), [`warrants`](api::Warrants), [`certificates`](api::Certificates), [`users`](api::Users), [`reports tables`](api::ReportsTables); a docflow's [`inventories`](api::Inventories) and [`Social Fund replies`](api::PfrReplies); [`events`](api::Events) and [`handbooks`](api::Handbooks) — paging ([`Page`](api::Page)) and task polling; every workflow goes through them |
//! | [`crypto`] | [`Signer`](crypto::Signer) and [`Decryptor`](crypto::Decryptor): local keys, an external command, or (extern-api-dss) keys the service holds — the trait decides how a draft or a reply is signed |
//! | [`model`] | typed URNs that never fail on values the server adds later, check protocols, docflow views, input checks |
//! | [`auth`] | logging in: OIDC password, refresh token, certificate, device flow, a bearer token, the legacy api-key |
//! | root | [`ExternClient`] (base URL, login, timeouts, at most 20 requests in flight, retries of idempotent calls, one re-login on 401) and [`Error`] |
//!
//! The HTTP transport (connection pool, in-flight limit, retry loop) is the `kontur-transport`
//! crate, shared with reestro-api; everything the generated client offers stays reachable
//! through [`ExternClient::raw`] and, with retries and re-login, [`ExternClient::call`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), extern_api_core::Error> {
//! use extern_api_core::auth::Credentials;
//! use extern_api_core::crypto::SoftwareSigner;
//! use extern_api_core::workflows::{Recipient, ReportFile, ReportRequest};
//! use extern_api_core::ExternClient;
//!
//! let client = ExternClient::builder()
//!     .base_url(extern_api_core::TEST_SITE)
//!     .credentials(Credentials::password("my-service", "api-key", "login@example.com", "password"))
//!     .build()?;
//! let key = std::fs::read_to_string("key.pem").map_err(|e| extern_api_core::Error::io("key.pem", e))?;
//! let signer = SoftwareSigner::from_pem(&key, std::fs::read("cert.der").unwrap_or_default())?;
//! let account = client.accounts().await?[0].id;
//! let file = ReportFile::read("report.xml").await?;
//! let request = ReportRequest::new(account, "6676130154", Some("667601001".into()), Recipient::Fns("0087".into()), vec![file]);
//! let outcome = client.send_report(&request, &signer, None).await?;
//! println!("{:?} / {:?}", outcome.status, outcome.success);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod api;
mod client;
pub mod crypto;
mod engine;
#[cfg(test)]
mod fuzz;
pub mod model;
pub mod stores;
pub mod workflows;

pub use client::auth;
pub use client::error::{BoxError, CloudFailure, Error};
pub use client::{
    ExternClient, ExternClientBuilder, PRODUCTION, PRODUCTION_IDENTITY, TEST_IDENTITY, TEST_SITE,
};
pub use extern_api_raw as raw;
pub use extern_api_raw::credentials::Secret;
pub use kontur_transport::{Idempotency, RetryPolicy};
