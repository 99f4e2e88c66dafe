//! The API's resources, one file per resource (the `*_extras` files hold the operations the
//! conformance work added to a resource). Handlers read and change [`crate::state`], render
//! through [`crate::views`] and hand robot work to [`crate::flows`].

pub mod account_extras;
pub mod accounts;
pub mod builder_extras;
pub mod builders;
pub mod cloud;
pub mod contents;
pub mod demands;
pub mod docflow_extras;
pub mod docflow_search;
pub mod docflows;
pub mod documents_requests;
pub mod draft_extras;
pub mod drafts;
pub mod event_publishers;
pub mod events;
#[cfg(test)]
mod fuzz;
pub mod handbooks;
pub mod inventory_documents;
pub mod organization_extras;
pub mod pfr_replies;
pub mod print;
pub mod replies;
pub mod reports_tables;
pub mod tasks;
pub mod test_tools;
