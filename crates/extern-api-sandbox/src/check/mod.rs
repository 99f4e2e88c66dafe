//! The draft check, as the vendor's protocol reports it: per-document errors (file name vs
//! ИдФайл, encoding, sender and recipient in the file name, signatures) and common errors.

pub mod warrant;
pub mod xml_signature;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::formats::report_file::{self, HEAD_BYTES};
use crate::pki::{Authority, PkiError};
use crate::state::Content;
use crate::state::Draft;

use warrant::NamedWarrant;

/// One line of the check protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    pub description: String,
    pub source: String,
    pub kind: &'static str,
    pub warning: bool,
}

impl CheckError {
    pub(crate) fn error(kind: &'static str, source: &str, description: impl Into<String>) -> Self {
        Self {
            description: description.into(),
            source: source.into(),
            kind,
            warning: false,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": Uuid::new_v4(),
            "description": self.description,
            "source": self.source,
            "level": if self.warning { "Warning" } else { "Error" },
            "type": self.kind,
        })
    }
}

/// The protocol of one check.
#[derive(Debug, Clone, Default)]
pub struct CheckOutcome {
    pub documents: BTreeMap<Uuid, Vec<CheckError>>,
    pub common: Vec<CheckError>,
    /// Social Fund reports that came unsigned: the `data-to-sign` prepared for them, with the
    /// certificate it is for (see [`xml_signature`]).
    pub xml_prepared: BTreeMap<Uuid, (crate::pki::xmldsig::DataToSign, Vec<u8>)>,
    /// Social Fund reports with the `ds:Signature` the service made: they replace the uploaded
    /// ones at prepare and send.
    pub xml_signed: BTreeMap<Uuid, Vec<u8>>,
}

impl CheckOutcome {
    pub fn has_errors(&self) -> bool {
        self.common
            .iter()
            .chain(self.documents.values().flatten())
            .any(|e| !e.warning)
    }

    pub fn has_warnings(&self) -> bool {
        self.common
            .iter()
            .chain(self.documents.values().flatten())
            .any(|e| e.warning)
    }

    /// `{documents-errors, common-errors}` as the API shows it.
    pub fn data_json(&self) -> Value {
        let docs: serde_json::Map<String, Value> = self
            .documents
            .iter()
            .map(|(id, errs)| {
                (
                    id.to_string(),
                    Value::Array(errs.iter().map(CheckError::to_json).collect()),
                )
            })
            .collect();
        json!({
            "documents-errors": docs,
            "common-errors": self.common.iter().map(CheckError::to_json).collect::<Vec<_>>(),
        })
    }
}

/// The document a draft cannot go without: the report itself, or the generated description of a
/// built package.
pub fn is_main_document(doc_type: Option<&str>) -> bool {
    matches!(
        doc_type,
        Some(
            "urn:document:fns534-report"
                | "urn:document:stat-report"
                | "urn:document:fns534-inventory"
                | "urn:document:fns534-letter"
                | "urn:document:business-registration-description"
                | "urn:document:pfr-report-description"
                | "urn:document:sfr-report-report-document"
                | "urn:document:fss-sedo-oved-confirmation-request"
                | "urn:document:fss-sedo-oved-confirmation-request-fuf"
                // Built from contracts (contracts.rs): the ION request, the EDOK application,
                // the SEDO subscription.
                | "urn:document:fns534-ion-request"
                | "urn:document:pfr-ancillary-document"
                | "urn:document:fss-sedo-provider-subscription-subscribe-request-for-registration-number"
                | "urn:document:fss-sedo-provider-subscription-unsubscribe-request-for-registration-number"
        )
    )
}

const SRC_FILE_ID: &str = "Файл/Идентификатор файла (@ИдФайл)";

