//! Cloud certificates (keys the sandbox holds) and the signings waiting for confirmation.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::pki::SandboxSigner;

/// How the holder confirms an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfirmType {
    #[serde(rename = "sms")]
    Sms,
    #[serde(rename = "myDSS")]
    MyDss,
}

/// A certificate whose key lives in the sandbox.
#[derive(Serialize, Deserialize)]
pub struct CloudCertificate {
    #[serde(with = "arc_signer")]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    Draft(Uuid),
    Reply {
        docflow: Uuid,
        reply: Uuid,
    },
    /// A PFR reply: every one of its documents (see `api/pfr_replies.rs`).
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
#[derive(Clone, Debug, Serialize, Deserialize)]
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

/// A cloud certificate's signer as a data directory keeps it (shared by `Arc` while running).
mod arc_signer {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::pki::SandboxSigner;

    pub fn serialize<S: Serializer>(signer: &Arc<SandboxSigner>, s: S) -> Result<S::Ok, S::Error> {
        signer.as_ref().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<SandboxSigner>, D::Error> {
        SandboxSigner::deserialize(d).map(Arc::new)
    }
}
