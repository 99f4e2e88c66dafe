//! A typed async client for **Kontur.Reestro** (`/realty/v1/`): the API through which companies
//! request EGRN extracts and register real-estate rights with Rosreestr.
//!
//! It runs on extern-api-core's [`Transport`](kontur_transport::Transport) (connection
//! pool, in-flight limit, retries of idempotent calls) and signs with its
//! [`Signer`](extern_api_core::crypto::Signer)s (software keys, an external command, or a cloud
//! certificate from extern-api-dss), with Reestro's own logins and error shape.
//!
//! - [`ReestroClient`]: one call per endpoint — create, get and send docflows, signatures on
//!   statements, files, contents, cadastral-number suggestions, the news feed;
//! - [`ReestroClient::request_extract`]: an EGRN extract, from request to files on disk;
//! - [`ReestroClient::register`]: a registration, from creation through signatures and the
//!   state fee to completion;
//! - [`ReestroClient::monitor_news`]: every state change, from a durable token.
//!
//! What is known of the API comes from its 2018–19 documentation: there is no machine-readable
//! spec, and the newer API is known only in fragments. The models are therefore open —
//! unknown states, types, fields and file types decode — and what is undocumented is said
//! where it matters (session lifetime, news paging, the options of most registration types,
//! fee currency).
//!
//! ```no_run
//! # async fn demo() -> Result<(), reestro_api::Error> {
//! use reestro_api::{CadastralNumber, ExtractRequest, ReestroAuth, ReestroClient};
//!
//! let client = ReestroClient::builder()
//!     .base_url(reestro_api::TEST_SITE)
//!     .auth(ReestroAuth::session("login@example.com", "password", uuid::Uuid::nil()))
//!     .build()?;
//! let request = ExtractRequest::new(CadastralNumber::parse("77:01:0001001:1234")?);
//! let outcome = client.request_extract(&request, std::path::Path::new("extracts")).await?;
//! println!("{} files", outcome.files.len());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod address;
mod auth;
mod client;
mod error;
mod extract;
pub mod model;
mod news;
pub mod options;
mod registration;
pub mod validate;

pub use auth::ReestroAuth;
pub use client::{ContentType, PRODUCTION, ReestroClient, ReestroClientBuilder, TEST_SITE};
pub use error::{ApiErrorBody, Error};
pub use extract::{ExtractOutcome, ExtractRequest, SavedFile};
pub use news::{NewsError, NewsOptions};
pub use registration::{
    ParticipantSigner, RegistrationOutcome, RegistrationRequest, RegistrationStep,
};
pub use validate::CadastralNumber;
