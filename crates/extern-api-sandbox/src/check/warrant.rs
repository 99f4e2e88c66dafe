//! Representatives and their warrants: what the draft check asks of a draft filed for another
//! organization.
//!
//! A representative's draft is one whose `sender.is-representative` is set and whose `payer` is
//! another organization (another INN); a representative filing for its own INN asks for nothing
//! (docs/FNS/report/send_report.rst sends exactly that and is answered 201 and sent). Such a
//! draft needs a warrant: "Если подпись выпущена на физическое лицо, то потребуется доверенность
//! на это лицо от организации" (send_report.rst, «Подписание документов»). Two kinds are known:
//!
//! * a machine-readable warrant (МЧД), named by `additional-info.machine-readable-warrant-id` when
//!   the draft is created (docs/scenarios/SFR/mchd_sfr.rst: "передайте guid МЧД при создании
//!   черновика в параметре machine-readable-warrant-id"; docs/FSS/mchd_fss.rst). The sandbox's
//!   warrants are those `POST /test-tools/v1/issue-warrant` registered
//!   ([`crate::state::find_warrant`]). It must exist, be issued by the payer (the
//!   warrant's organization is the payer: the C# SDK's `Warrant.Issuer` is "Представляемое
//!   лицо"), be valid on the sandbox's date (`date-begin` ≤ today ≤ `date-end`), and name the
//!   signer: its representative (`sender-organization` / `sender-individual`, "Уполномоченный
//!   представитель, на которого выдана доверенность (отправитель)", the C# SDK's
//!   `WarrantSender`) is the draft's sender when it is an organization, and the signer
//!   certificates carry the representative's INN;
//! * for the FNS, a paper warrant handed to the inspection beforehand plus the representation
//!   message ON_DOV (`urn:document:fns534-report-warrant`) in the draft (docs/examples/отправка за
//!   др. орг-цию, поэтапно, ошибка при подготовке.rst: "необходимо заранее предоставить в
//!   инспекцию ФНС, куда направляется документ, бумажную доверенность на право подписи").
//!
//! Where the service refuses: the vendor's examples of sending for another organization create
//! the draft (201, no warrant asked) and meet their errors in the check protocol — at prepare, or
//! at send "при проведении форматно-логического контроля" (docs/examples/отправка за др. орг-цию
//! с приложениями, ошибка при отправке.md). So the sandbox creates any such draft and reports a
//! missing or unusable warrant as check-protocol errors; prepare then ends
//! `check-protocol-has-errors` and send `urn:error:externapi:checkProtocolHasErrors`. The wording,
//! `type` and `source` of these lines are the sandbox's own: the vendor publishes none.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::check::CheckError;
use crate::formats::wire::DraftMeta;
use crate::state::{Draft, Store};

const SRC_WARRANT: &str = "additional-info/machine-readable-warrant-id";
const PAPER_WARRANT: &str = "urn:document:fns534-report-warrant";

/// Whether the draft is filed by a representative for another organization.
pub fn is_representative(meta: &DraftMeta) -> bool {
    let Some(sender) = meta.sender.as_ref() else {
        return false;
    };
    let payer = meta.payer.as_ref().and_then(|p| p.inn.as_deref());
    sender.is_representative.unwrap_or(false) && payer.is_some_and(|p| p != sender.inn)
}

/// Who a warrant trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Representative {
    /// `sender-organization`: the representative is an organization; its INN.
    Organization(Option<String>),
    /// `sender-individual`: a person (or an individual entrepreneur); their INN.
    Individual(Option<String>),
}

impl Representative {
    fn inn(&self) -> Option<&str> {
        match self {
            Self::Organization(inn) | Self::Individual(inn) => inn.as_deref(),
        }
    }
}

/// The facts of a warrant the check needs, copied out of the store (the check runs off the lock).
#[derive(Debug, Clone)]
pub struct WarrantFacts {
    pub id: Uuid,
    /// The INN of the organization that issued the warrant (`None`: the organization is gone).
    pub issuer_inn: Option<String>,
    pub date_begin: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    pub representative: Representative,
}

