//! One thin typed handler per resource, in the manner of octocrab's: each borrows the client,
//! carries the ids that scope it, and makes one documented call per method — with retries for
//! idempotent calls and a lookup instead of a blind repeat for the others. Every workflow goes
//! through these.
//!
//! ```no_run
//! # async fn demo(client: extern_api_core::ExternClient, account: uuid::Uuid, docflow: uuid::Uuid) -> Result<(), extern_api_core::Error> {
//! use extern_api_core::model::DocflowExt;
//!
//! let docflow = client.account(account).docflows().get(docflow).await?;
//! println!("{:?} / {:?}", docflow.status(), docflow.success_state());
//! # Ok(()) }
//! ```

mod accounts;
pub(crate) mod base64_body;
mod builders;
mod certificates;
pub(crate) mod compression;
mod contents;
mod docflows;
mod drafts;
mod events;
pub(crate) mod handbook_cache;
mod handbooks;
mod inventories;
mod organizations;
mod page;
mod pfr_replies;
mod replies;
mod reports_tables;
mod tasks;
mod users;
mod warrants;

pub use accounts::Account;
pub use builders::{BuildOutcome, BuildRefusal, DraftBuilders};
pub use certificates::Certificates;
pub use contents::{Contents, MAX_PART, ProgressFn, RESUMES, TransferOptions};
pub use docflows::{DocflowFilter, Docflows, MAX_PAGE};
pub use drafts::{DraftTask, Drafts};
pub use events::Events;
pub use handbooks::{ControlUnitFilter, Handbooks};
pub use inventories::{Inventories, InventoryReplies};
pub use organizations::Organizations;
pub use page::Page;
pub use pfr_replies::PfrReplies;
pub use replies::Replies;
pub use reports_tables::ReportsTables;
pub use tasks::{CancellationToken, PollPolicy};
pub use tasks::{task_result, wait_task};
pub use users::{Employees, Users};
pub use warrants::Warrants;
