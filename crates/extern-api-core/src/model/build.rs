//! What the service builds documents and drafts from, typed: the drafts builder types with the
//! builder data each reads, and the types of the JSON contracts a draft document is built from.

use std::fmt;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::validate::InvalidInput;
use crate::raw::types;

/// `urn:drafts-builder:…`: what a drafts builder builds. A value the server adds later reads as
/// [`Unknown`](Self::Unknown), never as an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuilderType {
    /// `urn:drafts-builder:fns534-inventory`: the inventory answering an FNS demand.
    Fns534Inventory,
    /// `urn:drafts-builder:fns534-letter`: a letter to an inspection.
    Fns534Letter,
    /// `urn:drafts-builder:business-registration`
    BusinessRegistration,
    /// `urn:drafts-builder:pfr-report`
    PfrReport,
    /// A value this SDK does not know yet, as the server sent it.
    Unknown(String),
}

impl BuilderType {
    /// The URN prefix.
    pub const PREFIX: &'static str = "urn:drafts-builder:";

    /// Reads a value with or without its URN prefix; never fails.
    pub fn parse(value: &str) -> Self {
        let value = value.trim();
        match value.strip_prefix(Self::PREFIX).unwrap_or(value) {
            "fns534-inventory" => Self::Fns534Inventory,
            "fns534-letter" => Self::Fns534Letter,
            "business-registration" => Self::BusinessRegistration,
            "pfr-report" => Self::PfrReport,
            _ => Self::Unknown(value.to_string()),
        }
    }

    /// The value without its URN prefix.
    pub fn name(&self) -> &str {
        match self {
            Self::Fns534Inventory => "fns534-inventory",
            Self::Fns534Letter => "fns534-letter",
            Self::BusinessRegistration => "business-registration",
            Self::PfrReport => "pfr-report",
            Self::Unknown(raw) => raw.strip_prefix(Self::PREFIX).unwrap_or(raw),
        }
    }

    /// The full URN, as `builder-type` takes it.
    pub fn urn(&self) -> String {
        match self {
            Self::Unknown(raw) if raw.starts_with("urn:") => raw.clone(),
            other => format!("{}{}", Self::PREFIX, other.name()),
        }
    }
}

impl fmt::Display for BuilderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.urn())
    }
}

impl From<&str> for BuilderType {
    fn from(value: &str) -> Self {
        Self::parse(value)
    }
}

impl serde::Serialize for BuilderType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.urn())
    }
}

impl<'de> serde::Deserialize<'de> for BuilderType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

/// The `builder-data` of a builder's meta, typed, for the builder types the SDK knows (the
/// generated [`DraftsBuilderMeta`](types::DraftsBuilderMeta) holds it as a JSON map).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuilderData {
    /// An inventory answering a demand (`related-document`).
    Inventory {
        /// The demand docflow answered.
        demand_docflow_id: Uuid,
        /// The demand's attachment (`fns534-demand-attachment`) answered.
        attachment_id: Uuid,
    },
    /// A letter to an inspection.
    Letter {
        /// The region whose inspection the letter goes to (`region`, required).
        region: String,
        /// The letter's subject (`subject`).
        subject: Option<String>,
    },
    /// A business registration (no builder data).
    BusinessRegistration,
    /// A PFR report (no builder data).
    PfrReport,
}

impl BuilderData {
    /// The builder type this data goes with.
    pub fn builder_type(&self) -> BuilderType {
        match self {
            Self::Inventory { .. } => BuilderType::Fns534Inventory,
            Self::Letter { .. } => BuilderType::Fns534Letter,
            Self::BusinessRegistration => BuilderType::BusinessRegistration,
            Self::PfrReport => BuilderType::PfrReport,
        }
    }

    /// The `builder-data` object as the service reads it.
    pub fn to_map(&self) -> Map<String, Value> {
        let mut data = Map::new();
        match self {
            Self::Inventory {
                demand_docflow_id,
                attachment_id,
            } => {
                data.insert(
                    "related-document".into(),
                    json!({ "related-docflow-id": demand_docflow_id, "related-document-id": attachment_id }),
                );
            }
            Self::Letter { region, subject } => {
                data.insert("region".into(), json!(region));
                if let Some(subject) = subject {
                    data.insert("subject".into(), json!(subject));
                }
            }
            Self::BusinessRegistration | Self::PfrReport => {}
        }
        data
    }

    /// A builder meta of this type and data from `sender` to `recipient`, without payer or draft
    /// options (set them on the answer when needed).
    pub fn meta(
        &self,
        sender: types::Sender,
        recipient: types::Recipient,
    ) -> types::DraftsBuilderMeta {
        types::DraftsBuilderMeta {
            builder_type: self.builder_type().urn(),
            builder_data: self.to_map(),
            sender: Some(sender),
            recipient: Some(recipient),
            payer: None,
            draft_options: None,
        }
    }

