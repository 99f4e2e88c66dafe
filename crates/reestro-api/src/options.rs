//! Typed options of the docflow types. The 2018–19 docs give `object_request` and
//! `right_movement_request` in detail and the other registrations only by their building
//! blocks (members, object, applied documents); for those this crate sends
//! `{object, docflowMember[], appliedDocument[]}` plus any extra fields the caller adds, and
//! says so here rather than guessing more.

use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::error::Error;
use crate::model::DocflowType;
use crate::validate::{self, CadastralNumber};

/// What to create: the type's options, and an optional request id. With a request id a
/// repeated create returns the docflow it already made, so the client may retry it.
#[derive(Clone, Debug)]
pub struct CreateDocflow {
    /// The caller's id of this request (the workflows set a fresh one).
    pub request_id: Option<String>,
    /// The type and its options.
    pub options: DocflowOptions,
}

impl CreateDocflow {
    /// A create without a request id (not repeated on transient failures).
    pub fn new(options: DocflowOptions) -> Self {
        Self {
            request_id: None,
            options,
        }
    }

    /// With a request id: a repeated create answers the docflow already made.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }
}

/// A docflow type with its options.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum DocflowOptions {
    /// An EGRN extract.
    ObjectRequest(ObjectRequest),
    /// A transfer of ownership (sale).
    RightMovement(RightMovement),
    /// An encumbrance (mortgage, lease, …).
    Encumbrance(Registration),
    /// The removal of an encumbrance.
    CessationEncumbrance(Registration),
    /// A shared-construction agreement (ДДУ).
    EquityAgreementRegistration(Registration),
    /// An assignment of a claim.
    RightAssignment(Registration),
    /// More documents for a docflow in processing.
    AdditionalPackage(AdditionalPackage),
    /// Cancel, suspend or resume an earlier docflow.
    Action(Action),
}

/// Which extract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtractKind {
    /// The main characteristics and registered rights (`info`).
    Info,
    /// The basic characteristics (`base`).
    Base,
    /// The transfer of rights history (`ownership`).
    Ownership,
}

/// `object_request` options.
#[derive(Clone, Debug)]
pub struct ObjectRequest {
    /// Which extract.
    pub kind: ExtractKind,
    /// Of which object.
    pub cadastral_number: CadastralNumber,
}

/// A participant (`Person` in the docs). `snils` is checked locally; the rest goes as given.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Surname.
    pub surname: String,
    /// Given name.
    pub name: String,
    /// Patronymic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_birth: Option<String>,
    /// Place of birth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<String>,
    /// SNILS, as written (`112-233-445 95`).
    pub snils: String,
    /// `male` or `female`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// `{documentType, series, number, issueDate, issuer{code, name}}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_document: Option<Value>,
    /// Citizenship.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citizenship: Option<String>,
    /// Address (`{region, city, street, house, apartment, …}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Value>,
}

impl Person {
    /// A person with the fields Rosreestr matches signatures by.
    pub fn new(surname: &str, name: &str, patronymic: Option<&str>, snils: &str) -> Self {
        Self {
            surname: surname.into(),
            name: name.into(),
            patronymic: patronymic.map(String::from),
            snils: snils.into(),
            ..Default::default()
        }
    }

    /// "Surname Name Patronymic".
    pub fn full_name(&self) -> String {
        [
            Some(&self.surname),
            Some(&self.name),
            self.patronymic.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim())
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// The object of a registration (`DocflowObject`).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocflowObject {
    /// `flat`, `house`, `landPlot`, …
    pub object_type: String,
    /// Its cadastral number.
    pub cadastral_number: CadastralNumber,
    /// Its address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Value>,
    /// `{value, unit}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<Value>,
}

impl DocflowObject {
    /// A flat with a cadastral number.
    pub fn flat(cadastral_number: CadastralNumber) -> Self {
        Self {
            object_type: "flat".into(),
            cadastral_number,
            address: None,
            area: None,
        }
    }
}

/// A document attached to a registration (`AppliedDocument`), uploaded first through
/// `POST /contents` and referred to by content ids.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedDocument {
    /// `contractOfSale`, `mortgage`, `powerOfAttorney`, … (about 40 values; `other`).
    pub document_type: String,
    /// Its number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    /// The uploaded file and its signatures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<DocumentContent>,
}

