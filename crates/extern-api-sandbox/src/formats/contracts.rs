//! Documents built from the vendor's JSON contracts: the ION requests, the USN declaration, the
//! EDOK connection application and the SEDO provider subscription
//! (skbkontur/extern-api-docs docs/drafts/DraftDocumentBuildController.rst, the contracts in
//! docs/test/contracts.rst).
//!
//! What is the vendor's: the accepted `type` values, the contracts' required fields (contracts.rst:
//! `version` 3 and `ФормОтв` 1/2/4 for every ION, `ДатаНач`/`ДатаКон` within one calendar year,
//! `ПрКБК` 2 with a list of КБК), the document types (the C# SDK's DocumentType.Fns.cs
//! `urn:document:fns534-ion-request`, DocumentType.Pfr.cs `urn:document:pfr-ancillary-document`,
//! DocumentType.Fss.cs `urn:document:fss-sedo-provider-subscription-…-request-for-registration-number`)
//! and the docflow each builds (DraftDocumentBuildController.rst: fns534-ion, pfr-ancillary,
//! fss-sedo-provider-subscription). What is ours: the bytes inside — the vendor publishes no file
//! it generated, so the sandbox renders the contract itself into the file (an FNS-style
//! windows-1251 `Файл` for FNS, UTF-8 XML otherwise) and names it after the FNS file mask.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::formats::wire::DraftMeta;
use crate::http::error::{ApiError, ApiResult};

/// The document types `POST …/build-document` and `…/documents/{id}/build` build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractType {
    /// ИОН 3…9 (DraftDocumentBuildController.rst).
    Ion(u8),
    /// The simplified-tax declaration: `USN` in the C# SDK's DocumentFormatType and the only value
    /// of the 2018 Swagger's `type` enum (`uSN`).
    Usn,
    /// The application to join the SFR's EDOK.
    Zped,
    /// The operator's SEDO subscription for an organization by its registration number.
    SedoProviderSubscription,
}

impl ContractType {
    /// `type` as the docs (`ION3`, `fssSedoProviderSubscriptionForRegistrationNumber`) and the
    /// C# SDK (`FssSedoProviderSubscriptionForRegistrationNumber`, `USN`) spell it: any case.
    pub fn parse(value: &str) -> ApiResult<Self> {
        let v = value.trim().to_ascii_lowercase();
        let unsupported = |why: &str| {
            ApiError::bad_request(
                "unsupportedDocumentFormatType",
                format!("type={value:?}: {why}"),
            )
        };
        Ok(match v.as_str() {
            "usn" => Self::Usn,
            "zped" => Self::Zped,
            "fsssedoprovidersubscriptionforregistrationnumber" => Self::SedoProviderSubscription,
            // DraftDocumentBuildController.rst: ION 1 and 2 are no longer accepted since 2023.
            "ion1" | "ion2" => {
                return Err(unsupported(
                    "the FNS no longer accepts ION 1 and ION 2 requests since 1 January 2023",
                ));
            }
            _ => match v.strip_prefix("ion").and_then(|n| n.parse::<u8>().ok()) {
                Some(n @ 3..=9) => Self::Ion(n),
                _ => {
                    return Err(unsupported(
                        "expected ION3…ION9, USN, ZPED or fssSedoProviderSubscriptionForRegistrationNumber",
                    ));
                }
            },
        })
    }
}

/// A document built from a contract.
#[derive(Debug, Clone)]
pub struct Built {
    pub doc_type: &'static str,
    /// The docflow the draft becomes; `None`: it follows the recipient (a declaration).
    pub docflow_type: Option<&'static str>,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// An integer given as a JSON number or a numeric string (the vendor's samples use both:
/// `"version": "3"`, `"ФормОтв": 4`).
fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalidContract", message)
}

fn object<'a>(v: &'a Map<String, Value>, key: &str) -> ApiResult<&'a Map<String, Value>> {
    v.get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| invalid(format!("{key} is required (an object)")))
}

