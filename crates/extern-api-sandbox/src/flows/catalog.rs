//! The docflow types the robots answer, as data: which control unit answers with which steps,
//! and the document each step brings. Adding an authority or a robot is adding an entry here;
//! [`super::robots`] interprets it.

use crate::state::Step;
use crate::state::urns::{
    BUSINESS_REGISTRATION_DOCFLOW, FNS_REPORT, INVENTORY_DOCFLOW, LETTER_DOCFLOW,
    PFR_REPORT_DOCFLOW, RESULT_RECEIPT, STAT_REPORT,
};

/// One document a robot answers with.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub doc_type: &'static str,
    /// The file name's prefix (IZ, KV, UO…).
    pub prefix: &'static str,
    pub knd: &'static str,
    /// The reply due on it, if any.
    pub reply: Option<&'static str>,
    /// The event's `urn:transaction:` suffix.
    pub transaction: &'static str,
}

/// A docflow type the robots know.
pub struct Flow {
    pub docflow_type: &'static str,
    /// By control unit (`None`: any other), the steps its robot answers with, in order.
    pub robots: &'static [(Option<&'static str>, &'static [Step])],
    /// The documents of its steps; steps not listed answer as [`DEFAULT_ANSWERS`] says.
    pub answers: &'static [(Step, Answer)],
}

/// The tax service's report: 0087 accepts, 0088 rejects, 0085 sends a precise notice.
const FNS_REPORT_FLOW: Flow = Flow {
    docflow_type: FNS_REPORT,
    robots: &[
        (
            Some("0087"),
            &[Step::Receipt, Step::Accepted, Step::Processed],
        ),
        (Some("0088"), &[Step::Receipt, Step::Declined]),
        (
            Some("0085"),
            &[Step::Receipt, Step::Accepted, Step::Precise],
        ),
    ],
    answers: FNS_REPORT_ANSWERS,
};

const FNS_REPORT_ANSWERS: &[(Step, Answer)] = &[];

/// Rosstat's report: 00-87 accepts, 00-88 rejects.
const STAT_REPORT_FLOW: Flow = Flow {
    docflow_type: STAT_REPORT,
    robots: &[
        (Some("00-87"), &[Step::Receipt, Step::StatAccepted]),
        (Some("00-88"), &[Step::Receipt, Step::StatDeclined]),
    ],
    answers: STAT_REPORT_ANSWERS,
};

const STAT_REPORT_ANSWERS: &[(Step, Answer)] = &[(
    Step::Receipt,
    Answer {
        doc_type: "urn:document:stat-report-receipt",
        prefix: "IZ",
        knd: "",
        reply: None,
        transaction: "report-receipt",
    },
)];

/// An inventory of documents answering a demand: 0088 rejects, others accept.
const INVENTORY_FLOW: Flow = Flow {
    docflow_type: INVENTORY_DOCFLOW,
    robots: &[
        (Some("0088"), &[Step::Receipt, Step::Declined]),
        (None, &[Step::Receipt, Step::Accepted]),
    ],
    answers: INVENTORY_ANSWERS,
};

const INVENTORY_ANSWERS: &[(Step, Answer)] = &[
    (
        Step::Receipt,
        Answer {
            doc_type: "urn:document:fns534-inventory-receipt",
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "receipt",
        },
    ),
    (
        Step::Accepted,
        Answer {
            doc_type: "urn:document:fns534-inventory-acceptance-result-positive",
            prefix: "KV",
            knd: "1166007",
            reply: Some("fns534-inventory-receipt"),
            transaction: "acceptance-result-positive",
        },
    ),
    (
        Step::Declined,
        Answer {
            doc_type: "urn:document:fns534-inventory-acceptance-result-negative",
            prefix: "UO",
            knd: "1166009",
            reply: Some("fns534-inventory-receipt"),
            transaction: "acceptance-result-negative",
        },
    ),
];

/// Business registration: the receipt (расписка), then registration or refusal.
const BUSINESS_REGISTRATION_FLOW: Flow = Flow {
    docflow_type: BUSINESS_REGISTRATION_DOCFLOW,
    robots: &[
        (Some("0088"), &[Step::Receipt, Step::Declined]),
        (None, &[Step::Receipt, Step::Processed]),
    ],
    answers: BUSINESS_REGISTRATION_ANSWERS,
};

const BUSINESS_REGISTRATION_ANSWERS: &[(Step, Answer)] = &[
    (
        Step::Receipt,
        Answer {
            doc_type: "urn:document:business-registration-receipt",
            prefix: "RS",
            knd: "1111061",
            reply: None,
            transaction: "receipt",
        },
    ),
    (
        Step::Processed,
        Answer {
            doc_type: "urn:document:business-registration-registration-notice",
            prefix: "RN",
            knd: "1111062",
            reply: None,
            transaction: "registration-notice",
        },
    ),
    (
        Step::Declined,
        Answer {
            doc_type: "urn:document:business-registration-decline-notice",
            prefix: "RO",
            knd: "1111063",
            reply: None,
            transaction: "decline-notice",
        },
    ),
];

/// The Social Fund's report: the acknowledgement, then the protocol.
const PFR_REPORT_FLOW: Flow = Flow {
    docflow_type: PFR_REPORT_DOCFLOW,
    robots: &[(None, &[Step::Receipt, Step::Processed])],
    answers: PFR_REPORT_ANSWERS,
};

const PFR_REPORT_ANSWERS: &[(Step, Answer)] = &[
    (
        Step::Receipt,
        Answer {
            doc_type: "urn:document:pfr-report-acknowledgement",
            prefix: "AK",
            knd: "",
            reply: None,
            transaction: "acknowledgement",
        },
    ),
    (
        Step::Processed,
        Answer {
            doc_type: "urn:document:pfr-report-protocol",
            prefix: "PR",
            knd: "",
            reply: Some("pfr-report-protocol-receipt"),
            transaction: "protocol",
        },
    ),
];

