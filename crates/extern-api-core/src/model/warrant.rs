//! A machine-readable power of attorney (МЧД) as the account's warrant list shows it: the
//! organization that issued it, its term and powers, and the representative it trusts
//! (skbkontur/extern-csharp-sdk Models/Warrants: `WarrantList`, `OrganizationWarrantInformation`,
//! `Warrant`).

use chrono::NaiveDate;
use serde_json::{Map, Value};
use uuid::Uuid;

/// One warrant of the account's organizations. Fields the service adds later stay in `raw`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Warrant {
    /// The organization that issued the warrant (the payer a representative files for).
    pub organization_id: Option<Uuid>,
    /// Its INN.
    pub inn: Option<String>,
    /// Its KPP.
    pub kpp: Option<String>,
    /// Its name.
    pub organization_name: Option<String>,
    /// The warrant's number.
    pub number: Option<String>,
    /// Valid from (inclusive).
    pub date_begin: Option<NaiveDate>,
    /// Valid until (inclusive).
    pub date_end: Option<NaiveDate>,
    /// The representative's powers, as codes.
    pub permissions: Vec<i64>,
    /// The representative's INN (a person's or an organization's).
    pub representative_inn: Option<String>,
    /// The warrant as listed.
    pub raw: Map<String, Value>,
}

impl Warrant {
    /// Reads one `organization-warrant-informations` entry; what is missing stays `None`.
    pub fn from_information(info: &Map<String, Value>) -> Self {
        let text =
            |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).map(String::from);
        let raw = info
            .get("warrant")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let date = |k: &str| {
            text(&raw, k).and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
        };
        let sender = raw.get("sender").and_then(Value::as_object);
        let representative_inn = sender.and_then(|s| {
            ["sender-individual", "sender-organization"]
                .iter()
                .find_map(|k| s.get(*k).and_then(Value::as_object))
                .and_then(|who| text(who, "inn"))
        });
        Self {
            organization_id: text(info, "organization-id").and_then(|v| v.parse().ok()),
            inn: text(info, "inn"),
            kpp: text(info, "kpp"),
            organization_name: text(info, "organization-name"),
            number: text(&raw, "number"),
            date_begin: date("date-begin"),
            date_end: date("date-end"),
            permissions: raw
                .get("permissions")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default(),
            representative_inn,
            raw,
        }
    }

    /// Whether the warrant is in force on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.date_begin.is_none_or(|b| b <= day) && self.date_end.is_none_or(|e| day <= e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_with_its_representative_and_term() {
        let info: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "organization-id": "6f1c8a4e-4b8e-4f0a-9a5e-2f6a1b2c3d4e",
            "inn": "7701234567", "kpp": "770101001", "organization-name": "ООО Ромашка",
            "warrant": {
                "number": "MCHD-1", "date-begin": "2026-01-01", "date-end": "2026-12-31",
                "permissions": [1, 2],
                "sender": { "sender-individual": { "inn": "123456789047" } },
                "issuer": { "issuer-organization": { "inn": "7701234567" } },
                "something-new": true
            }
        }))
        .unwrap();
        let w = Warrant::from_information(&info);
        assert_eq!(w.inn.as_deref(), Some("7701234567"));
        assert_eq!(w.representative_inn.as_deref(), Some("123456789047"));
        assert_eq!(w.permissions, [1, 2]);
        assert!(w.valid_on(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()));
        assert!(!w.valid_on(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
        assert!(w.raw.contains_key("something-new"));
    }
}