/// The warrant a draft names, as the sandbox found it.
#[derive(Debug, Clone, Default)]
pub enum NamedWarrant {
    /// The draft names no warrant.
    #[default]
    None,
    /// The draft names a warrant the sandbox does not know.
    Unknown(Uuid),
    Known(WarrantFacts),
}

/// Looks up the warrant `additional-info.machine-readable-warrant-id` names.
pub fn lookup(store: &Store, draft: &Draft) -> NamedWarrant {
    let Some(id) = draft
        .meta
        .additional_info
        .as_ref()
        .and_then(|a| a.machine_readable_warrant_id)
    else {
        return NamedWarrant::None;
    };
    let Some((warrant, issuer)) = crate::state::find_warrant(store, id) else {
        return NamedWarrant::Unknown(id);
    };
    let inn = warrant.representative_inn().map(str::to_string);
    NamedWarrant::Known(WarrantFacts {
        id,
        issuer_inn: issuer.map(|o| o.inn.clone()),
        date_begin: warrant.date_begin,
        date_end: warrant.date_end,
        representative: if warrant.representative_is_organization() {
            Representative::Organization(inn)
        } else {
            Representative::Individual(inn)
        },
    })
}

/// What the warrant rules found: lines for the protocol's common errors, and the INN every
/// signer certificate must carry (the warrant's representative), when a warrant settles one.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub common: Vec<CheckError>,
    pub signer_inn: Option<String>,
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// The warrant rules for a draft, on the sandbox's date (`now`, UTC). Nothing for a draft that
/// is not a representative's.
pub fn check(draft: &Draft, named: &NamedWarrant, now: DateTime<Utc>) -> Verdict {
    let mut out = Verdict::default();
    if !is_representative(&draft.meta) {
        return out;
    }
    let sender_inn = draft
        .meta
        .sender
        .as_ref()
        .map(|s| s.inn.as_str())
        .unwrap_or("");
    let payer_inn = draft
        .meta
        .payer
        .as_ref()
        .and_then(|p| p.inn.as_deref())
        .unwrap_or("");
    let mut errors: Vec<String> = Vec::new();
    let w = match named {
        NamedWarrant::None => {
            let paper = draft
                .documents
                .iter()
                .any(|d| d.doc_type.as_deref() == Some(PAPER_WARRANT));
            if !paper {
                out.common.push(CheckError::error(
                    "CrossCheckReport",
                    "sender/is-representative",
                    "Отчёт подписан представителем, но не указана машиночитаемая доверенность \
                     (additional-info.machine-readable-warrant-id) и не приложено сообщение о \
                     представительстве (ON_DOV)",
                ));
            }
            return out;
        }
        NamedWarrant::Unknown(id) => {
            out.common.push(CheckError::error(
                "CrossCheckReport",
                SRC_WARRANT,
                format!("Машиночитаемая доверенность {id} не найдена"),
            ));
            return out;
        }
        NamedWarrant::Known(w) => w,
    };
    match w.issuer_inn.as_deref() {
        Some(issuer) if issuer == payer_inn => {}
        issuer => errors.push(format!(
            "Доверенность {} выдана организацией с ИНН {}, а отчётность представляется за \
             налогоплательщика с ИНН {payer_inn}",
            w.id,
            issuer.unwrap_or("(нет)")
        )),
    }
    let today = now.date_naive();
    if let Some(begin) = w.date_begin.filter(|b| *b > today) {
        errors.push(format!(
            "Доверенность {} начинает действовать {}, сегодня {}",
            w.id,
            date(begin),
            date(today)
        ));
    }
    if let Some(end) = w.date_end.filter(|e| *e < today) {
        errors.push(format!(
            "Срок действия доверенности {} истёк {}, сегодня {}",
            w.id,
            date(end),
            date(today)
        ));
    }
    match (&w.representative, w.representative.inn()) {
        (_, None) => errors.push(format!(
            "В доверенности {} не указан ИНН представителя",
            w.id
        )),
        (Representative::Organization(_), Some(inn)) if inn != sender_inn => errors.push(format!(
            "Доверенность {} выдана представителю с ИНН {inn}, а отправитель черновика — ИНН \
             {sender_inn}",
            w.id
        )),
        (_, Some(inn)) => out.signer_inn = Some(inn.to_string()),
    }
    out.common.extend(
        errors
            .into_iter()
            .map(|e| CheckError::error("CrossCheckReport", SRC_WARRANT, e)),
    );
    out
}

