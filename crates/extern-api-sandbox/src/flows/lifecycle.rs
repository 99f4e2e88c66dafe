//! The docflow state machines (FNS report, Rosstat report): status and success state follow from
//! the documents that have arrived and the replies still due, as the vendor's tables describe.

use crate::state::urns::{FNS_REPORT, STAT_REPORT};
use crate::state::vocabulary::{DocflowStatus, SuccessState};
use crate::state::{Docflow, Origin};

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
    let (status, success) = match d.doc_type.as_ref() {
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
                (DocflowStatus::Finished, SuccessState::Failed)
            } else if has(&iv) || has(&uu) || has(&uo) {
                let success = if has(&uo) {
                    SuccessState::Failed
                } else if has(&uu) {
                    SuccessState::Warning
                } else {
                    SuccessState::Successful
                };
                (
                    if results_due {
                        DocflowStatus::ResponseArrived
                    } else {
                        DocflowStatus::Finished
                    },
                    success,
                )
            } else if has(&kv) {
                (
                    if due(&kv) {
                        DocflowStatus::ResponseArrived
                    } else {
                        DocflowStatus::ResponseProcessed
                    },
                    SuccessState::Neutral,
                )
            } else if has(&format!("{p}receipt")) {
                (DocflowStatus::Delivered, SuccessState::Neutral)
            } else {
                (DocflowStatus::Sent, SuccessState::Neutral)
            }
        }
        crate::state::urns::INVENTORY_DOCFLOW => {
            let p = "urn:document:fns534-inventory-";
            let (kv, uo) = (
                format!("{p}acceptance-result-positive"),
                format!("{p}acceptance-result-negative"),
            );
            if has(&kv) || has(&uo) {
                let success = if has(&uo) {
                    SuccessState::Failed
                } else {
                    SuccessState::Successful
                };
                (
                    if due(&kv) || due(&uo) {
                        DocflowStatus::ResponseArrived
                    } else {
                        DocflowStatus::Finished
                    },
                    success,
                )
            } else if has(&format!("{p}receipt")) {
                (DocflowStatus::Delivered, SuccessState::Neutral)
            } else {
                (DocflowStatus::Sent, SuccessState::Neutral)
            }
        }
        crate::state::urns::BUSINESS_REGISTRATION_DOCFLOW => {
            let p = "urn:document:business-registration-";
            if has(&format!("{p}registration-notice")) {
                (DocflowStatus::Finished, SuccessState::Successful)
            } else if has(&format!("{p}decline-notice")) {
                (DocflowStatus::Finished, SuccessState::Failed)
            } else if has(&format!("{p}receipt")) {
                (DocflowStatus::ResponseArrived, SuccessState::Neutral)
            } else {
                (DocflowStatus::Sent, SuccessState::Neutral)
            }
        }
        crate::state::urns::PFR_REPORT_DOCFLOW => {
            if has("urn:document:pfr-report-protocol") {
                (
                    if due("urn:document:pfr-report-protocol") {
                        DocflowStatus::ResponseArrived
                    } else {
                        DocflowStatus::Finished
                    },
                    SuccessState::Successful,
                )
            } else if has("urn:document:pfr-report-acknowledgement") {
                (DocflowStatus::Delivered, SuccessState::Neutral)
            } else {
                (DocflowStatus::Sent, SuccessState::Neutral)
            }
        }
        // A letter has no final state of its own: the answer comes as a new incoming letter.
        crate::state::urns::LETTER_DOCFLOW => {
            if has("urn:document:fns534-letter-receipt") {
                (DocflowStatus::Delivered, SuccessState::Neutral)
            } else {
                (DocflowStatus::Sent, SuccessState::Neutral)
            }
        }
        crate::state::urns::CU_LETTER => {
            let receipt = format!("urn:document:{}", crate::state::urns::CU_LETTER_RECEIPT);
            if documents
                .iter()
                .any(|x| x.origin == Origin::Sender && x.doc_type == receipt)
            {
                (DocflowStatus::Finished, SuccessState::Successful)
            } else {
                (DocflowStatus::Received, SuccessState::Neutral)
            }
        }
        crate::state::urns::FNS_DEMAND => {
            let sent = |t: &str| {
                documents.iter().any(|x| {
                    x.origin == Origin::Sender && x.doc_type == format!("urn:document:{t}")
                })
            };
            let (accepted, declined) = (
                sent(crate::state::urns::ACCEPT),
                sent(crate::state::urns::DECLINE),
            );
            let success = if accepted {
                SuccessState::Successful
            } else if declined {
                SuccessState::Failed
            } else {
                SuccessState::Neutral
            };
            if has(crate::state::urns::RESULT_RECEIPT) {
                (DocflowStatus::Finished, success)
            } else if accepted || declined {
                (DocflowStatus::Processed, success)
            } else if sent(crate::state::urns::RECEIPT) {
                (DocflowStatus::Arrived, SuccessState::Neutral)
            } else {
                (DocflowStatus::Received, SuccessState::Neutral)
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
                    Some("positive") => SuccessState::Successful,
                    Some("precise") => SuccessState::Warning,
                    _ => SuccessState::Failed,
                };
                (
                    if results.iter().any(|t| due(t)) {
                        DocflowStatus::ResponseArrived
                    } else {
                        DocflowStatus::Finished
                    },
                    success,
                )
            } else if has("urn:document:stat-report-receipt") {
                (DocflowStatus::Delivered, SuccessState::Neutral)
            } else {
                (DocflowStatus::Sent, SuccessState::Neutral)
            }
        }
        // Incoming SFR SEDO docflows: `received` until the SFR delivers its document (after a
        // documents request), `response-arrived` while its read mark is due, then `finished`
        // (docs/scenarios/SFR/FSS/proactive_ algorithm.rst).
        t if d.incoming && t.starts_with("urn:docflow:fss-sedo-") => {
            let delivered: Vec<_> = documents
                .iter()
                .filter(|x| x.origin == Origin::Authority)
                .collect();
            match delivered.len() {
                0 => (d.status, d.success_state),
                _ if delivered.iter().any(|x| !x.replies_due.is_empty()) => {
                    (DocflowStatus::ResponseArrived, SuccessState::Neutral)
                }
                _ => (DocflowStatus::Finished, SuccessState::Successful),
            }
        }
        _ => (d.status, d.success_state),
    };
    d.status = status;
    d.success_state = success;
    before != (d.status, d.success_state)
}