fn date(data: &Map<String, Value>, key: &str) -> ApiResult<NaiveDate> {
    let s = data
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("data.{key} is required (dd.MM.yyyy)")))?;
    NaiveDate::parse_from_str(s.trim(), "%d.%m.%Y")
        .map_err(|_| invalid(format!("data.{key} {s:?} is not a dd.MM.yyyy date")))
}

/// `Пр…` 2 asks for the listed codes only: the list must then name some (contracts.rst, ИОН 4
/// and ИОН 7: `ЗапрКБК`, `ЗапрОКТМО`, `ЗапрКПП`).
fn selection(data: &Map<String, Value>, group: &str, flag: &str, list: &str) -> ApiResult<()> {
    let Some(g) = data.get(group).and_then(Value::as_object) else {
        return Ok(());
    };
    match int(g.get(flag)) {
        Some(1) => Ok(()),
        Some(2)
            if g.get(list)
                .and_then(Value::as_array)
                .is_some_and(|l| !l.is_empty()) =>
        {
            Ok(())
        }
        Some(2) => Err(invalid(format!(
            "data.{group}.{flag} = 2 asks for listed codes: {group}.{list} must not be empty"
        ))),
        _ => Err(invalid(format!("data.{group}.{flag} must be 1 or 2"))),
    }
}

/// The checks contracts.rst states for ION requests.
fn check_ion(n: u8, version: Option<i64>, contract: &Map<String, Value>) -> ApiResult<()> {
    let version = version.or_else(|| int(contract.get("version")));
    if version != Some(3) {
        return Err(invalid("an ION request's contract version is always 3"));
    }
    let data = object(contract, "data")?;
    if !matches!(int(data.get("ФормОтв")), Some(1 | 2 | 4)) {
        return Err(invalid(
            "data.ФормОтв is required: 1 (RTF), 2 (XML) or 4 (PDF)",
        ));
    }
    if matches!(n, 3 | 4 | 6 | 8 | 9) {
        let (begin, end) = (date(data, "ДатаНач")?, date(data, "ДатаКон")?);
        if begin.year() != end.year() {
            return Err(invalid(
                "ДатаНач and ДатаКон must fall within one calendar year",
            ));
        }
        if begin > end {
            return Err(invalid("ДатаНач is after ДатаКон"));
        }
    }
    if n == 4 {
        if data.get("ЗапрКБК").and_then(Value::as_object).is_none() {
            return Err(invalid("data.ЗапрКБК with ПрКБК is required for ION 4"));
        }
        selection(data, "ЗапрКБК", "ПрКБК", "ПеречКБК")?;
    }
    if n == 7 {
        selection(data, "ЗапрКБК", "ПрКБК", "ПеречКБК")?;
        selection(data, "ЗапрОКТМО", "ПрОКТМО", "ПеречОКТМО")?;
        selection(data, "ЗапрКПП", "ПрКПП", "ПеречКПП")?;
    }
    Ok(())
}

/// Who files: the sender, and the payer the document is about (the sender when none is named).
struct Parties {
    sender: String,
    payer_inn: String,
    payer_kpp: Option<String>,
    payer_name: String,
    ifns: Option<String>,
}

fn parties(meta: &DraftMeta, organization: Option<&str>) -> ApiResult<Parties> {
    let sender = meta
        .sender
        .as_ref()
        .ok_or_else(|| ApiError::bad_request("invalidDraftMeta", "sender is required"))?;
    let payer = meta.payer.as_ref();
    let payer_inn = payer
        .and_then(|p| p.inn.clone())
        .unwrap_or_else(|| sender.inn.clone());
    let payer_kpp = payer
        .and_then(|p| p.organization.as_ref())
        .and_then(|o| o.kpp.clone())
        .or_else(|| {
            (payer_inn == sender.inn)
                .then(|| sender.kpp.clone())
                .flatten()
        });
    let payer_name = payer
        .and_then(|p| p.name.clone())
        .or_else(|| sender.name.clone())
        .or_else(|| organization.map(String::from))
        .unwrap_or_default();
    Ok(Parties {
        sender: format!("{}{}", sender.inn, sender.kpp.clone().unwrap_or_default()),
        payer_inn,
        payer_kpp,
        payer_name,
        ifns: meta.recipient.as_ref().and_then(|r| r.ifns_code.clone()),
    })
}