/// An uploaded document file and the contents holding its signatures.
#[derive(Clone, Debug)]
pub struct DocumentContent {
    /// `xml` or `pdf`.
    pub kind: String,
    /// The content id of the file.
    pub content_id: Uuid,
    /// Content ids of its detached signatures.
    pub signatures: Vec<Uuid>,
}

impl Serialize for DocumentContent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({
            "info": { "type": self.kind, "contentPointer": { "id": self.content_id } },
            "signatures": self.signatures.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>(),
        })
        .serialize(s)
    }
}

/// `right_movement_request` options: a sale.
#[derive(Clone, Debug)]
pub struct RightMovement {
    /// What is sold.
    pub object: DocflowObject,
    /// Who sells (one: individual ownership; several: shared).
    pub sellers: Vec<Person>,
    /// Who buys.
    pub buyers: Vec<Person>,
    /// The contract of sale.
    pub contract_of_sale: Option<AppliedDocument>,
    /// Other documents.
    pub other_documents: Vec<AppliedDocument>,
}

/// A registration given by its building blocks (see the module docs).
#[derive(Clone, Debug)]
pub struct Registration {
    /// The object.
    pub object: DocflowObject,
    /// The participants, each with a role (`mortgagor`, `mortgagee`, …).
    pub participants: Vec<(String, Person)>,
    /// Documents.
    pub documents: Vec<AppliedDocument>,
    /// More fields, sent as given.
    pub extra: Map<String, Value>,
}

/// `additional_package_request` options.
#[derive(Clone, Debug)]
pub struct AdditionalPackage {
    /// The docflow in processing.
    pub docflow_id: Uuid,
    /// Who submits the documents (they sign statements).
    pub participants: Vec<Person>,
    /// The documents.
    pub documents: Vec<AppliedDocument>,
}

/// What an `action_request` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// Cancel the docflow.
    Cancel,
    /// Suspend it.
    Suspend,
    /// Resume it.
    Resume,
}

/// `action_request` options.
#[derive(Clone, Debug)]
pub struct Action {
    /// What to do.
    pub action: ActionKind,
    /// To which docflow.
    pub docflow_id: Uuid,
    /// Why.
    pub cause: String,
    /// Who asks (they sign statements).
    pub participants: Vec<Person>,
}

