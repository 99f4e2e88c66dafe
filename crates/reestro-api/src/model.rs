//! What Reestro answers: docflow states, requirements, results, news, content pointers. Written
//! by hand from the 2018–19 documentation (there is no machine-readable spec) and kept open:
//! unknown fields are ignored, unknown states and types decode as `Unknown`, a state string is
//! trimmed (an old example said `" verified"`), and a requirement's `files` may be one object
//! or a list (the docs show both).

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use uuid::Uuid;

use crate::error::ApiErrorBody;

/// Where a docflow stands.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocflowState {
    /// Waiting to be sent to Rosreestr.
    Queued,
    /// At Rosreestr.
    Sent,
    /// Waiting for the subscriber: see the docflow's requirements.
    Suspended,
    /// Done: see the docflow's result.
    Completed,
    /// Failed: see the docflow's error.
    Error,
    /// A state this crate does not know (`verified` existed in 2018).
    Unknown(String),
}

impl DocflowState {
    /// Parses the wire string, trimmed.
    pub fn parse(s: &str) -> Self {
        match s.trim() {
            "queued" => Self::Queued,
            "sent" => Self::Sent,
            "suspended" => Self::Suspended,
            "completed" => Self::Completed,
            "error" => Self::Error,
            other => Self::Unknown(other.to_string()),
        }
    }

    /// The wire string.
    pub fn name(&self) -> &str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Suspended => "suspended",
            Self::Completed => "completed",
            Self::Error => "error",
            Self::Unknown(s) => s,
        }
    }

    /// Whether nothing more will happen (`completed` or `error`).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Error)
    }
}

impl<'de> Deserialize<'de> for DocflowState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(d)?))
    }
}

/// The kind of docflow: the path slug it is created with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocflowType {
    /// An EGRN extract (`object_request`).
    ObjectRequest,
    /// A transfer of ownership, e.g. a sale (`right_movement_request`).
    RightMovement,
    /// An encumbrance such as a mortgage (`encumbrance_request`; the docs also spell it
    /// `ecumbrance_request`).
    Encumbrance,
    /// The removal of an encumbrance (`cessation_encumbrance_request`).
    CessationEncumbrance,
    /// A shared-construction agreement, ДДУ (`equity_agreement_registration_request`).
    EquityAgreementRegistration,
    /// An assignment of a claim (`right_assignment_request`).
    RightAssignment,
    /// More documents for a docflow in processing (`additional_package_request`).
    AdditionalPackage,
    /// Cancel, suspend or resume an earlier docflow (`action_request`).
    Action,
    /// A type this crate does not know.
    Unknown(String),
}

impl DocflowType {
    /// The path slug.
    pub fn slug(&self) -> &str {
        match self {
            Self::ObjectRequest => "object_request",
            Self::RightMovement => "right_movement_request",
            Self::Encumbrance => "encumbrance_request",
            Self::CessationEncumbrance => "cessation_encumbrance_request",
            Self::EquityAgreementRegistration => "equity_agreement_registration_request",
            Self::RightAssignment => "right_assignment_request",
            Self::AdditionalPackage => "additional_package_request",
            Self::Action => "action_request",
            Self::Unknown(s) => s,
        }
    }

    /// Parses a slug, the camelCase form one example shows, or a known misspelling.
    pub fn parse(s: &str) -> Self {
        let snake: String = s
            .trim()
            .chars()
            .flat_map(|c| {
                if c.is_ascii_uppercase() {
                    vec!['_', c.to_ascii_lowercase()]
                } else {
                    vec![c]
                }
            })
            .collect();
        match snake.as_str() {
            "object_request" => Self::ObjectRequest,
            "right_movement_request" => Self::RightMovement,
            "encumbrance_request" | "ecumbrance_request" => Self::Encumbrance,
            "cessation_encumbrance_request" => Self::CessationEncumbrance,
            "equity_agreement_registration_request" => Self::EquityAgreementRegistration,
            "right_assignment_request" => Self::RightAssignment,
            "additional_package_request" | "additional_packet_request" => Self::AdditionalPackage,
            "action_request" => Self::Action,
            _ => Self::Unknown(s.trim().to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for DocflowType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(d)?))
    }
}

/// A docflow as `GET /docflows/{id}` and the news show it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Docflow {
    /// Its id.
    pub docflow_id: Uuid,
    /// Its type.
    pub docflow_type: DocflowType,
    /// The user who created it.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// Where it stands.
    pub state: DocflowState,
    /// The caller's id of the create request, if one was given.
    #[serde(default)]
    pub request_id: Option<String>,
    /// The options it was created with, as the server echoes them.
    #[serde(default)]
    pub options: Value,
    /// Why it failed (state `error`).
    #[serde(default)]
    pub error: Option<ApiErrorBody>,
    /// What it waits for (state `suspended`).
    #[serde(default)]
    pub requirements: Option<Requirements>,
    /// What it produced (state `completed`).
    #[serde(default)]
    pub result: Option<DocflowResult>,
}

impl Docflow {
    /// The signatures it waits for (empty unless suspended for them).
    pub fn signature_requirements(&self) -> &[SignatureRequirement] {
        self.requirements
            .as_ref()
            .map_or(&[], |r| r.signature.as_slice())
    }