impl Parties {
    fn ifns(&self, what: &str) -> ApiResult<&str> {
        self.ifns.as_deref().ok_or_else(|| {
            ApiError::bad_request(
                "invalidDraftMeta",
                format!("{what} goes to an inspection: the draft needs recipient.ifns-code"),
            )
        })
    }

    /// `<СвНП>` with the payer as a company (`НПЮЛ`) or a person (`НПФЛ`, a 12-digit INN).
    fn taxpayer(&self) -> String {
        if self.payer_inn.len() == 12 {
            format!("<СвНП><НПФЛ ИННФЛ=\"{}\"/></СвНП>", escape(&self.payer_inn))
        } else {
            format!(
                "<СвНП><НПЮЛ НаимОрг=\"{}\" ИННЮЛ=\"{}\" КПП=\"{}\"/></СвНП>",
                escape(&self.payer_name),
                escape(&self.payer_inn),
                escape(self.payer_kpp.as_deref().unwrap_or(""))
            )
        }
    }
}

/// Builds the document a contract describes, for the draft with `meta`.
pub fn build(
    kind: ContractType,
    version: Option<i64>,
    contract: &Map<String, Value>,
    meta: &DraftMeta,
    organization: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<Built> {
    let who = parties(meta, organization)?;
    let day = now.format("%Y%m%d");
    let guid = Uuid::new_v4();
    let signer = signer(contract);
    match kind {
        ContractType::Ion(n) => {
            check_ion(n, version, contract)?;
            let ifns = who.ifns("an ION request")?;
            let stem = format!("ZAPROS_ION{n}_{ifns}_{ifns}_{}_{day}_{guid}", who.sender);
            let mut body = String::new();
            element("ЗапросИОН", &json_data(contract), &mut body, 0);
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{stem}\" ВерсПрог=\"extern-api-sandbox\">\
                 <Документ ВидЗапр=\"{n}\" КодНО=\"{ifns}\" ДатаДок=\"{}\">{}{signer}{body}</Документ></Файл>\n",
                now.format("%d.%m.%Y"),
                who.taxpayer(),
            );
            Ok(Built {
                doc_type: "urn:document:fns534-ion-request",
                docflow_type: Some("urn:docflow:fns534-ion"),
                filename: format!("{stem}.xml"),
                bytes: windows_1251(&xml),
            })
        }
        ContractType::Usn => {
            let ifns = who.ifns("a USN declaration")?;
            let period = object(contract, "period")?;
            let year = period
                .get("year")
                .and_then(|y| int(Some(y)))
                .filter(|y| (1990..=9999).contains(y))
                .ok_or_else(|| invalid("period.year is required (a year)"))?;
            // FNS period codes of the USN declaration (the tax year, and the last period on
            // liquidation, change of regime, end of the regime): the sandbox's reading of the
            // contract's `period-modifiers` values.
            let code = match period
                .get("period-modifiers")
                .and_then(Value::as_str)
                .unwrap_or("None")
                .to_ascii_lowercase()
                .as_str()
            {
                "none" => "34",
                "liquidationreorganization" => "50",
                "taxregimechange" => "95",
                "lastperiodfortaxregime" => "96",
                other => {
                    return Err(invalid(format!(
                        "period.period-modifiers {other:?}: expected None, LiquidationReorganization, TaxRegimeChange or LastPeriodForTaxRegime"
                    )));
                }
            };
            let data = object(contract, "data")?;
            let correction = int(data.get("НомКорр")).unwrap_or(0);
            let place = int(data.get("ПоМесту")).unwrap_or(120);
            let stem = format!("NO_USN_{ifns}_{ifns}_{}_{day}_{guid}", who.sender);
            let mut body = String::new();
            element("УСН", &Value::Object(data.clone()), &mut body, 0);
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{stem}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.08\">\
                 <Документ КНД=\"1152017\" ДатаДок=\"{}\" Период=\"{code}\" ОтчетГод=\"{year}\" КодНО=\"{ifns}\" НомКорр=\"{correction}\" ПоМесту=\"{place}\">{}{signer}{body}</Документ></Файл>\n",
                now.format("%d.%m.%Y"),
                who.taxpayer(),
            );
            Ok(Built {
                doc_type: "urn:document:fns534-report",
                docflow_type: None,
                filename: format!("{stem}.xml"),
                bytes: windows_1251(&xml),
            })
        }
        ContractType::Zped => {
            let for_ul = contract
                .get("for-ul")
                .and_then(Value::as_bool)
                .ok_or_else(|| invalid("for-ul is required (true or false)"))?;
            let insurer = if for_ul { "insurer-ul" } else { "insurer-ip" };
            object(contract, insurer)?;
            let mut body = String::new();
            element(
                "ЗаявлениеЭДОК",
                &Value::Object(contract.clone()),
                &mut body,
                0,
            );
            Ok(Built {
                doc_type: "urn:document:pfr-ancillary-document",
                docflow_type: Some("urn:docflow:pfr-ancillary"),
                filename: format!("ZPED_{}_{day}_{guid}.xml", who.payer_inn),
                bytes: format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{body}\n").into_bytes(),
            })
        }
        ContractType::SedoProviderSubscription => {
            let (doc_type, what) = match contract.get("subscription-type").and_then(Value::as_str) {
                Some("subscribe") => (
                    "urn:document:fss-sedo-provider-subscription-subscribe-request-for-registration-number",
                    "subscribe",
                ),
                Some("unsubscribe") => (
                    "urn:document:fss-sedo-provider-subscription-unsubscribe-request-for-registration-number",
                    "unsubscribe",
                ),
                _ => {
                    return Err(invalid(
                        "subscription-type is required: subscribe or unsubscribe",
                    ));
                }
            };
            let number = meta
                .payer
                .as_ref()
                .and_then(|p| {
                    p.registration_number_sfr
                        .clone()
                        .or(p.registration_number_fss.clone())
                })
                .unwrap_or_default();
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ПодпискаОператора Вид=\"{what}\" ИНН=\"{}\" РегНомер=\"{}\"/>\n",
                escape(&who.payer_inn),
                escape(&number),
            );
            Ok(Built {
                doc_type,
                docflow_type: Some("urn:docflow:fss-sedo-provider-subscription"),
                filename: format!("SEDO_{what}_{day}_{guid}.xml"),
                bytes: xml.into_bytes(),
            })
        }
    }
}

