//! Drafts builders: documents built from contract data, before they become a draft.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::formats::wire::DraftsBuilderMeta;

#[derive(Debug, Clone)]
pub struct BuilderFile {
    pub id: Uuid,
    pub content_id: Option<Uuid>,
    pub signature: Option<bytes::Bytes>,
    pub file_name: String,
    pub builder_data: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct BuilderDocument {
    pub id: Uuid,
    pub builder_data: Map<String, Value>,
    pub files: Vec<BuilderFile>,
}

#[derive(Debug, Clone)]
pub struct Builder {
    pub id: Uuid,
    pub account_id: Uuid,
    pub meta: DraftsBuilderMeta,
    pub status: &'static str,
    pub documents: Vec<BuilderDocument>,
}
