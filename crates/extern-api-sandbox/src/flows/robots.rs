//! The test robots of the vendor's test site: inspection 0087 accepts everything (receipt →
//! acceptance → processing result), 0088 rejects, 0085 answers with a precise notice; Rosstat
//! 00-87 accepts and 00-88 rejects. Steps fall due on the sandbox clock.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::flows::lifecycle;
use crate::pki;
use crate::state::Shared;
use crate::state::config::RobotTimings;
use crate::state::urns::{
    BUSINESS_REGISTRATION_DOCFLOW, INVENTORY_DOCFLOW, LETTER_DOCFLOW, PFR_REPORT_DOCFLOW,
};
use crate::state::urns::{FNS_REPORT, STAT_REPORT};
use crate::state::{DocflowDocument, Origin, OwnSigner, Signature, SignatureBytes, Store};
use crate::state::{Robot, Step};

/// What the robot of `cu` will answer to a docflow sent at `sent`. Control units without a robot
/// only deliver (a real inspection takes days to answer).
pub fn plan(docflow_type: &str, cu: &str, sent: DateTime<Utc>, t: &RobotTimings) -> Robot {
    let answers: &[Step] = match (docflow_type, cu) {
        (FNS_REPORT, "0087") => &[Step::Receipt, Step::Accepted, Step::Processed],
        (FNS_REPORT, "0088") => &[Step::Receipt, Step::Declined],
        (FNS_REPORT, "0085") => &[Step::Receipt, Step::Accepted, Step::Precise],
        (STAT_REPORT, "00-87") => &[Step::Receipt, Step::StatAccepted],
        (STAT_REPORT, "00-88") => &[Step::Receipt, Step::StatDeclined],
        (INVENTORY_DOCFLOW, "0088") => &[Step::Receipt, Step::Declined],
        (INVENTORY_DOCFLOW, _) => &[Step::Receipt, Step::Accepted],
        // Business registration: the receipt (расписка), then registration or refusal.
        (BUSINESS_REGISTRATION_DOCFLOW, "0088") => &[Step::Receipt, Step::Declined],
        (BUSINESS_REGISTRATION_DOCFLOW, _) => &[Step::Receipt, Step::Processed],
        // PFR: the acknowledgement, then the protocol.
        (PFR_REPORT_DOCFLOW, _) => &[Step::Receipt, Step::Processed],
        _ => &[Step::Receipt],
    };
    let mut at = sent;
    let steps = answers
        .iter()
        .map(|step| {
            let wait = match step {
                Step::Receipt => t.receipt_ms,
                Step::Accepted | Step::Declined | Step::StatAccepted | Step::StatDeclined => {
                    t.acceptance_ms
                }
                Step::Processed | Step::Precise => t.processing_ms,
                Step::DemandResultReceipt => t.acceptance_ms,
            };
            at += Duration::milliseconds(wait as i64);
            (at, *step)
        })
        .collect();
    Robot { steps }
}

struct Answer {
    doc_type: &'static str,
    prefix: &'static str,
    knd: &'static str,
    reply: Option<&'static str>,
    transaction: &'static str,
}

fn answer(docflow_type: &str, step: Step) -> Answer {
    let fns_receipt = Some("fns534-report-receipt");
    let stat_receipt = Some("stat-report-receipt");
    match (docflow_type, step) {
        (STAT_REPORT, Step::Receipt) => Answer {
            doc_type: "urn:document:stat-report-receipt",
            prefix: "IZ",
            knd: "",
            reply: None,
            transaction: "report-receipt",
        },
        (INVENTORY_DOCFLOW, Step::Receipt) => Answer {
            doc_type: "urn:document:fns534-inventory-receipt",
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "receipt",
        },
        (INVENTORY_DOCFLOW, Step::Accepted) => Answer {
            doc_type: "urn:document:fns534-inventory-acceptance-result-positive",
            prefix: "KV",
            knd: "1166007",
            reply: Some("fns534-inventory-receipt"),
            transaction: "acceptance-result-positive",
        },
        (INVENTORY_DOCFLOW, Step::Declined) => Answer {
            doc_type: "urn:document:fns534-inventory-acceptance-result-negative",
            prefix: "UO",
            knd: "1166009",
            reply: Some("fns534-inventory-receipt"),
            transaction: "acceptance-result-negative",
        },
        (BUSINESS_REGISTRATION_DOCFLOW, Step::Receipt) => Answer {
            doc_type: "urn:document:business-registration-receipt",
            prefix: "RS",
            knd: "1111061",
            reply: None,
            transaction: "receipt",
        },
        (BUSINESS_REGISTRATION_DOCFLOW, Step::Processed) => Answer {
            doc_type: "urn:document:business-registration-registration-notice",
            prefix: "RN",
            knd: "1111062",
            reply: None,
            transaction: "registration-notice",
        },
        (BUSINESS_REGISTRATION_DOCFLOW, Step::Declined) => Answer {
            doc_type: "urn:document:business-registration-decline-notice",
            prefix: "RO",
            knd: "1111063",
            reply: None,
            transaction: "decline-notice",
        },
        (PFR_REPORT_DOCFLOW, Step::Receipt) => Answer {
            doc_type: "urn:document:pfr-report-acknowledgement",
            prefix: "AK",
            knd: "",
            reply: None,
            transaction: "acknowledgement",
        },
        (PFR_REPORT_DOCFLOW, Step::Processed) => Answer {
            doc_type: "urn:document:pfr-report-protocol",
            prefix: "PR",
            knd: "",
            reply: Some("pfr-report-protocol-receipt"),
            transaction: "protocol",
        },
        (LETTER_DOCFLOW, Step::Receipt) => Answer {
            doc_type: "urn:document:fns534-letter-receipt",
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "receipt",
        },
        (_, Step::Receipt) => Answer {
            doc_type: "urn:document:fns534-report-receipt",
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "report-receipt",
        },
        (_, Step::Accepted) => Answer {
            doc_type: "urn:document:fns534-report-acceptance-result-positive",
            prefix: "KV",
            knd: "1166007",
            reply: fns_receipt,
            transaction: "acceptance-result-positive",
        },
        (_, Step::Declined) => Answer {
            doc_type: "urn:document:fns534-report-acceptance-result-negative",
            prefix: "UO",
            knd: "1166009",
            reply: fns_receipt,
            transaction: "acceptance-result-negative",
        },
        (_, Step::Processed) => Answer {
            doc_type: "urn:document:fns534-report-processing-result-ok",
            prefix: "IV",
            knd: "1166010",
            reply: fns_receipt,
            transaction: "processing-result-ok",
        },
        (_, Step::Precise) => Answer {
            doc_type: "urn:document:fns534-report-processing-result-precise",
            prefix: "UU",
            knd: "1166014",
            reply: fns_receipt,
            transaction: "processing-result-precise",
        },
        (_, Step::StatAccepted) => Answer {
            doc_type: "urn:document:stat-report-protocol-v2-positive",
            prefix: "PR",
            knd: "",
            reply: stat_receipt,
            transaction: "protocol-v2-success",
        },
        (_, Step::StatDeclined) => Answer {
            doc_type: "urn:document:stat-report-protocol-v2-negative",
            prefix: "PR",
            knd: "",
            reply: stat_receipt,
            transaction: "protocol-v2-fail",
        },
        (_, Step::DemandResultReceipt) => Answer {
            doc_type: crate::state::urns::RESULT_RECEIPT,
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "receiption-result-cu",
        },
    }
}

