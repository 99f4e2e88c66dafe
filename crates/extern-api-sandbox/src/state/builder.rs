//! Drafts builders: documents built from contract data, before they become a draft.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::formats::serial::Interned;

use crate::formats::wire::DraftsBuilderMeta;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BuilderFile {
    pub id: Uuid,
    pub content_id: Option<Uuid>,
    #[serde(with = "crate::formats::serial::base64_opt")]
    pub signature: Option<bytes::Bytes>,
    pub file_name: String,
    pub builder_data: Map<String, Value>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BuilderDocument {
    pub id: Uuid,
    pub builder_data: Map<String, Value>,
    pub files: Vec<BuilderFile>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Builder {
    pub id: Uuid,
    pub account_id: Uuid,
    pub meta: DraftsBuilderMeta,
    #[serde(with = "crate::formats::serial::interned")]
    pub status: Interned,
    pub documents: Vec<BuilderDocument>,
}
