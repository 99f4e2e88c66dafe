//! The Social Fund's reports are signed inside, with an enveloped XMLDsig
//! ([`crate::pki::xmldsig`]): the check verifies it for real and names what is wrong, as it does
//! for a detached signature. A report that comes unsigned gets the service's help
//! (docs/manuals/xmldsig.rst, «Формирование XMLDsig подписи на стороне API»): the check
//! prepares its `data-to-sign` for the sender's certificate, the subscriber puts a raw
//! signature of it, and prepare inserts the `ds:Signature`.

use std::io::Read;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::CheckError;
use crate::pki::xmldsig::{self, DataToSign, XmlDsigError, XmlSigned};
use crate::pki::{Authority, PkiError};
use crate::state::{Content, Draft, DraftDocument};

/// The report of an `urn:docflow:sfr-report` (ЕФС-1, АДВ-1/2/3).
pub const SFR_REPORT_DOCUMENT: &str = "urn:document:sfr-report-report-document";

/// The requests of the confirmation of the main economic activity (ПОВЭД), SOAP requests
/// signed inside by the service from a raw signature: `data-to-sign-content-id` comes with the
/// Add Document answer (docs/scenarios/SFR/poved.rst, steps 3–6).
pub const OVED_REQUESTS: &[&str] = &[
    "urn:document:fss-sedo-oved-confirmation-request",
    "urn:document:fss-sedo-oved-confirmation-request-fuf",
];

/// Whether a document is signed inside (XMLDsig) rather than beside.
pub fn signed_inside(doc: &DraftDocument) -> bool {
    let t = doc.doc_type.as_deref().unwrap_or("");
    t == SFR_REPORT_DOCUMENT || OVED_REQUESTS.contains(&t)
}

/// Whether the draft confirms the main economic activity, and to which SFR office:
/// `recipient.fss-code` (poved.rst, step 1).
pub fn oved_recipient(draft: &Draft) -> Option<String> {
    let oved = draft
        .documents
        .iter()
        .any(|d| OVED_REQUESTS.contains(&d.doc_type.as_deref().unwrap_or("")));
    oved.then(|| draft.meta.recipient.as_ref()?.fss_code.clone())
        .flatten()
}

/// A report larger than this is refused rather than read whole to verify.
const MAX_XML: u64 = 64 * 1024 * 1024;

/// Whether the draft goes to the Social Fund, and to which office: `recipient.sfr-code` or
/// `upfr-code` when given, else the office part of the payer's ЕРН (`XXX-XXX` of
/// `XXX-XXX-XXXXXX`; docs/scenarios/SFR/sfr.rst: "не обязательно указывать код СФР, достаточно
/// передать единый регистрационный номер (ЕРН)").
pub fn sfr_recipient(draft: &Draft) -> Option<String> {
    if !draft
        .documents
        .iter()
        .any(|d| d.doc_type.as_deref() == Some(SFR_REPORT_DOCUMENT))
    {
        return None;
    }
    let recipient = draft.meta.recipient.as_ref();
    recipient
        .and_then(|r| r.sfr_code.clone().or(r.upfr_code.clone()))
        .or_else(|| {
            let ern = draft
                .meta
                .payer
                .as_ref()?
                .registration_number_sfr
                .as_deref()?;
            let office: Vec<&str> = ern.split('-').take(2).collect();
            (office.len() == 2).then(|| office.join("-"))
        })
}

/// Who must have signed, and under which warrant.
pub struct Expected<'a> {
    /// The sender's INN, or the representative's a warrant names.
    pub signer_inn: Option<&'a str>,
    /// The МЧД id the draft names (`additional-info.machine-readable-warrant-id`).
    pub warrant: Option<Uuid>,
    /// The draft's sender's certificate (DER): the service prepares `data-to-sign` for it.
    pub certificate: Option<&'a [u8]>,
}

/// What the check of one report's XMLDsig found.
#[derive(Default)]
pub struct XmlCheck {
    pub errors: Vec<CheckError>,
    /// `data-to-sign` prepared for a report that came unsigned.
    pub prepared: Option<DataToSign>,
    /// The report with the `ds:Signature` the service made from the subscriber's raw signature:
    /// it replaces the report at prepare.
    pub signed: Option<Vec<u8>>,
}

fn error(kind: &'static str, description: impl Into<String>) -> CheckError {
    CheckError::error(kind, "signature", description)
}

