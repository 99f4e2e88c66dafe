//! What the Reestro part of the sandbox keeps: sessions, docflows with their files, payments
//! and the news feed. Bytes live in the shared contents index (small, in memory).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct RealtyStore {
    /// `sessionId` → the session.
    pub sessions: HashMap<String, Session>,
    pub docflows: HashMap<Uuid, RealtyDocflow>,
    /// Every state change, in order; a news token is `n` + the index in hex.
    pub news: Vec<NewsEntry>,
    /// When each docflow's robot acts next.
    pub queue: BTreeSet<(DateTime<Utc>, Uuid)>,
    /// UINs the test tools marked as paid.
    pub paid: BTreeSet<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub user_id: Uuid,
    pub account_id: Uuid,
    /// On the sandbox clock (the seeded token lifetime): a later request gets 401.
    pub expires: DateTime<Utc>,
}

/// Where a docflow stands; the robot moves it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stage {
    /// Registration: waiting for every participant's signature.
    AwaitingSignatures,
    /// Sent by the subscriber (or an extract just created): Rosreestr takes it next.
    Queued,
    /// At Rosreestr: registrations check the signatures, then charge the fee.
    Checking,
    /// Fee charged: waiting for the payments.
    AwaitingPayment,
    /// Paid, or an extract: the result comes next.
    Processing,
    Completed,
    Failed,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RealtyFile {
    pub id: Uuid,
    /// `statement`, `egrn:extract_info:xml`, …
    pub kind: String,
    pub content_id: Uuid,
    /// Signatures: (signature file id, content id).
    pub signatures: Vec<(Uuid, Uuid)>,
}

/// A participant who must sign, and the statement they sign.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Signatory {
    pub person: Value,
    /// "Surname Name Patronymic", compared with the signer certificate's name.
    pub full_name: String,
    pub statement: Uuid,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Payment {
    pub uin: String,
    pub summ: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RealtyDocflow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub user_id: Uuid,
    /// The path slug it was created with (`object_request`, …).
    pub docflow_type: String,
    pub request_id: Option<String>,
    pub options: Value,
    pub stage: Stage,
    pub signatories: Vec<Signatory>,
    pub payments: Vec<Payment>,
    pub files: Vec<RealtyFile>,
    pub results: Vec<Uuid>,
    pub error: Option<Value>,
    /// Suspended by an `action_request`: the robot leaves it until resumed.
    pub paused: bool,
}

impl RealtyDocflow {
    /// The state string the API shows.
    pub fn state(&self) -> &'static str {
        match self.stage {
            Stage::AwaitingSignatures | Stage::AwaitingPayment => "suspended",
            Stage::Queued => "queued",
            Stage::Checking | Stage::Processing => "sent",
            Stage::Completed => "completed",
            Stage::Failed => "error",
        }
    }

    pub fn file(&self, id: Uuid) -> Option<&RealtyFile> {
        self.files.iter().find(|f| f.id == id)
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct NewsEntry {
    pub date: DateTime<Utc>,
    /// The docflow as it was at that moment.
    pub docflow: Value,
    pub account_id: Uuid,
}