/// Checks a draft. Reads the documents' contents from the spool (blocking I/O: run it off the
/// async workers). `warrant` is the warrant the draft names, looked up before the check
/// ([`warrant::lookup`]).
pub fn check(
    ca: &Authority,
    draft: &Draft,
    contents: &HashMap<Uuid, Content>,
    warrant: &NamedWarrant,
    now: DateTime<Utc>,
) -> CheckOutcome {
    let mut out = CheckOutcome::default();
    let sender = draft.meta.sender.as_ref();
    let recipient = draft.meta.recipient.as_ref();
    let ifns = recipient.and_then(|r| r.ifns_code.clone());
    let togs = recipient.and_then(|r| r.togs_code.clone());
    let sender_inn = sender.map(|s| s.inn.clone()).unwrap_or_default();
    let sender_kpp = sender.and_then(|s| s.kpp.clone()).unwrap_or_default();
    // A representative files for another organization, with a warrant (warrant_check.rs).
    let representative = warrant::is_representative(&draft.meta);
    let warrant = warrant::check(draft, warrant, now);
    let other_recipient = recipient.is_some_and(|r| {
        r.registration_ifns_code.is_some()
            || r.sfr_code.is_some()
            || r.upfr_code.is_some()
            || r.fss_code.is_some()
    }) || xml_signature::sfr_recipient(draft).is_some()
        || xml_signature::oved_recipient(draft).is_some();
    if ifns.is_none() && togs.is_none() && !other_recipient {
        out.common.push(CheckError::error("Common", "recipient", "Не указан получатель: нужен recipient.ifns-code (ФНС), recipient.togs-code (Росстат), код СФР (sfr-code, upfr-code, fss-code) или ЕРН плательщика"));
    }
    if draft.documents.is_empty() {
        out.common.push(CheckError::error(
            "Common",
            "documents",
            "В черновике нет документов",
        ));
    }
    let is_main = |t: &Option<String>| is_main_document(t.as_deref());
    if !draft.documents.is_empty() && !draft.documents.iter().any(|d| is_main(&d.doc_type)) {
        out.common.push(CheckError::error(
            "Common",
            "documents",
            "В черновике нет основного документа отчёта",
        ));
    }
    out.common.extend(warrant.common);
    for doc in &draft.documents {
        let errors = out.documents.entry(doc.id).or_default();
        let Some(content) = doc
            .content_id
            .and_then(|id| contents.get(&id))
            .filter(|c| c.is_complete())
        else {
            errors.push(CheckError::error(
                "Common",
                "content",
                "У документа нет загруженного содержимого",
            ));
            continue;
        };
        let is_fns_xml = ifns.is_some()
            && matches!(
                doc.doc_type.as_deref(),
                Some("urn:document:fns534-report" | "urn:document:fns534-report-warrant")
            );
        if is_fns_xml {
            let head = content.head(HEAD_BYTES).unwrap_or_default();
            let header = report_file::read_header(&head);
            check_fns_file(
                errors,
                &header,
                doc.filename.as_deref(),
                &sender_inn,
                &sender_kpp,
                ifns.as_deref().unwrap_or(""),
                representative,
            );
        }
        if xml_signature::signed_inside(doc) {
            // Signed inside (XMLDsig), not beside: a detached signature is not what the SFR takes.
            let signer_inn = warrant
                .signer_inn
                .clone()
                .or((!representative).then(|| sender_inn.clone()));
            let certificate = sender.and_then(|s| s.certificate.as_ref()).and_then(|c| {
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &c.content).ok()
            });
            let expected = xml_signature::Expected {
                signer_inn: signer_inn.as_deref(),
                warrant: draft
                    .meta
                    .additional_info
                    .as_ref()
                    .and_then(|i| i.machine_readable_warrant_id),
                certificate: certificate.as_deref(),
            };
            let found = xml_signature::check(ca, content, doc, &expected, now);
            errors.extend(found.errors);
            if let Some(prepared) = found.prepared {
                out.xml_prepared
                    .insert(doc.id, (prepared, certificate.unwrap_or_default()));
            }
            if let Some(signed) = found.signed {
                out.xml_signed.insert(doc.id, signed);
            }
            continue;
        }
        if doc.signatures.is_empty() {
            errors.push(CheckError::error(
                "Signature",
                "signature",
                "Документ не подписан",
            ));
        }
        for sig in &doc.signatures {
            let verified = content
                .reader()
                .map_err(|e| PkiError::Malformed(e.to_string()))
                .and_then(|reader| ca.verify_detached(sig.bytes.stored(), reader, now));
            match verified {
                Ok(info) => {
                    if let Some(inn) = warrant.signer_inn.as_deref()
                        && info.inn.as_deref() != Some(inn)
                    {
                        errors.push(warrant::not_the_representative(info.inn.as_deref(), inn));
                    } else if !representative && info.inn.as_deref() != Some(sender_inn.as_str()) {
                        errors.push(CheckError::error(
                            "CrossCheckReportCert",
                            "signature/certificate",
                            format!(
                                "ИНН в сертификате подписанта ({}) не совпадает с ИНН отправителя ({sender_inn})",
                                info.inn.as_deref().unwrap_or("нет")
                            ),
                        ));
                    }
                }
                Err(PkiError::BadSignature) => errors.push(CheckError::error(
                    "Signature",
                    "signature",
                    "Подпись не соответствует содержимому документа",
                )),
                Err(e) => errors.push(CheckError::error(
                    "Signature",
                    "signature",
                    format!("Подпись не проверена: {e}"),
                )),
            }
        }
    }
    out
}

