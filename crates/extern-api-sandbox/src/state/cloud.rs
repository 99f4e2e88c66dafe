//! Cloud certificates (keys the sandbox holds) and the signings waiting for confirmation.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::pki::SandboxSigner;

/// How the holder confirms an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum ConfirmType {
    #[serde(rename = "sms")]
    Sms,
    #[serde(rename = "myDSS")]
    MyDss,
}

/// A certificate whose key lives in the sandbox.
pub struct CloudCertificate {
    pub signer: Arc<SandboxSigner>,
    pub thumbprint: String,
    pub confirm: ConfirmType,
}

impl std::fmt::Debug for CloudCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudCertificate")
            .field("thumbprint", &self.thumbprint)
            .field("confirm", &self.confirm)
            .finish()
    }
}

/// What an operation signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Draft(Uuid),
    Reply {
        docflow: Uuid,
        reply: Uuid,
    },
    /// A PFR reply: every one of its documents (see [`crate::api::pfr_replies`]).
    PfrReply {
        docflow: Uuid,
        reply: Uuid,
    },
    /// Cloud decryption of a document encrypted for the cloud certificate.
    Decrypt {
        docflow: Uuid,
        document: Uuid,
    },
}

/// A signing waiting for its confirmation.
#[derive(Clone, Debug)]
pub struct Operation {
    pub request_id: String,
    pub account_id: Uuid,
    pub target: Target,
    pub thumbprint: String,
    pub code: String,
    pub attempts: u32,
    pub expires: DateTime<Utc>,
    /// The myDSS task, when confirmed in the app.
    pub task: Option<Uuid>,
}
