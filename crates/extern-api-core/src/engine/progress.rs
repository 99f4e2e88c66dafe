//! What a workflow tells its observer as it goes, and the tracing line each step leaves.

use uuid::Uuid;

use crate::model::urn::{DocflowStatus, SuccessState};

/// A step of the workflow, for progress observers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// The draft was created.
    DraftCreated {
        /// Its id.
        draft_id: Uuid,
    },
    /// A file was uploaded, added to the draft and signed.
    FileAdded {
        /// The draft document's id.
        document_id: Uuid,
        /// Its file name.
        file_name: Option<String>,
    },
    /// The check found no errors (reported with the send, which checks the draft itself).
    Checked,
    /// The report was sent: the docflow exists.
    Sent {
        /// The docflow's id.
        docflow_id: Uuid,
    },
    /// The docflow's status or success state changed.
    Status {
        /// The new status.
        status: DocflowStatus,
        /// The new success state.
        success: SuccessState,
    },
    /// A reply (receipt) was sent.
    ReplySent {
        /// Its document type.
        reply_type: String,
    },
}

/// Watches the workflow's steps (e.g. to print them or drive a progress bar).
pub trait Progress: Send + Sync {
    /// Called for each step, in order.
    fn step(&self, step: &Step);
}

impl<F: Fn(&Step) + Send + Sync> Progress for F {
    fn step(&self, step: &Step) {
        self(step)
    }
}

/// Logs each step and passes it to the caller's observer, if any.
pub(crate) fn notifier(progress: Option<&dyn Progress>) -> impl Fn(Step) + Sync + '_ {
    move |s: Step| {
        tracing::info!(step = ?s);
        if let Some(p) = progress {
            p.step(&s);
        }
    }
}