fn check_fns_file(
    errors: &mut Vec<CheckError>,
    header: &report_file::ReportHeader,
    filename: Option<&str>,
    sender_inn: &str,
    sender_kpp: &str,
    ifns: &str,
    representative: bool,
) {
    if header.not_xml {
        errors.push(CheckError::error(
            "Schema",
            "Файл",
            "Файл не является XML-документом",
        ));
        return;
    }
    if header.declared_encoding != "windows-1251" {
        errors.push(CheckError::error(
            "Schema",
            "Файл",
            format!(
                "Файл должен быть в кодировке windows-1251, а объявлена {}",
                header.declared_encoding
            ),
        ));
    } else if header.encoding_broken {
        errors.push(CheckError::error(
            "Schema",
            "Файл",
            "Содержимое файла не соответствует объявленной кодировке",
        ));
    }
    let Some(file_id) = header.file_id.as_deref() else {
        errors.push(CheckError::error(
            "Schema",
            SRC_FILE_ID,
            "В файле нет атрибута ИдФайл",
        ));
        return;
    };
    let stem = filename.map(|f| {
        f.strip_suffix(".xml")
            .or_else(|| f.strip_suffix(".XML"))
            .unwrap_or(f)
    });
    if stem != Some(file_id) {
        errors.push(CheckError::error(
            "Schema",
            SRC_FILE_ID,
            format!(
                "Имя файла {} не совпадает с идентификатором файла {file_id}",
                filename.unwrap_or("(нет)")
            ),
        ));
    }
    let Some(id) = report_file::parse_file_id(file_id) else {
        errors.push(CheckError::error(
            "Schema",
            SRC_FILE_ID,
            format!("Идентификатор файла {file_id} не соответствует маске"),
        ));
        return;
    };
    let expected_sender = format!("{sender_inn}{sender_kpp}");
    if !representative && id.sender != expected_sender && id.sender != sender_inn {
        errors.push(CheckError::error(
            "CrossCheckReport",
            SRC_FILE_ID,
            format!("ИНН/КПП отправителя в имени файла ({}) не совпадают с отправителем черновика ({expected_sender})", id.sender),
        ));
    }
    if id.final_recipient != ifns {
        errors.push(CheckError::error(
            "CrossCheckReport",
            SRC_FILE_ID,
            format!("Инспекция-получатель в имени файла ({}) не совпадает с получателем черновика ({ifns})", id.final_recipient),
        ));
    }
}