/// `<Подписант>` from `additional-org-info.signer-type` (`chief` 1, `representative` 2).
fn signer(contract: &Map<String, Value>) -> String {
    let info = contract
        .get("additional-org-info")
        .and_then(Value::as_object);
    let kind = match info
        .and_then(|i| i.get("signer-type"))
        .and_then(Value::as_str)
    {
        Some("representative") => "2",
        Some(_) => "1",
        None => return String::new(),
    };
    let fio = info
        .and_then(|i| i.get("taxpayer"))
        .and_then(|t| t.get("taxpayer-chief-fio"))
        .and_then(Value::as_str)
        .unwrap_or("");
    format!("<Подписант ПрПодп=\"{kind}\" ФИО=\"{}\"/>", escape(fio))
}

fn json_data(contract: &Map<String, Value>) -> Value {
    contract
        .get("data")
        .cloned()
        .unwrap_or(Value::Object(Map::new()))
}

/// The text in windows-1251 (characters it lacks become numeric references: still valid XML).
fn windows_1251(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1251.encode(text).0.into_owned()
}

/// XML-escapes text for an attribute value or element content.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A JSON key as an XML name: letters, digits, `-`, `_`, `.`; a name never starts with a digit.
fn name(key: &str) -> String {
    let mut out: String = key
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if out
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphabetic() || c == '_'))
    {
        out.insert(0, '_');
    }
    out
}

