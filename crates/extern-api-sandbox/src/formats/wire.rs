//! The request bodies the sandbox reads, as the vendor's own examples send them — its own types,
//! not the client's, so a mistake in the client's description is caught here instead of mirrored.
//!
//! Liberal like the service: unknown fields are ignored, and booleans come as JSON booleans or
//! as strings (`"is-representative": "true"` in docs/FNS/report/send_report.rst, "Пример запроса
//! POST CreateDraft", answered 201). What the sandbox renders back is the canonical form.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// `true`, `false`, `"true"`, `"True"`, `"false"`… (absent or null: `None`).
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
        Some(other) => {
            return Err(serde::de::Error::custom(format!(
                "expected a boolean, got {other}"
            )));
        }
    })
}

/// An object that may come as `null` (docs/builder/методы билдера.rst sends
/// `"builder-data": null` for a business-registration file).
fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    Ok(Option::<Map<String, Value>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DraftMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<Payer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_document: Option<RelatedDocument>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<AdditionalInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_options: Option<DraftOptions>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Sender {
    pub inn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kpp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_representative: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateContent>,
    /// `IPAddress` in the C# models' spelling reads as `ip-address`.
    #[serde(default, alias = "ip-address", skip_serializing_if = "Option::is_none")]
    pub ipaddress: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CertificateContent {
    pub content: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Payer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<PayerOrganization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_number_fss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_number_pfr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_number_sfr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okpo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ogrn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snils: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PayerOrganization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kpp: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Recipient {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ifns_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mri_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub togs_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upfr_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sfr_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fss_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mvd_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_ifns_code: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RelatedDocument {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_docflow_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_document_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AdditionalInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_certificates: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_drafts_builder_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pfr_letter_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_readable_warrant_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_machine_readable_warrant_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DraftOptions {
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub generate_warrant: Option<bool>,
}

/// `POST …/drafts/{draftId}/documents`, `PUT …/documents/{documentId}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DocumentRequest {
    #[serde(default)]
    pub content_id: Option<Uuid>,
    /// The content inline, as the older examples send it (docs/examples/отправка сам за себя,
    /// сразу отправка.rst): stored as a content of its own.
    #[serde(default)]
    pub base64_content: Option<String>,
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub description: Option<DocumentDescriptionRequest>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DocumentDescriptionRequest {
    #[serde(default, rename = "type")]
    pub type_: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
}

/// `POST …/signatures`, `PUT …/signatures/{signatureId}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SignatureRequest {
    pub base64_content: String,
}

/// `POST …/generate-reply`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct GenerateReplyRequest {
    pub certificate_base64: String,
}

/// `POST …/replies/{replyId}/send` (`sender-ip`, not used by the sandbox).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SendReplyRequest {}

/// `PUT …/documents/{documentId}/decrypted-content`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DecryptedContentRequest {
    pub content_id: Uuid,
}

/// `POST /v1`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CreateAccountRequest {
    pub inn: String,
    #[serde(default)]
    pub kpp: Option<String>,
    pub organization_name: String,
}

/// `POST /v1/{accountId}/organizations`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CreateOrganizationRequest {
    pub inn: String,
    #[serde(default)]
    pub kpp: Option<String>,
    pub name: String,
}

/// `PUT /v1/{accountId}/organizations/{orgId}`.
#[derive(Debug, Clone, Deserialize)]
pub struct UpdateOrganizationRequest {
    pub name: String,
}

/// `POST /v1/{accountId}/drafts/builders`, `PUT …/builders/{id}/meta`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DraftsBuilderMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<Payer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
    pub builder_type: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub builder_data: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_options: Option<DraftOptions>,
}

/// `POST …/builders/{id}/documents`, `PUT …/documents/{documentId}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DraftsBuilderDocumentRequest {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub builder_data: Map<String, Value>,
}

/// `POST …/builders/{id}/documents/{documentId}/files`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DraftsBuilderDocumentFileRequest {
    #[serde(default)]
    pub content_id: Option<Uuid>,
    #[serde(default)]
    pub base64_signature_content: Option<String>,
    pub meta: DraftsBuilderFileMetaRequest,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DraftsBuilderFileMetaRequest {
    pub file_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub builder_data: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_strings() {
        let m: DraftMeta = serde_json::from_str(
            r#"{"sender": {"inn": "1", "is-representative": "true", "x": 1}, "payer": {"inn": "1"}}"#,
        )
        .unwrap();
        assert_eq!(m.sender.as_ref().unwrap().is_representative, Some(true));
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(back["sender"]["is-representative"], true);
        assert!(
            serde_json::from_str::<Sender>(r#"{"inn": "1", "is-representative": "yes"}"#).is_err()
        );
    }
}
