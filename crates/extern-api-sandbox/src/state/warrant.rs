//! Warrants (powers of attorney) registered for the accounts' organizations.

use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

use super::{Organization, Store};

/// A power of attorney registered for an organization of an account. Rendered as the C# SDK's
/// `Warrant` (Models/Warrants/Warrant.cs): the issuer (`issuer.issuer-organization`) is the
/// organization, the sender (`sender.sender-individual` or `sender.sender-organization`) the
/// representative it trusts.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Warrant {
    /// The machine-readable warrant's id.
    pub id: Uuid,
    pub account_id: Uuid,
    pub organization_id: Uuid,
    /// The user the warrant was registered by: listed to them, and to all with `forAllUsers`.
    pub login: String,
    pub number: Option<String>,
    pub date_begin: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    /// The representative's powers (codes, `permissions: [int]`).
    pub permissions: Vec<i64>,
    /// `{sender-individual: {fio{surname,name,patronymic}, inn, …}}` or
    /// `{sender-organization: {name, inn, kpp, ogrn}}`.
    pub sender: Value,
}

impl Warrant {
    /// The representative's INN: `sender-organization.inn` or `sender-individual.inn`.
    pub(crate) fn representative_inn(&self) -> Option<&str> {
        ["sender-organization", "sender-individual"]
            .iter()
            .find_map(|k| self.sender.get(k))
            .and_then(|s| s.get("inn"))
            .and_then(Value::as_str)
            .filter(|inn| !inn.is_empty())
    }

    /// Whether the representative is an organization (`sender-organization`), not a person.
    pub(crate) fn representative_is_organization(&self) -> bool {
        self.sender.get("sender-organization").is_some()
    }
}

/// The warrant `id` names and the organization that issued it. Looked up among every warrant
/// the sandbox keeps, not only the caller's account's: a machine-readable warrant is known by its
/// id to whoever is shown it (the representative files with a warrant its principal registered).
pub fn find_warrant(store: &Store, id: Uuid) -> Option<(&Warrant, Option<&Organization>)> {
    let warrant = store.warrants.iter().find(|w| w.id == id)?;
    let issuer = store
        .organizations
        .iter()
        .find(|o| o.id == warrant.organization_id);
    Some((warrant, issuer))
}