/// Checks one report: its own XMLDsig, or the one the service makes from the raw signature put
/// for its `data-to-sign`, or prepares that `data-to-sign`.
pub fn check(
    ca: &Authority,
    content: &Content,
    doc: &DraftDocument,
    expected: &Expected,
    now: DateTime<Utc>,
) -> XmlCheck {
    let fail = |e: CheckError| XmlCheck {
        errors: vec![e],
        ..Default::default()
    };
    let mut xml = Vec::new();
    let read = content
        .reader()
        .and_then(|r| r.take(MAX_XML + 1).read_to_end(&mut xml));
    if let Err(e) = read {
        return fail(error(
            "Common",
            format!("Содержимое документа не прочитано: {e}"),
        ));
    }
    if xml.len() as u64 > MAX_XML {
        return fail(error("Schema", format!("Отчёт больше {MAX_XML} байт")));
    }
    match (xmldsig::is_signed(&xml), &doc.xml_signing) {
        (Some(false), Some(signing)) => {
            let Some(signature) = &signing.signature else {
                return fail(not_signed_yet());
            };
            let made = xmldsig::insert(
                &xml,
                &signing.signed_info,
                signature,
                &signing.certificate,
                expected.warrant,
            );
            let verified = made.and_then(|signed| {
                xmldsig::verify(ca, &signed, now).map(|verified| (signed, verified))
            });
            match verified {
                Ok((signed, verified)) => XmlCheck {
                    errors: judge(&verified, expected),
                    signed: Some(signed),
                    ..Default::default()
                },
                Err(e) => fail(refusal(e)),
            }
        }
        (Some(false), None) => match expected.certificate {
            // Not signed yet: the service prepares data-to-sign, and the report stays unsigned
            // (an error) until the raw signature is put — a prepare or send without it is refused.
            Some(certificate) => match xmldsig::data_to_sign(&xml, certificate) {
                Ok(prepared) => XmlCheck {
                    errors: vec![not_signed_yet()],
                    prepared: Some(prepared),
                    ..Default::default()
                },
                Err(e) => fail(refusal(e)),
            },
            None => fail(refusal(XmlDsigError::NoSignature)),
        },
        _ => match xmldsig::verify(ca, &xml, now) {
            Ok(verified) => XmlCheck {
                errors: judge(&verified, expected),
                ..Default::default()
            },
            Err(e) => fail(refusal(e)),
        },
    }
}

/// The protocol line for a report whose data-to-sign waits for its raw signature.
fn not_signed_yet() -> CheckError {
    error(
        "Signature",
        "Документ не подписан: подпишите data-to-sign (data-to-sign-content-id) необработанной \
         подписью и передайте её (PUT …/documents/{documentId}/signature или POST …/signatures)",
    )
}

/// The protocol line for an XMLDsig that does not verify.
fn refusal(e: XmlDsigError) -> CheckError {
    match e {
        XmlDsigError::NotXml(e) => error(
            "Schema",
            format!("Файл не является XML-документом в UTF-8: {e}"),
        ),
        XmlDsigError::NoSignature => error(
            "Signature",
            "Документ не подписан: нет подписи XMLDsig (ds:Signature в корне)",
        ),
        XmlDsigError::DigestMismatch(_) | XmlDsigError::Signature(PkiError::BadSignature) => error(
            "Signature",
            "Подпись XMLDsig не соответствует содержимому документа",
        ),
        e => error("Signature", format!("Подпись XMLDsig не проверена: {e}")),
    }
}

/// The errors of a verified XMLDsig: made by someone else, or without the warrant's МЧД id.
fn judge(signed: &XmlSigned, expected: &Expected) -> Vec<CheckError> {
    let mut errors = Vec::new();
    if let Some(inn) = expected.signer_inn
        && signed.signer.inn.as_deref() != Some(inn)
    {
        errors.push(error(
            "CrossCheckReportCert",
            format!(
                "ИНН в сертификате подписанта ({}) не совпадает с ИНН отправителя ({inn})",
                signed.signer.inn.as_deref().unwrap_or("нет")
            ),
        ));
    }
    if let Some(id) = expected.warrant
        && signed.warrant.as_deref() != Some(id.to_string().as_str())
    {
        errors.push(error(
            "Warrant",
            format!(
                "В блоке подписи нет идентификатора МЧД {id} (docs/scenarios/SFR/mchd_sfr.rst)"
            ),
        ));
    }
    errors
}