/// The protocol line for a signer who is not the warrant's representative.
pub fn not_the_representative(certificate_inn: Option<&str>, representative: &str) -> CheckError {
    CheckError::error(
        "CrossCheckReportCert",
        "signature/certificate",
        format!(
            "ИНН в сертификате подписанта ({}) не совпадает с ИНН представителя по доверенности \
             ({representative})",
            certificate_inn.unwrap_or("нет")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::wire::{AdditionalInfo, Payer, Sender};
    use crate::state::vocabulary::DraftStatus;

    fn draft(representative: bool, payer: &str) -> Draft {
        Draft {
            id: Uuid::new_v4(),
            account_id: Uuid::new_v4(),
            meta: DraftMeta {
                sender: Some(Sender {
                    inn: "6671000017".into(),
                    is_representative: Some(representative),
                    ..Sender::default()
                }),
                payer: Some(Payer {
                    inn: Some(payer.into()),
                    ..Payer::default()
                }),
                additional_info: Some(AdditionalInfo::default()),
                ..DraftMeta::default()
            },
            status: DraftStatus::New,
            documents: Vec::new(),
            docflow_id: None,
            busy_task: None,
            docflow_type: None,
        }
    }

    fn facts(begin: &str, end: &str) -> NamedWarrant {
        NamedWarrant::Known(WarrantFacts {
            id: Uuid::nil(),
            issuer_inn: Some("6676130154".into()),
            date_begin: Some(begin.parse().unwrap()),
            date_end: Some(end.parse().unwrap()),
            representative: Representative::Organization(Some("6671000017".into())),
        })
    }

    fn at(day: &str) -> DateTime<Utc> {
        format!("{day}T12:00:00Z").parse().unwrap()
    }

    #[test]
    fn only_a_representative_for_another_inn_needs_a_warrant() {
        assert!(is_representative(&draft(true, "6676130154").meta));
        assert!(!is_representative(&draft(true, "6671000017").meta));
        assert!(!is_representative(&draft(false, "6676130154").meta));
        let own = check(
            &draft(true, "6671000017"),
            &NamedWarrant::None,
            at("2025-01-01"),
        );
        assert!(own.common.is_empty() && own.signer_inn.is_none());
        let other = check(
            &draft(true, "6676130154"),
            &NamedWarrant::None,
            at("2025-01-01"),
        );
        assert_eq!(other.common.len(), 1, "{other:?}");
    }

    #[test]
    fn both_ends_of_the_validity_count() {
        let d = draft(true, "6676130154");
        let w = facts("2025-01-01", "2025-12-31");
        for day in ["2025-01-01", "2025-12-31"] {
            let v = check(&d, &w, at(day));
            assert!(v.common.is_empty(), "{day}: {v:?}");
            assert_eq!(v.signer_inn.as_deref(), Some("6671000017"));
        }
        for day in ["2024-12-31", "2026-01-01"] {
            assert_eq!(check(&d, &w, at(day)).common.len(), 1, "{day}");
        }
    }

    #[test]
    fn the_issuer_must_be_the_payer_and_the_representative_the_sender() {
        let w = facts("2025-01-01", "2025-12-31");
        let v = check(&draft(true, "7701234560"), &w, at("2025-06-01"));
        assert_eq!(v.common.len(), 1, "{v:?}");
        let NamedWarrant::Known(mut f) = w else {
            unreachable!()
        };
        f.representative = Representative::Organization(Some("7707329152".into()));
        let v = check(
            &draft(true, "6676130154"),
            &NamedWarrant::Known(f.clone()),
            at("2025-06-01"),
        );
        assert_eq!(v.common.len(), 1, "{v:?}");
        assert_eq!(v.signer_inn, None);
        // A person may sign for the sending organization: only the certificate must be theirs.
        f.representative = Representative::Individual(Some("500100732259".into()));
        let v = check(
            &draft(true, "6676130154"),
            &NamedWarrant::Known(f),
            at("2025-06-01"),
        );
        assert!(v.common.is_empty(), "{v:?}");
        assert_eq!(v.signer_inn.as_deref(), Some("500100732259"));
    }
}