fn to_value(v: &impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `{individualOwnership: person}` for one owner, `{sharedOwnership: {shares: […]}}` for more.
fn ownership(people: &[Person]) -> Value {
    match people {
        [one] => json!({ "individualOwnership": to_value(one) }),
        many => {
            json!({ "sharedOwnership": { "shares": many.iter().map(|p| json!({ "person": to_value(p) })).collect::<Vec<_>>() } })
        }
    }
}

impl DocflowOptions {
    /// The docflow type these options create.
    pub fn docflow_type(&self) -> DocflowType {
        match self {
            Self::ObjectRequest(_) => DocflowType::ObjectRequest,
            Self::RightMovement(_) => DocflowType::RightMovement,
            Self::Encumbrance(_) => DocflowType::Encumbrance,
            Self::CessationEncumbrance(_) => DocflowType::CessationEncumbrance,
            Self::EquityAgreementRegistration(_) => DocflowType::EquityAgreementRegistration,
            Self::RightAssignment(_) => DocflowType::RightAssignment,
            Self::AdditionalPackage(_) => DocflowType::AdditionalPackage,
            Self::Action(_) => DocflowType::Action,
        }
    }

    /// Everyone who will have to sign a statement.
    pub fn participants(&self) -> Vec<&Person> {
        match self {
            Self::ObjectRequest(_) => Vec::new(),
            Self::RightMovement(r) => r.sellers.iter().chain(&r.buyers).collect(),
            Self::Encumbrance(r)
            | Self::CessationEncumbrance(r)
            | Self::EquityAgreementRegistration(r)
            | Self::RightAssignment(r) => r.participants.iter().map(|(_, p)| p).collect(),
            Self::AdditionalPackage(p) => p.participants.iter().collect(),
            Self::Action(a) => a.participants.iter().collect(),
        }
    }

    /// Refuses what Rosreestr would: registrations without participants, a sale without a
    /// seller or a buyer, malformed SNILS, nameless people.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Self::ObjectRequest(_) => return Ok(()),
            Self::RightMovement(r) => {
                if r.sellers.is_empty() {
                    return Err(Error::invalid(
                        "sellers",
                        "a sale needs at least one seller",
                    ));
                }
                if r.buyers.is_empty() {
                    return Err(Error::invalid("buyers", "a sale needs at least one buyer"));
                }
            }
            Self::Encumbrance(r)
            | Self::CessationEncumbrance(r)
            | Self::EquityAgreementRegistration(r)
            | Self::RightAssignment(r) => {
                if r.participants.is_empty() {
                    return Err(Error::invalid(
                        "participants",
                        "a registration needs its participants",
                    ));
                }
            }
            Self::AdditionalPackage(_) | Self::Action(_) => {}
        }
        for (i, p) in self.participants().into_iter().enumerate() {
            if p.surname.trim().is_empty() || p.name.trim().is_empty() {
                return Err(Error::invalid(
                    format!("participants[{i}]"),
                    "a participant needs a surname and a name",
                ));
            }
            validate::snils(&p.snils).map_err(|e| match e {
                Error::InvalidInput { message, .. } => {
                    Error::invalid(format!("participants[{i}].snils"), message)
                }
                other => other,
            })?;
        }
        Ok(())
    }

    /// The `options` object on the wire.
    pub fn to_json(&self) -> Value {
        match self {
            Self::ObjectRequest(o) => {
                json!({ "type": o.kind, "cadastralNumber": o.cadastral_number })
            }
            Self::RightMovement(r) => {
                let mut documents =
                    json!({ "other": r.other_documents.iter().map(to_value).collect::<Vec<_>>() });
                if let Some(c) = &r.contract_of_sale {
                    documents["contractOfSale"] = to_value(c);
                }
                json!({
                    "rightMovementType": "sale",
                    "object": to_value(&r.object),
                    "seller": ownership(&r.sellers),
                    "buyer": ownership(&r.buyers),
                    "appliedDocuments": documents,
                })
            }
            Self::Encumbrance(r)
            | Self::CessationEncumbrance(r)
            | Self::EquityAgreementRegistration(r)
            | Self::RightAssignment(r) => {
                let mut v = r.extra.clone();
                v.insert("object".into(), to_value(&r.object));
                v.insert(
                    "docflowMember".into(),
                    r.participants
                        .iter()
                        .map(|(role, p)| json!({ "role": role, "person": to_value(p) }))
                        .collect(),
                );
                v.insert(
                    "appliedDocument".into(),
                    r.documents.iter().map(to_value).collect(),
                );
                Value::Object(v)
            }
            Self::AdditionalPackage(p) => json!({
                "docflowId": p.docflow_id,
                "docflowMember": p.participants.iter().map(|x| json!({ "person": to_value(x) })).collect::<Vec<_>>(),
                "document": p.documents.iter().map(to_value).collect::<Vec<_>>(),
            }),
            Self::Action(a) => json!({
                "actionType": a.action,
                "docflowId": a.docflow_id,
                "cause": a.cause,
                "docflowMember": a.participants.iter().map(|x| json!({ "person": to_value(x) })).collect::<Vec<_>>(),
            }),
        }
    }
}
