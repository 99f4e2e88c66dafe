//! How the API shows what the sandbox keeps: paths, docflows and their documents, drafts'
//! signatures, tasks. Handlers and flows render through here; it reads state only.

mod docflow;
mod draft;
mod task;

pub use docflow::{
    docflow_json, docflow_path, pfr_reply_path, render_docflow, render_document, requisites,
    supports_recognition,
};
pub use draft::{draft_path, render_signature};
pub use task::{busy, render_task};