    /// Reads the data of a builder meta; `None` for a builder type the SDK does not know or data
    /// it cannot read.
    pub fn read(meta: &types::DraftsBuilderMeta) -> Option<Self> {
        let data = &meta.builder_data;
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(String::from);
        let object = Value::Object(data.clone());
        Some(match BuilderType::parse(&meta.builder_type) {
            BuilderType::Fns534Inventory => {
                let related = data.get("related-document")?;
                let id = |key: &str| text(related, key)?.parse::<Uuid>().ok();
                Self::Inventory {
                    demand_docflow_id: id("related-docflow-id")?,
                    attachment_id: id("related-document-id")?,
                }
            }
            BuilderType::Fns534Letter => Self::Letter {
                region: text(&object, "region")?,
                subject: text(&object, "subject"),
            },
            BuilderType::BusinessRegistration => Self::BusinessRegistration,
            BuilderType::PfrReport => Self::PfrReport,
            BuilderType::Unknown(_) => return None,
        })
    }
}

/// The `type` of a document the service builds from one of the vendor's JSON contracts (into a
/// draft: [`Drafts::build_document`](crate::api::Drafts::build_document)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContractType {
    /// An ION request (ИОН) 3…9 to an inspection (`ION3`…`ION9`); the service no longer takes
    /// ION 1 and 2.
    Ion(u8),
    /// The simplified-tax declaration (`USN`).
    Usn,
    /// The application to join the SFR's electronic document flow (`ZPED`).
    Zped,
    /// The operator's FSS SEDO subscription for an organization's registration number.
    FssSedoProviderSubscription,
    /// A type this SDK does not name, sent as given.
    Other(String),
}

impl ContractType {
    /// The value of the `type` query parameter, e.g. `ION3`.
    pub fn name(&self) -> String {
        match self {
            Self::Ion(n) => format!("ION{n}"),
            Self::Usn => "USN".into(),
            Self::Zped => "ZPED".into(),
            Self::FssSedoProviderSubscription => {
                "fssSedoProviderSubscriptionForRegistrationNumber".into()
            }
            Self::Other(raw) => raw.trim().to_string(),
        }
    }

    /// Refuses what the service never takes: an ION other than 3…9, an empty type.
    pub(crate) fn check(&self) -> Result<(), InvalidInput> {
        match self {
            Self::Ion(3..=9) => Ok(()),
            Self::Ion(n) => Err(InvalidInput::new(
                "type",
                format!(
                    "ION{n}: the service builds ION requests 3 to 9 (1 and 2 are no longer accepted)"
                ),
            )),
            Self::Other(raw) if raw.trim().is_empty() => {
                Err(InvalidInput::new("type", "the contract type is empty"))
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for ContractType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_types_read_with_or_without_prefix_and_keep_unknown_values() {
        assert_eq!(
            BuilderType::parse("urn:drafts-builder:fns534-letter"),
            BuilderType::Fns534Letter
        );
        assert_eq!(BuilderType::parse("pfr-report"), BuilderType::PfrReport);
        let new = BuilderType::parse("urn:drafts-builder:fss-brand-new");
        assert_eq!(new.name(), "fss-brand-new");
        assert_eq!(new.urn(), "urn:drafts-builder:fss-brand-new");
        let json = serde_json::to_value(BuilderType::Fns534Inventory).unwrap();
        assert_eq!(json, json!("urn:drafts-builder:fns534-inventory"));
        let back: BuilderType = serde_json::from_value(json).unwrap();
        assert_eq!(back, BuilderType::Fns534Inventory);
    }

    #[test]
    fn builder_data_goes_into_a_meta_and_reads_back() {
        let sender = types::Sender {
            inn: "6676130154".into(),
            kpp: None,
            certificate: None,
            ipaddress: None,
            is_representative: None,
            name: None,
        };
        let recipient = types::Recipient {
            ifns_code: Some("0087".into()),
            ..Default::default()
        };
        for data in [
            BuilderData::Inventory {
                demand_docflow_id: Uuid::new_v4(),
                attachment_id: Uuid::new_v4(),
            },
            BuilderData::Letter {
                region: "66".into(),
                subject: Some("Сверка".into()),
            },
            BuilderData::PfrReport,
        ] {
            let meta = data.meta(sender.clone(), recipient.clone());
            assert_eq!(BuilderType::parse(&meta.builder_type), data.builder_type());
            assert_eq!(BuilderData::read(&meta), Some(data));
        }
        let mut unknown = BuilderData::PfrReport.meta(sender, recipient);
        unknown.builder_type = "urn:drafts-builder:brand-new".into();
        assert_eq!(BuilderData::read(&unknown), None);
    }

    #[test]
    fn contract_types_name_the_query_value_and_refuse_retired_ions() {
        assert_eq!(ContractType::Ion(3).to_string(), "ION3");
        assert_eq!(ContractType::Usn.name(), "USN");
        assert!(ContractType::Ion(9).check().is_ok());
        assert!(ContractType::Ion(2).check().is_err());
        assert!(ContractType::Other(" ".into()).check().is_err());
    }
}
