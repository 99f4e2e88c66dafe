//! The Social Fund's exchange: PFR replies and requests for SEDO documents.

use base64::Engine;
use chrono::{DateTime, Utc};
use uuid::Uuid;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A generated PFR reply and its documents.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PfrReply {
    pub id: Uuid,
    pub account_id: Uuid,
    pub docflow_id: Uuid,
    /// The document answered.
    pub document_id: Uuid,
    /// The reply type, without `urn:document:`.
    pub doc_type: String,
    /// The certificate the reply was generated for: its documents are encrypted for it and it
    /// must sign them.
    #[serde(with = "crate::formats::serial::base64")]
    pub certificate: Vec<u8>,
    pub documents: Vec<PfrReplyDocument>,
    pub created: DateTime<Utc>,
    pub sent: bool,
}

/// A generated documents request.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DocumentsRequest {
    pub id: Uuid,
    pub account_id: Uuid,
    pub docflow_id: Uuid,
    /// The certificate it is generated for: the raw signature is checked against its key.
    #[serde(with = "crate::formats::serial::base64")]
    pub certificate: Vec<u8>,
    /// The SOAP body (`wsu:Id="body"`) the signature covers.
    pub body: String,
    /// `ds:SignedInfo`, which is the data to sign.
    pub signed_info: String,
    #[serde(with = "crate::formats::serial::base64_opt")]
    pub signature: Option<Vec<u8>>,
    pub created: DateTime<Utc>,
    pub sent: bool,
}

impl DocumentsRequest {
    /// The SOAP request, with the signature value once it is stored.
    pub fn content(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" \
             xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\">\
             <S:Header><wsse:Security><wsse:BinarySecurityToken wsu:Id=\"certificate\">{}</wsse:BinarySecurityToken>\
             <ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">{}<ds:SignatureValue>{}</ds:SignatureValue>\
             <ds:KeyInfo><wsse:SecurityTokenReference><wsse:Reference URI=\"#certificate\"/></wsse:SecurityTokenReference></ds:KeyInfo>\
             </ds:Signature></wsse:Security></S:Header>{}</S:Envelope>\n",
            B64.encode(&self.certificate),
            self.signed_info,
            self.signature
                .as_deref()
                .map(|s| B64.encode(s))
                .unwrap_or_default(),
            self.body,
        )
    }
}

/// One document of a PFR reply.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PfrReplyDocument {
    pub id: Uuid,
    pub filename: String,
    /// CMS EnvelopedData of the generated document for the reply's certificate.
    #[serde(with = "crate::formats::serial::base64_opt")]
    pub encrypted: Option<Vec<u8>>,
    /// What the subscriber stored as the decrypted document (the service does not compare it with
    /// what it generated: PfrReportCloudTestScenarioIT stores random bytes and sends).
    #[serde(with = "crate::formats::serial::base64_opt")]
    pub decrypted: Option<Vec<u8>>,
    #[serde(with = "crate::formats::serial::base64_opt")]
    pub signature: Option<Vec<u8>>,
}
