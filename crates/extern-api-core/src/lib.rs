//! The Kontur.Extern API from Rust: a typed, async client that makes the vendor's hardest parts
//! safe by default.
//!
//! - [`ExternClient`]: base URL, login ([`Credentials`]: OIDC password or refresh token, a
//!   bearer token, or the legacy api-key + auth.sid), timeouts, at most 20 requests in flight,
//!   retries of idempotent calls, one re-login on 401.
//! - [`Error`]: one error type with the vendor's error id, status, message and trace id.
//! - Long operations as tasks polled to a deadline ([`tasks`]); contents moved in bounded parts
//!   ([`TransferOptions`]); signing behind the [`Signer`] trait.
//! - Typed URNs that never fail on values the server adds later ([`urn`]).
//! - Workflows: [`ExternClient::send_report`] sends a report and follows it to its end;
//!   [`ExternClient::answer_demand`] and [`ExternClient::send_inventory`] answer the tax
//!   service's requirements ([`demand`], [`inventory`]); [`ExternClient::monitor`] follows the
//!   events feed with a durable cursor ([`monitor`], [`cursor_store`]);
//!   [`ExternClient::archive_account`] mirrors docflows into an [`archive_store::ArchiveStore`].
//! - Signing and decryption by keys the service holds (cloud/DSS) plug in through
//!   [`RemoteSigner`] and [`RemoteDecryptor`] (the extern-api-dss crate).
//!
//! Everything the generated client offers stays reachable through [`ExternClient::raw`].

#![warn(missing_docs)]

mod account;
pub mod archive;
pub mod archive_store;
mod auth;
pub mod check;
mod client;
mod compression;
mod contents;
pub mod cursor_store;
pub mod decryptor;
pub mod demand;
pub mod docflow;
pub mod docflow_search;
mod error;
pub mod files;
#[cfg(test)]
mod fuzz;
pub mod inventory;
pub mod journal;
pub mod monitor;
mod replies;
mod retry;
mod send_report;
pub mod signer;
#[cfg(feature = "sqlite")]
mod sqlite_file;
pub mod tasks;
pub mod transport;
pub mod urn;
pub mod validate;

pub use account::Account;
pub use auth::{Credentials, DeviceCode, OidcTokens, ShowDeviceCode};
pub use client::{
    ExternClient, ExternClientBuilder, Idempotency, PRODUCTION, PRODUCTION_IDENTITY, TEST_IDENTITY,
    TEST_SITE,
};
pub use contents::{MAX_PART, ProgressFn, RESUMES, TransferOptions};
pub use decryptor::{Decryptor, RemoteDecryptor, SoftwareDecryptor};
pub use error::{CloudFailure, Error};
pub use extern_api_raw as raw;
pub use extern_api_raw::credentials::Secret;
pub use replies::SentReply;
pub use retry::RetryPolicy;
pub use send_report::{Progress, Recipient, ReportFile, ReportOutcome, ReportRequest, Step};
pub use signer::{CommandSigner, RemoteFuture, RemoteSigner, Signer, SoftwareSigner};
