//! What the sandbox keeps of an organization besides its name and codes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// What the sandbox keeps of an organization besides [`Organization`].
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct OrganizationSettings {
    /// The last `update-signer` body. Nothing renders it yet: `GET …/organizations/{orgId}`
    /// shows no control units in the sandbox.
    #[allow(dead_code)]
    pub signer: Option<Value>,
    /// Employees authorized on Gosuslugi, by their API key.
    pub gosuslugi: Vec<GosuslugiAuthorization>,
}

/// An employee's Gosuslugi authorization: the API key, and until when its signature lets the
/// service refresh the token.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct GosuslugiAuthorization {
    pub uid: String,
    pub expires: DateTime<Utc>,
}

/// The settings kept per organization, by organization id.
pub type Settings = HashMap<Uuid, OrganizationSettings>;
