//! The draft check protocol, typed: errors per document and common errors.

use std::fmt;

use serde::Deserialize;

/// One line of a check protocol.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CheckError {
    #[serde(default)]
    /// What is wrong, in the vendor's words.
    pub description: String,
    /// Where in the document (an XPath-like path).
    #[serde(default)]
    pub source: Option<String>,
    /// `Error` or `Warning`.
    #[serde(default)]
    pub level: Option<String>,
    /// `Schema`, `CrossCheckReport`, `Signature`, …
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

impl CheckError {
    /// Warnings do not stop a report.
    pub fn is_warning(&self) -> bool {
        self.level
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("warning"))
    }
}

/// The errors of one document, named by its file name where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentErrors {
    /// The draft document's id.
    pub document_id: String,
    /// The document's file name, when the workflow knows it.
    pub file_name: Option<String>,
    /// The errors and warnings found in it.
    pub errors: Vec<CheckError>,
}

/// A whole protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckProtocol {
    /// Errors per document.
    pub documents: Vec<DocumentErrors>,
    /// Errors of the draft as a whole (recipient, missing documents, …).
    pub common: Vec<CheckError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Wire {
    #[serde(default)]
    documents_errors: std::collections::BTreeMap<String, Vec<CheckError>>,
    #[serde(default)]
    common_errors: Vec<CheckError>,
}

impl CheckProtocol {
    /// Reads `{documents-errors, common-errors}`; `names` maps document ids to file names.
    pub fn from_json(value: &serde_json::Value, names: &[(String, String)]) -> Self {
        let wire: Wire = serde_json::from_value(value.clone()).unwrap_or(Wire {
            documents_errors: Default::default(),
            common_errors: Vec::new(),
        });
        let documents = wire
            .documents_errors
            .into_iter()
            .filter(|(_, e)| !e.is_empty())
            .map(|(id, errors)| DocumentErrors {
                file_name: names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()),
                document_id: id,
                errors,
            })
            .collect();
        Self {
            documents,
            common: wire.common_errors,
        }
    }

    /// Any error that is not a warning.
    pub fn has_errors(&self) -> bool {
        self.common
            .iter()
            .chain(self.documents.iter().flat_map(|d| &d.errors))
            .any(|e| !e.is_warning())
    }
}

impl fmt::Display for CheckProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the check found errors")?;
        for e in &self.common {
            write!(f, "; {}", e.description)?;
        }
        for d in &self.documents {
            let name = d.file_name.as_deref().unwrap_or(&d.document_id);
            for e in &d.errors {
                write!(f, "; {name}: {}", e.description)?;
            }
        }
        Ok(())
    }
}