/// Deeper JSON than this is not rendered (a contract is a few levels deep).
const MAX_DEPTH: usize = 32;

/// Renders JSON as XML: an object becomes an element whose scalar members are attributes and
/// whose objects and arrays are child elements; an array repeats its element.
pub fn element(key: &str, value: &Value, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let tag = name(key);
    match value {
        Value::Object(members) => {
            out.push('<');
            out.push_str(&tag);
            for (k, v) in members {
                if let Some(s) = scalar(v) {
                    out.push_str(&format!(" {}=\"{}\"", name(k), escape(&s)));
                }
            }
            let children: Vec<_> = members
                .iter()
                .filter(|(_, v)| v.is_object() || v.is_array())
                .collect();
            if children.is_empty() {
                out.push_str("/>");
                return;
            }
            out.push('>');
            for (k, v) in children {
                element(k, v, out, depth + 1);
            }
            out.push_str(&format!("</{tag}>"));
        }
        Value::Array(items) => {
            for item in items {
                element(key, item, out, depth + 1);
            }
        }
        other => {
            let text = scalar(other).unwrap_or_default();
            out.push_str(&format!("<{tag}>{}</{tag}>", escape(&text)));
        }
    }
}

/// A scalar's text; `None` for objects, arrays and null.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta() -> DraftMeta {
        serde_json::from_value(json!({
            "sender": { "inn": "6676130154", "kpp": "667601001", "name": "ООО «Тест»" },
            "recipient": { "ifns-code": "0087" },
        }))
        .unwrap()
    }

    #[test]
    fn types_in_any_case_and_the_retired_ones_refused() {
        assert_eq!(ContractType::parse("ION3").unwrap(), ContractType::Ion(3));
        assert_eq!(ContractType::parse("ion9").unwrap(), ContractType::Ion(9));
        assert_eq!(ContractType::parse("uSN").unwrap(), ContractType::Usn);
        assert_eq!(
            ContractType::parse("FssSedoProviderSubscriptionForRegistrationNumber").unwrap(),
            ContractType::SedoProviderSubscription
        );
        for bad in ["ION1", "ION2", "ION10", "PDF", ""] {
            assert!(ContractType::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_ion_request_is_checked_and_rendered() {
        let contract = json!({ "version": "3", "data": { "ФормОтв": 4, "ДатаНач": "01.01.2023", "ДатаКон": "01.12.2023" },
            "additional-org-info": { "signer-type": "chief", "taxpayer": { "taxpayer-chief-fio": "Иванов И. И." } } });
        let c = contract.as_object().unwrap();
        let built = build(ContractType::Ion(3), None, c, &meta(), None, Utc::now()).unwrap();
        assert_eq!(built.doc_type, "urn:document:fns534-ion-request");
        let text = encoding_rs::WINDOWS_1251
            .decode(&built.bytes)
            .0
            .into_owned();
        assert!(text.contains("ДатаНач=\"01.01.2023\""), "{text}");
        assert!(text.contains("ИННЮЛ=\"6676130154\""), "{text}");
        let header = crate::formats::report_file::read_header(&built.bytes);
        assert_eq!(
            header.file_id.map(|f| format!("{f}.xml")),
            Some(built.filename)
        );
        let mut other_year = contract.clone();
        other_year["data"]["ДатаКон"] = json!("01.01.2024");
        assert!(
            build(
                ContractType::Ion(3),
                None,
                other_year.as_object().unwrap(),
                &meta(),
                None,
                Utc::now()
            )
            .is_err()
        );
        assert!(build(ContractType::Ion(3), Some(2), c, &meta(), None, Utc::now()).is_err());
    }

    #[test]
    fn json_becomes_xml_with_escaped_text() {
        let mut out = String::new();
        element(
            "a",
            &json!({ "x": "<&>", "1b": [ { "c": 1 }, { "c": 2 } ], "d": null }),
            &mut out,
            0,
        );
        assert_eq!(
            out,
            "<a x=\"&lt;&amp;&gt;\"><_1b c=\"1\"/><_1b c=\"2\"/></a>"
        );
    }
}