/// Schedules a docflow's robot.
pub fn schedule(store: &mut Store, docflow_id: Uuid, robot: Robot) {
    if let Some((at, _)) = robot.steps.front() {
        store.robot_queue.insert((*at, docflow_id));
    }
    if let Some(d) = store.docflows.get_mut(&docflow_id) {
        d.robot = Some(robot);
    }
}

/// Applies every robot step due at `now`.
pub fn run_due(shared: &Shared, store: &mut Store, now: DateTime<Utc>) {
    while let Some(&(at, id)) = store.robot_queue.first() {
        if at > now {
            break;
        }
        store.robot_queue.pop_first();
        let Some(mut docflow) = store.docflows.remove(&id) else {
            continue;
        };
        while let Some(&(due, step)) = docflow.robot.as_ref().and_then(|r| r.steps.front()) {
            if due > now {
                store.robot_queue.insert((due, id));
                break;
            }
            docflow.robot.as_mut().map(|r| r.steps.pop_front());
            let a = answer(&docflow.doc_type, step);
            let report_name = docflow
                .documents
                .first()
                .map(|d| d.filename.clone())
                .unwrap_or_default();
            let stem = report_name.trim_end_matches(".xml").to_string();
            let filename = format!(
                "{}_{}_{}_{}.xml",
                a.prefix,
                stem.split('_').take(2).collect::<Vec<_>>().join(""),
                due.format("%Y%m%d"),
                Uuid::new_v4().simple()
            );
            let xml = robot_document(&filename, a.knd, &report_name, &docflow.cu, due);
            let content_id = shared.put_content(store, docflow.account_id, &xml);
            let sealed = crate::flows::sealing::seal(
                store,
                docflow.account_id,
                &docflow.inn,
                &filename,
                &xml,
                crate::formats::compression::Compression::of(&shared.config),
            );
            // Docflows gain documents one at a time: grow by one, not double (memory of many held).
            docflow.documents.reserve_exact(1);
            docflow.documents.push(DocflowDocument {
                id: Uuid::new_v4(),
                origin: Origin::Authority,
                doc_type: a.doc_type.into(),
                filename,
                content_type: "application/xml",
                content_id,
                size: xml.len() as u64,
                signatures: vec![Signature {
                    id: Uuid::new_v4(),
                    thumbprint: pki::thumbprint(&shared.inspection.certificate_der),
                    title: "ФНС России (тестовая) (Тестовая инспекция)".into(),
                    bytes: SignatureBytes::deferred(OwnSigner::Inspection, content_id),
                    signer_type: "cu-representative",
                }],
                replies_due: a.reply.into_iter().map(String::from).collect(),
                decrypted: sealed.is_none(),
                sealed,
                sent: due,
            });
            docflow.updated = due;
            lifecycle::recompute(&mut docflow);
            store.push_event(&docflow, a.transaction, due);
        }
        store.docflows.insert(id, docflow);
    }
}

/// A small windows-1251 XML answer naming the report it answers.
fn robot_document(file_id: &str, knd: &str, answers: &str, cu: &str, at: DateTime<Utc>) -> Vec<u8> {
    let stem = file_id.trim_end_matches(".xml");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{stem}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.01\">\
         <Документ КНД=\"{knd}\" ДатаДок=\"{}\" КодНО=\"{cu}\"><СвКвит ИмяОбмФайл=\"{answers}\" ДатаПрин=\"{}\"/></Документ></Файл>\n",
        at.format("%d.%m.%Y"),
        at.format("%d.%m.%Y"),
    );
    encoding_rs::WINDOWS_1251.encode(&xml).0.into_owned()
}
