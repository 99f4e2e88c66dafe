//! The draft check protocol, typed: errors per document and common errors.

use std::fmt;

use serde::Deserialize;

/// One line of a check protocol.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CheckError {
    /// What is wrong, in the vendor's words.
    #[serde(default, deserialize_with = "null_as_empty")]
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

/// `null` read as the empty value (the vendor's JSON has nulls where a value is absent).
fn null_as_empty<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
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
    #[serde(default, deserialize_with = "null_as_empty")]
    documents_errors: std::collections::BTreeMap<String, Vec<CheckError>>,
    #[serde(default, deserialize_with = "null_as_empty")]
    common_errors: Vec<CheckError>,
}

impl CheckProtocol {
    /// Reads `{documents-errors, common-errors}`; `names` maps document ids to file names.
    pub fn from_json(value: &serde_json::Value, names: &[(String, String)]) -> Self {
        // A protocol that does not read is not "no errors": it becomes one error that says so,
        // so nothing goes out on a protocol nobody could read.
        let wire: Wire = serde_json::from_value(value.clone()).unwrap_or_else(|e| Wire {
            documents_errors: Default::default(),
            common_errors: vec![CheckError {
                description: format!("the check protocol could not be read: {e}"),
                source: None,
                level: Some("Error".into()),
                kind: Some("Protocol".into()),
            }],
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn vendor_forms_read_and_an_unreadable_protocol_is_an_error() {
        // `tags` as a string (2018 Swagger, C# model) or an array; nulls where nothing is known.
        let p = CheckProtocol::from_json(
            &json!({"documents-errors": {"d1": [{"description": null, "level": "Error", "tags": "x"}], "d2": []},
                    "common-errors": null}),
            &[("d1".into(), "a.xml".into())],
        );
        assert_eq!(p.documents.len(), 1);
        assert_eq!(p.documents[0].file_name.as_deref(), Some("a.xml"));
        assert!(p.has_errors());
        let clean = CheckProtocol::from_json(
            &json!({"documents-errors": {"d": []}, "common-errors": []}),
            &[],
        );
        assert!(!clean.has_errors());
        let garbage = CheckProtocol::from_json(&json!({"documents-errors": "nonsense"}), &[]);
        assert!(garbage.has_errors(), "never read as 'no errors'");
    }
}