    /// The fees it waits for (empty unless suspended for them).
    pub fn payment_requirements(&self) -> &[PaymentRequirement] {
        self.requirements
            .as_ref()
            .map_or(&[], |r| r.payment.as_slice())
    }
}

/// What a suspended docflow waits for: signatures, payments, or (the docs do not rule it out)
/// both.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Requirements {
    /// One entry per participant who must sign.
    pub signature: Vec<SignatureRequirement>,
    /// State fees to pay outside the API.
    pub payment: Vec<PaymentRequirement>,
}

/// A participant and the statements they must sign.
#[derive(Clone, Debug, Deserialize)]
pub struct SignatureRequirement {
    /// The participant, as the options gave them.
    #[serde(default)]
    pub person: Value,
    /// The files to sign (usually one statement).
    #[serde(default, deserialize_with = "one_or_many")]
    pub files: Vec<FilePointer>,
}

impl SignatureRequirement {
    /// The participant's SNILS, digits only.
    pub fn snils(&self) -> String {
        crate::validate::digits(self.person["snils"].as_str().unwrap_or_default())
    }

    /// "Surname Name Patronymic".
    pub fn full_name(&self) -> String {
        ["surname", "name", "patronymic"]
            .iter()
            .filter_map(|k| self.person[*k].as_str())
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FilePointer>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<FilePointer>),
        One(FilePointer),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::Many(v)) => v,
        Some(OneOrMany::One(f)) => vec![f],
    })
}

/// A file of a docflow.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilePointer {
    /// Its id in `/docflows/{id}/files/{fileId}`.
    pub id: Uuid,
    /// `statement`, …
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Where to download it.
    #[serde(default)]
    pub content_link: Option<String>,
}

/// A state fee Rosreestr charged. Currency and format are not documented (roubles in practice):
/// the amount is kept as the server spells it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PaymentRequirement {
    /// The payment's unique identifier (УИН) to quote when paying.
    pub uin: String,
    /// The amount as the server wrote it (spelled `summ` on the wire; a string in the docs, a
    /// number read as its text).
    #[serde(rename = "summ", deserialize_with = "text_or_number")]
    pub sum: String,
}

fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// What a completed docflow produced.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocflowResult {
    /// Result files with their signatures.
    pub files: Vec<ResultFile>,
}

/// A result file: for extracts `egrn:extract_info:xml`, `extract_info:pdf`, `egrn:outdoc`
/// (ZIP), … (open: other types keep their string).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultFile {
    /// Its id.
    pub id: Uuid,
    /// Its type.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Where to download it.
    #[serde(default)]
    pub content_link: Option<String>,
    /// Rosreestr's signatures of it (downloadable as files too).
    #[serde(default)]
    pub signatures: Vec<FileRef>,
}

/// A reference to a downloadable file.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRef {
    /// Its id.
    pub id: Uuid,
    /// Where to download it.
    #[serde(default)]
    pub content_link: Option<String>,
}

/// A page of the news feed.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct News {
    /// State changes, oldest first.
    #[serde(rename = "docflowNewsItem", default)]
    pub items: Vec<NewsItem>,
    /// Where to continue from.
    pub last_token: String,
}

/// One state change.
#[derive(Clone, Debug, Deserialize)]
pub struct NewsItem {
    /// Resume after this item with this token.
    pub token: String,
    /// When it happened.
    #[serde(default)]
    pub date: Option<String>,
    /// The docflow as it was then.
    pub docflow: Docflow,
}

/// An uploaded content.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentPointer {
    /// Its id (used in options and as a signature id).
    pub id: Uuid,
    /// Where to download it.
    #[serde(default)]
    pub content_link: Option<String>,
}

/// An object found at an address.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CadastreSuggestion {
    /// The cadastral number.
    pub object_cn: String,
    /// The rest of the answer (object, subject, region ids, street, house, apartment, notes).
    #[serde(flatten)]
    pub details: serde_json::Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_odd_answers_decode() {
        let d: Docflow = serde_json::from_value(serde_json::json!({
            "docflowId": "6b4a3a52-6c1c-4a53-9e0f-1c2b3d4e5f60",
            "docflowType": "encumbranceRequest",
            "state": " verified",
            "somethingNew": { "x": 1 },
            "requirements": {
                "signature": [{ "person": { "surname": "Петров", "name": "Пётр", "snils": "112-233-445 95" },
                                "files": { "id": "0b4a3a52-6c1c-4a53-9e0f-1c2b3d4e5f60", "type": "statement" } }],
                "payment": [{ "uin": "00000000700486290714", "summ": 700 }]
            }
        }))
        .unwrap();
        assert_eq!(d.docflow_type, DocflowType::Encumbrance);
        assert_eq!(d.state, DocflowState::Unknown("verified".into()));
        assert_eq!(
            d.signature_requirements()[0].files.len(),
            1,
            "one object read as a list"
        );
        assert_eq!(d.signature_requirements()[0].snils(), "11223344595");
        assert_eq!(d.payment_requirements()[0].sum, "700");
    }
}
