//! The API's vocabulary, typed: URNs that never fail on values the server adds later, the check
//! protocol, views over a docflow, and the checks of input made before any request.

mod build;
mod check;
mod demand;
mod docflow;
pub mod urn;
pub mod validate;
mod warrant;

pub use build::{BuilderData, BuilderType, ContractType};
pub use check::{CheckError, CheckProtocol, DocumentErrors};
pub(crate) use demand::needs_decision;
pub use demand::{DEMAND_ACCEPTANCE, DEMAND_DECLINE, DEMAND_INVENTORY_KNDS, DEMAND_RECEIPT};
pub use docflow::{DocflowExt, DocumentSummary, DueReply, link_id};
pub use warrant::Warrant;
