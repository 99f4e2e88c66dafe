//! Typed views of a docflow: its status and success state as [`urn`](crate::model::urn) enums, its
//! documents, and the replies that are due.

use extern_api_raw::types;
use uuid::Uuid;

use crate::model::urn::{DocflowStatus, DocflowType, DocumentType, SuccessState};

/// The id a resource link ends with (`…/documents/{id}`, `…/contents/{id}`).
pub fn link_id(link: &types::Link) -> Option<Uuid> {
    link.href
        .trim_end_matches('/')
        .rsplit('/')
        .next()?
        .parse()
        .ok()
}

/// A reply the docflow waits for: the `reply` link of one of its documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReply {
    /// The document the reply answers.
    pub document_id: Uuid,
    /// The reply's document type without prefix, e.g. `fns534-report-receipt`.
    pub reply_type: String,
}

/// A document of a docflow, in short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    /// The document's id.
    pub id: Uuid,
    /// Its type.
    pub document_type: DocumentType,
    /// Its file name.
    pub file_name: Option<String>,
    /// The contents-service ids of the document's content variants.
    pub content_ids: Vec<Uuid>,
}

/// Typed accessors over the generated [`types::Docflow`].
pub trait DocflowExt {
    /// The docflow's type.
    fn docflow_type(&self) -> DocflowType;
    /// Its status.
    fn status(&self) -> DocflowStatus;
    /// How it went so far.
    fn success_state(&self) -> SuccessState;
    /// The replies it waits for (its documents' `reply` links).
    fn due_replies(&self) -> Vec<DueReply>;
    /// Its documents, in short.
    fn summaries(&self) -> Vec<DocumentSummary>;
}

impl DocflowExt for types::Docflow {
    fn docflow_type(&self) -> DocflowType {
        DocflowType::parse(self.type_.as_deref().unwrap_or(""))
    }

    fn status(&self) -> DocflowStatus {
        DocflowStatus::parse(self.status.as_deref().unwrap_or(""))
    }

    fn success_state(&self) -> SuccessState {
        SuccessState::parse(self.success_state.as_deref().unwrap_or("neutral"))
    }

    fn due_replies(&self) -> Vec<DueReply> {
        self.documents
            .iter()
            .flat_map(|d| {
                d.links
                    .iter()
                    .filter(|l| l.rel.as_deref() == Some("reply"))
                    .filter_map(move |l| {
                        let reply_type = l.name.clone().or_else(|| {
                            l.href
                                .split("documentType=")
                                .nth(1)
                                .map(|t| t.split('&').next().unwrap_or(t).to_string())
                        })?;
                        Some(DueReply {
                            document_id: d.id,
                            reply_type,
                        })
                    })
            })
            .collect()
    }

    fn summaries(&self) -> Vec<DocumentSummary> {
        self.documents
            .iter()
            .map(|d| {
                let description = d.description.as_ref();
                DocumentSummary {
                    id: d.id,
                    document_type: DocumentType::parse(
                        description.and_then(|x| x.type_.as_deref()).unwrap_or(""),
                    ),
                    file_name: description.and_then(|x| x.filename.clone()),
                    content_ids: d
                        .content
                        .as_ref()
                        .map(|c| {
                            c.docflow_document_contents
                                .iter()
                                .filter_map(|v| v.content_id)
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect()
    }
}
