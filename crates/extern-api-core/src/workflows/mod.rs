//! Whole jobs, each a method of [`ExternClient`](crate::ExternClient) built on the
//! [`api`](crate::api) handlers and the shared engine:
//!
//! - [`send_report`](crate::ExternClient::send_report): a report sent and followed to its end,
//!   filed at most once per idempotency key; [`follow_docflow`](crate::ExternClient::follow_docflow)
//!   resumes one after [`Error::AfterFiling`](crate::Error::AfterFiling);
//! - [`answer_demand`](crate::ExternClient::answer_demand) and
//!   [`send_inventory`](crate::ExternClient::send_inventory): the tax service's requirements;
//! - [`monitor`](crate::ExternClient::monitor): the events feed with a durable cursor;
//! - [`archive_account`](crate::ExternClient::archive_account): docflows mirrored into a store;
//! - [`print_docflow_document`](crate::ExternClient::print_docflow_document) and
//!   [`print_draft_document`](crate::ExternClient::print_draft_document): documents printed to PDF.

mod answer_sedo;
mod archive;
mod demand;
mod inventory;
mod monitor;
mod print;
mod send_report;
mod send_sfr_report;

pub use crate::engine::follow::ReportOutcome;
pub use crate::engine::progress::{Progress, Step};
pub use crate::engine::replies::SentReply;
pub use answer_sedo::SedoOutcome;
pub use archive::{ArchiveOptions, ArchiveProgress, ArchiveReport};
pub use demand::{DemandDecision, DemandOutcome, DemandTerms};
pub use inventory::{
    InventoryDocument, InventoryDocumentKind, InventoryOutcome, InventoryRequest, RefusedDocument,
};
pub use monitor::{AutoReply, EventFilter, MonitorError, MonitorOptions};
pub use send_report::{Recipient, ReportFile, ReportRequest, Representation};
