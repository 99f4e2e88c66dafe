//! Logins in progress and shared event feeds: what identity keeps between requests.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// A certificate login waiting for its second step.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Challenge {
    #[serde(with = "crate::formats::serial::base64")]
    pub random: Vec<u8>,
    pub login: String,
    pub expires: DateTime<Utc>,
}

/// A partner allowed to log its users in with JWTs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Partner {
    #[serde(with = "crate::formats::serial::rsa_public_key")]
    pub key: rsa::RsaPublicKey,
    pub service_user_id: String,
    pub login: String,
}

/// A device-flow login.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DeviceLogin {
    pub user_code: String,
    pub expires: DateTime<Utc>,
    /// `None` while the user has not answered; `Some(Ok(login))` approved; `Some(Err(()))` denied.
    pub answer: Option<Result<String, ()>>,
}

/// A user who shares their events with a subscriber (an integrator's service, its client id).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Publisher {
    pub id: Uuid,
    pub login: String,
    pub subscriber: String,
    /// The accounts the user shared from ("his docflows of every organization").
    pub accounts: Vec<Uuid>,
    /// The `events-filter` of the last share; `None` shares everything.
    pub filter: Option<Value>,
    pub since: DateTime<Utc>,
}