/// A letter to the inspection: its receipt.
const LETTER_FLOW: Flow = Flow {
    docflow_type: LETTER_DOCFLOW,
    robots: &[],
    answers: LETTER_ANSWERS,
};

const LETTER_ANSWERS: &[(Step, Answer)] = &[(
    Step::Receipt,
    Answer {
        doc_type: "urn:document:fns534-letter-receipt",
        prefix: "IZ",
        knd: "1166002",
        reply: None,
        transaction: "receipt",
    },
)];

/// Every docflow type with a robot.
pub const FLOWS: &[Flow] = &[
    FNS_REPORT_FLOW,
    STAT_REPORT_FLOW,
    INVENTORY_FLOW,
    BUSINESS_REGISTRATION_FLOW,
    PFR_REPORT_FLOW,
    LETTER_FLOW,
];

/// The documents of steps a flow does not list (the tax service's report documents, Rosstat's
/// protocols, the demand's result receipt).
pub const DEFAULT_ANSWERS: &[(Step, Answer)] = &[
    (
        Step::Receipt,
        Answer {
            doc_type: "urn:document:fns534-report-receipt",
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "report-receipt",
        },
    ),
    (
        Step::Accepted,
        Answer {
            doc_type: "urn:document:fns534-report-acceptance-result-positive",
            prefix: "KV",
            knd: "1166007",
            reply: Some("fns534-report-receipt"),
            transaction: "acceptance-result-positive",
        },
    ),
    (
        Step::Declined,
        Answer {
            doc_type: "urn:document:fns534-report-acceptance-result-negative",
            prefix: "UO",
            knd: "1166009",
            reply: Some("fns534-report-receipt"),
            transaction: "acceptance-result-negative",
        },
    ),
    (
        Step::Processed,
        Answer {
            doc_type: "urn:document:fns534-report-processing-result-ok",
            prefix: "IV",
            knd: "1166010",
            reply: Some("fns534-report-receipt"),
            transaction: "processing-result-ok",
        },
    ),
    (
        Step::Precise,
        Answer {
            doc_type: "urn:document:fns534-report-processing-result-precise",
            prefix: "UU",
            knd: "1166014",
            reply: Some("fns534-report-receipt"),
            transaction: "processing-result-precise",
        },
    ),
    (
        Step::StatAccepted,
        Answer {
            doc_type: "urn:document:stat-report-protocol-v2-positive",
            prefix: "PR",
            knd: "",
            reply: Some("stat-report-receipt"),
            transaction: "protocol-v2-success",
        },
    ),
    (
        Step::StatDeclined,
        Answer {
            doc_type: "urn:document:stat-report-protocol-v2-negative",
            prefix: "PR",
            knd: "",
            reply: Some("stat-report-receipt"),
            transaction: "protocol-v2-fail",
        },
    ),
    (
        Step::DemandResultReceipt,
        Answer {
            doc_type: RESULT_RECEIPT,
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "receiption-result-cu",
        },
    ),
];

/// The steps the robot of control unit `cu` answers a docflow of `docflow_type` with; a control
/// unit without a robot only delivers (a real inspection takes days to answer): the receipt.
pub fn steps(docflow_type: &str, cu: &str) -> &'static [Step] {
    FLOWS
        .iter()
        .find(|f| f.docflow_type == docflow_type)
        .and_then(|f| {
            f.robots
                .iter()
                .find(|(unit, _)| unit.is_none_or(|u| u == cu))
                .map(|(_, steps)| *steps)
        })
        .unwrap_or(&[Step::Receipt])
}

/// The document a step brings to a docflow of `docflow_type`.
pub fn answer(docflow_type: &str, step: Step) -> Answer {
    let listed =
        |answers: &[(Step, Answer)]| answers.iter().find(|(s, _)| *s == step).map(|(_, a)| *a);
    FLOWS
        .iter()
        .find(|f| f.docflow_type == docflow_type)
        .and_then(|f| listed(f.answers))
        .or_else(|| listed(DEFAULT_ANSWERS))
        .expect("DEFAULT_ANSWERS lists every step")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_a_default_answer() {
        for step in [
            Step::Receipt,
            Step::Accepted,
            Step::Declined,
            Step::Processed,
            Step::Precise,
            Step::StatAccepted,
            Step::StatDeclined,
            Step::DemandResultReceipt,
        ] {
            assert!(DEFAULT_ANSWERS.iter().any(|(s, _)| *s == step), "{step:?}");
        }
    }

    #[test]
    fn test_units_answer_as_the_vendor_documents() {
        assert_eq!(
            steps(FNS_REPORT, "0087"),
            [Step::Receipt, Step::Accepted, Step::Processed]
        );
        assert_eq!(steps(FNS_REPORT, "0088"), [Step::Receipt, Step::Declined]);
        assert_eq!(steps(FNS_REPORT, "0001"), [Step::Receipt]);
        assert_eq!(
            steps(INVENTORY_DOCFLOW, "0001"),
            [Step::Receipt, Step::Accepted]
        );
        assert_eq!(steps("urn:docflow:unknown", "0087"), [Step::Receipt]);
        assert_eq!(answer(STAT_REPORT, Step::Receipt).prefix, "IZ");
        assert_eq!(
            answer(STAT_REPORT, Step::StatAccepted).transaction,
            "protocol-v2-success"
        );
        assert_eq!(
            answer("urn:docflow:fns534-demand", Step::DemandResultReceipt).doc_type,
            RESULT_RECEIPT
        );
    }
}
