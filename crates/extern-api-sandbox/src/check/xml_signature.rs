//! The Social Fund's reports are signed inside, with an enveloped XMLDsig
//! ([`crate::pki::xmldsig`]): the check verifies it for real and names what is wrong, as it does
//! for a detached signature.

use std::io::Read;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::CheckError;
use crate::pki::xmldsig::{self, XmlDsigError};
use crate::pki::{Authority, PkiError};
use crate::state::{Content, Draft};

/// The report of an `urn:docflow:sfr-report` (ЕФС-1, АДВ-1/2/3).
pub const SFR_REPORT_DOCUMENT: &str = "urn:document:sfr-report-report-document";

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

/// The errors of one report's XMLDsig: none when it verifies, was made by `signer_inn` (the
/// sender, or the representative a warrant names) and carries the МЧД id the draft names.
pub fn check(
    ca: &Authority,
    content: &Content,
    signer_inn: Option<&str>,
    warrant: Option<Uuid>,
    now: DateTime<Utc>,
) -> Vec<CheckError> {
    let error = |kind, description: String| vec![CheckError::error(kind, "signature", description)];
    let mut xml = Vec::new();
    let read = content
        .reader()
        .and_then(|r| r.take(MAX_XML + 1).read_to_end(&mut xml));
    if let Err(e) = read {
        return error("Common", format!("Содержимое документа не прочитано: {e}"));
    }
    if xml.len() as u64 > MAX_XML {
        return error("Schema", format!("Отчёт больше {MAX_XML} байт"));
    }
    let signed = match xmldsig::verify(ca, &xml, now) {
        Ok(signed) => signed,
        Err(XmlDsigError::NotXml(e)) => {
            return error(
                "Schema",
                format!("Файл не является XML-документом в UTF-8: {e}"),
            );
        }
        Err(XmlDsigError::NoSignature) => {
            return error(
                "Signature",
                "Документ не подписан: нет подписи XMLDsig (ds:Signature в корне)".into(),
            );
        }
        Err(XmlDsigError::DigestMismatch(_) | XmlDsigError::Signature(PkiError::BadSignature)) => {
            return error(
                "Signature",
                "Подпись XMLDsig не соответствует содержимому документа".into(),
            );
        }
        Err(e) => return error("Signature", format!("Подпись XMLDsig не проверена: {e}")),
    };
    let mut errors = Vec::new();
    if let Some(inn) = signer_inn
        && signed.signer.inn.as_deref() != Some(inn)
    {
        errors.extend(error(
            "CrossCheckReportCert",
            format!(
                "ИНН в сертификате подписанта ({}) не совпадает с ИНН отправителя ({inn})",
                signed.signer.inn.as_deref().unwrap_or("нет")
            ),
        ));
    }
    if let Some(id) = warrant
        && signed.warrant.as_deref() != Some(id.to_string().as_str())
    {
        errors.extend(error(
            "Warrant",
            format!(
                "В блоке подписи нет идентификатора МЧД {id} (docs/scenarios/SFR/mchd_sfr.rst)"
            ),
        ));
    }
    errors
}
