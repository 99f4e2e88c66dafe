//! The docflow state machines (FNS report, Rosstat report): status and success state follow from
//! the documents that have arrived and the replies still due, as the vendor's tables describe.

use crate::model::{Docflow, Origin};

pub const FNS_REPORT: &str = "urn:docflow:fns534-report";
pub const STAT_REPORT: &str = "urn:docflow:stat-report";

/// Recomputes `status` and `success-state`; returns whether either changed.
pub fn recompute(d: &mut Docflow) -> bool {
    let before = (d.status, d.success_state);
    let documents = &d.documents;
    let has = |t: &str| {
        documents
            .iter()
            .any(|x| x.origin == Origin::Authority && x.doc_type == t)
    };
    let due = |t: &str| {
        documents
            .iter()
            .any(|x| x.origin == Origin::Authority && x.doc_type == t && !x.replies_due.is_empty())
    };
    let (status, success) = match d.doc_type.as_str() {
        FNS_REPORT => {
            let p = "urn:document:fns534-report-";
            let (kv, uo, iv, uu) = (
                format!("{p}acceptance-result-positive"),
                format!("{p}acceptance-result-negative"),
                format!("{p}processing-result-ok"),
                format!("{p}processing-result-precise"),
            );
            let results_due = [&kv, &uo, &iv, &uu].iter().any(|t| due(t));
            if has("urn:document:error") {
                ("finished", "failed")
            } else if has(&iv) || has(&uu) || has(&uo) {
                let success = if has(&uo) {
                    "failed"
                } else if has(&uu) {
                    "warning"
                } else {
                    "successful"
                };
                (
                    if results_due {
                        "response-arrived"
                    } else {
                        "finished"
                    },
                    success,
                )
            } else if has(&kv) {
                (
                    if due(&kv) {
                        "response-arrived"
                    } else {
                        "response-processed"
                    },
                    "neutral",
                )
            } else if has(&format!("{p}receipt")) {
                ("delivered", "neutral")
            } else {
                ("sent", "neutral")
            }
        }
        crate::builders::INVENTORY_DOCFLOW => {
            let p = "urn:document:fns534-inventory-";
            let (kv, uo) = (
                format!("{p}acceptance-result-positive"),
                format!("{p}acceptance-result-negative"),
            );
            if has(&kv) || has(&uo) {
                let success = if has(&uo) { "failed" } else { "successful" };
                (
                    if due(&kv) || due(&uo) {
                        "response-arrived"
                    } else {
                        "finished"
                    },
                    success,
                )
            } else if has(&format!("{p}receipt")) {
                ("delivered", "neutral")
            } else {
                ("sent", "neutral")
            }
        }
        crate::builders::BUSINESS_REGISTRATION_DOCFLOW => {
            let p = "urn:document:business-registration-";
            if has(&format!("{p}registration-notice")) {
                ("finished", "successful")
            } else if has(&format!("{p}decline-notice")) {
                ("finished", "failed")
            } else if has(&format!("{p}receipt")) {
                ("response-arrived", "neutral")
            } else {
                ("sent", "neutral")
            }
        }
        crate::builders::PFR_REPORT_DOCFLOW => {
            if has("urn:document:pfr-report-protocol") {
                (
                    if due("urn:document:pfr-report-protocol") {
                        "response-arrived"
                    } else {
                        "finished"
                    },
                    "successful",
                )
            } else if has("urn:document:pfr-report-acknowledgement") {
                ("delivered", "neutral")
            } else {
                ("sent", "neutral")
            }
        }
        // A letter has no final state of its own: the answer comes as a new incoming letter.
        crate::builders::LETTER_DOCFLOW => {
            if has("urn:document:fns534-letter-receipt") {
                ("delivered", "neutral")
            } else {
                ("sent", "neutral")
            }
        }
        crate::demands::CU_LETTER => {
            let receipt = format!("urn:document:{}", crate::demands::CU_LETTER_RECEIPT);
            if documents
                .iter()
                .any(|x| x.origin == Origin::Sender && x.doc_type == receipt)
            {
                ("finished", "successful")
            } else {
                ("received", "neutral")
            }
        }
        crate::demands::FNS_DEMAND => {
            let sent = |t: &str| {
                documents.iter().any(|x| {
                    x.origin == Origin::Sender && x.doc_type == format!("urn:document:{t}")
                })
            };
            let (accepted, declined) =
                (sent(crate::demands::ACCEPT), sent(crate::demands::DECLINE));
            let success = if accepted {
                "successful"
            } else if declined {
                "failed"
            } else {
                "neutral"
            };
            if has(crate::demands::RESULT_RECEIPT) {
                ("finished", success)
            } else if accepted || declined {
                ("processed", success)
            } else if sent(crate::demands::RECEIPT) {
                ("arrived", "neutral")
            } else {
                ("received", "neutral")
            }
        }
        STAT_REPORT => {
            let p = "urn:document:stat-report-protocol-v2-";
            let results: Vec<String> = ["positive", "negative", "precise", "reject"]
                .iter()
                .map(|r| format!("{p}{r}"))
                .collect();
            if let Some(result) = results.iter().find(|t| has(t)) {
                let success = match result.rsplit('-').next() {
                    Some("positive") => "successful",
                    Some("precise") => "warning",
                    _ => "failed",
                };
                (
                    if results.iter().any(|t| due(t)) {
                        "response-arrived"
                    } else {
                        "finished"
                    },
                    success,
                )
            } else if has("urn:document:stat-report-receipt") {
                ("delivered", "neutral")
            } else {
                ("sent", "neutral")
            }
        }
        // Incoming SFR SEDO docflows: `received` until the SFR delivers its document (after a
        // documents request), `response-arrived` while its read mark is due, then `finished`
        // (docs/scenarios/SFR/FSS/proactive_ algorithm.rst).
        t if d.incoming && t.starts_with("urn:docflow:fss-sedo-") => {
            let delivered = documents.iter().filter(|x| x.origin == Origin::Authority);
            match delivered.clone().count() {
                0 => (d.status, d.success_state),
                _ if delivered.clone().any(|x| !x.replies_due.is_empty()) => {
                    ("response-arrived", "neutral")
                }
                _ => ("finished", "successful"),
            }
        }
        _ => (d.status, d.success_state),
    };
    d.status = status;
    d.success_state = success;
    before != (d.status, d.success_state)
}
