//! The docflow state machines as data: for each docflow type, the rules that give its `status`
//! and `success-state` from the documents it holds, in the order the vendor's status tables
//! (docs/specification/статусы ДО.rst) read them. Adding a docflow type is adding an entry here;
//! [`super::lifecycle`] interprets it.

use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

/// A fact about the docflow's documents.
#[derive(Debug, Clone, Copy)]
pub enum Has {
    /// The authority has sent a document of one of these types (empty: of any type).
    Arrived(&'static [&'static str]),
    /// A reply is still due on an authority's document of one of these types (empty: any type).
    Due(&'static [&'static str]),
    /// The sender has sent a document of this type (a demand's receipt, acceptance…).
    Sent(&'static str),
}

/// The first rule whose facts all hold gives the state.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub when: &'static [Has],
    pub status: S,
    pub success: R,
}

/// Which docflows a machine drives.
#[derive(Debug, Clone, Copy)]
pub enum Applies {
    Type(&'static str),
    /// Incoming docflows whose type starts with this.
    IncomingPrefix(&'static str),
}

/// One docflow type's state machine.
#[derive(Debug, Clone, Copy)]
pub struct Machine {
    pub applies: Applies,
    pub rules: &'static [Rule],
    /// The state when no rule holds; `None` keeps the one the docflow has.
    pub otherwise: Option<(S, R)>,
}

const fn rule(when: &'static [Has], status: S, success: R) -> Rule {
    Rule {
        when,
        status,
        success,
    }
}

/// Any document / any type.
const ANY: &[&str] = &[];

const SENT_NEUTRAL: Option<(S, R)> = Some((S::Sent, R::Neutral));

mod fns_report {
    pub const ERROR: &[&str] = &["urn:document:error"];
    pub const RECEIPT: &[&str] = &["urn:document:fns534-report-receipt"];
    pub const KV: &[&str] = &["urn:document:fns534-report-acceptance-result-positive"];
    pub const UO: &[&str] = &["urn:document:fns534-report-acceptance-result-negative"];
    pub const IV: &[&str] = &["urn:document:fns534-report-processing-result-ok"];
    pub const UU: &[&str] = &["urn:document:fns534-report-processing-result-precise"];
    /// The results: a reply due on any of them keeps the docflow `response-arrived`.
    pub const RESULTS: &[&str] = &[KV[0], UO[0], IV[0], UU[0]];
}

/// The tax service's report: receipt, acceptance (КВ) or refusal (УО), then the processing
/// result (ИВ) or a precise notice (УУ); an error document ends it.
const FNS_REPORT: Machine = {
    use Has::{Arrived, Due};
    use fns_report::*;
    Machine {
        applies: Applies::Type(crate::state::urns::FNS_REPORT),
        rules: &[
            rule(&[Arrived(ERROR)], S::Finished, R::Failed),
            rule(&[Arrived(UO), Due(RESULTS)], S::ResponseArrived, R::Failed),
            rule(&[Arrived(UO)], S::Finished, R::Failed),
            rule(&[Arrived(UU), Due(RESULTS)], S::ResponseArrived, R::Warning),
            rule(&[Arrived(UU)], S::Finished, R::Warning),
            rule(
                &[Arrived(IV), Due(RESULTS)],
                S::ResponseArrived,
                R::Successful,
            ),
            rule(&[Arrived(IV)], S::Finished, R::Successful),
            rule(&[Arrived(KV), Due(KV)], S::ResponseArrived, R::Neutral),
            rule(&[Arrived(KV)], S::ResponseProcessed, R::Neutral),
            rule(&[Arrived(RECEIPT)], S::Delivered, R::Neutral),
        ],
        otherwise: SENT_NEUTRAL,
    }
};

mod inventory {
    pub const RECEIPT: &[&str] = &["urn:document:fns534-inventory-receipt"];
    pub const KV: &[&str] = &["urn:document:fns534-inventory-acceptance-result-positive"];
    pub const UO: &[&str] = &["urn:document:fns534-inventory-acceptance-result-negative"];
    pub const RESULTS: &[&str] = &[KV[0], UO[0]];
}

/// An inventory of documents answering a demand: receipt, then acceptance or refusal.
const INVENTORY: Machine = {
    use Has::{Arrived, Due};
    use inventory::*;
    Machine {
        applies: Applies::Type(crate::state::urns::INVENTORY_DOCFLOW),
        rules: &[
            rule(&[Arrived(UO), Due(RESULTS)], S::ResponseArrived, R::Failed),
            rule(&[Arrived(UO)], S::Finished, R::Failed),
            rule(
                &[Arrived(KV), Due(RESULTS)],
                S::ResponseArrived,
                R::Successful,
            ),
            rule(&[Arrived(KV)], S::Finished, R::Successful),
            rule(&[Arrived(RECEIPT)], S::Delivered, R::Neutral),
        ],
        otherwise: SENT_NEUTRAL,
    }
};

/// Business registration: the receipt (расписка), then registration or refusal; nothing to reply.
const BUSINESS_REGISTRATION: Machine = {
    use Has::Arrived;
    Machine {
        applies: Applies::Type(crate::state::urns::BUSINESS_REGISTRATION_DOCFLOW),
        rules: &[
            rule(
                &[Arrived(&[
                    "urn:document:business-registration-registration-notice",
                ])],
                S::Finished,
                R::Successful,
            ),
            rule(
                &[Arrived(&[
                    "urn:document:business-registration-decline-notice",
                ])],
                S::Finished,
                R::Failed,
            ),
            rule(
                &[Arrived(&["urn:document:business-registration-receipt"])],
                S::ResponseArrived,
                R::Neutral,
            ),
        ],
        otherwise: SENT_NEUTRAL,
    }
};

/// The pension fund's report (before 2023): acknowledgement, then the protocol to reply to.
const PFR_REPORT: Machine = {
    use Has::{Arrived, Due};
    const PROTOCOL: &[&str] = &["urn:document:pfr-report-protocol"];
    Machine {
        applies: Applies::Type(crate::state::urns::PFR_REPORT_DOCFLOW),
        rules: &[
            rule(
                &[Arrived(PROTOCOL), Due(PROTOCOL)],
                S::ResponseArrived,
                R::Successful,
            ),
            rule(&[Arrived(PROTOCOL)], S::Finished, R::Successful),
            rule(
                &[Arrived(&["urn:document:pfr-report-acknowledgement"])],
                S::Delivered,
                R::Neutral,
            ),
        ],
        otherwise: SENT_NEUTRAL,
    }
};

/// A letter to the inspection has no final state of its own: the answer comes as a new
/// incoming letter.
const LETTER: Machine = Machine {
    applies: Applies::Type(crate::state::urns::LETTER_DOCFLOW),
    rules: &[rule(
        &[Has::Arrived(&["urn:document:fns534-letter-receipt"])],
        S::Delivered,
        R::Neutral,
    )],
    otherwise: SENT_NEUTRAL,
};

/// A letter from the inspection: finished once its receipt is sent.
const CU_LETTER: Machine = Machine {
    applies: Applies::Type(crate::state::urns::CU_LETTER),
    rules: &[rule(
        &[Has::Sent("urn:document:fns534-cu-letter-receipt")],
        S::Finished,
        R::Successful,
    )],
    otherwise: Some((S::Received, R::Neutral)),
};

/// The inspection's demand: the receipt, then acceptance or refusal, then the inspection's
/// receipt of that result.
const FNS_DEMAND: Machine = {
    use Has::{Arrived, Sent};
    const RESULT_RECEIPT: &[&str] = &[crate::state::urns::RESULT_RECEIPT];
    const RECEIPT: &str = "urn:document:fns534-demand-receipt";
    const ACCEPT: &str = "urn:document:fns534-demand-acceptance-result-positive";
    const DECLINE: &str = "urn:document:fns534-demand-acceptance-result-negative";
    Machine {
        applies: Applies::Type(crate::state::urns::FNS_DEMAND),
        rules: &[
            rule(
                &[Arrived(RESULT_RECEIPT), Sent(ACCEPT)],
                S::Finished,
                R::Successful,
            ),
            rule(
                &[Arrived(RESULT_RECEIPT), Sent(DECLINE)],
                S::Finished,
                R::Failed,
            ),
            rule(&[Arrived(RESULT_RECEIPT)], S::Finished, R::Neutral),
            rule(&[Sent(ACCEPT)], S::Processed, R::Successful),
            rule(&[Sent(DECLINE)], S::Processed, R::Failed),
            rule(&[Sent(RECEIPT)], S::Arrived, R::Neutral),
        ],
        otherwise: Some((S::Received, R::Neutral)),
    }
};

mod stat_report {
    pub const POSITIVE: &[&str] = &["urn:document:stat-report-protocol-v2-positive"];
    pub const NEGATIVE: &[&str] = &["urn:document:stat-report-protocol-v2-negative"];
    pub const PRECISE: &[&str] = &["urn:document:stat-report-protocol-v2-precise"];
    pub const REJECT: &[&str] = &["urn:document:stat-report-protocol-v2-reject"];
    pub const RESULTS: &[&str] = &[POSITIVE[0], NEGATIVE[0], PRECISE[0], REJECT[0]];
    pub const RECEIPT: &[&str] = &["urn:document:stat-report-receipt"];
}

/// Rosstat's report: receipt, then the protocol (positive, precise, negative or rejected).
const STAT_REPORT: Machine = {
    use Has::{Arrived, Due};
    use stat_report::*;
    Machine {
        applies: Applies::Type(crate::state::urns::STAT_REPORT),
        rules: &[
            rule(
                &[Arrived(POSITIVE), Due(RESULTS)],
                S::ResponseArrived,
                R::Successful,
            ),
            rule(&[Arrived(POSITIVE)], S::Finished, R::Successful),
            rule(
                &[Arrived(NEGATIVE), Due(RESULTS)],
                S::ResponseArrived,
                R::Failed,
            ),
            rule(&[Arrived(NEGATIVE)], S::Finished, R::Failed),
            rule(
                &[Arrived(PRECISE), Due(RESULTS)],
                S::ResponseArrived,
                R::Warning,
            ),
            rule(&[Arrived(PRECISE)], S::Finished, R::Warning),
            rule(
                &[Arrived(REJECT), Due(RESULTS)],
                S::ResponseArrived,
                R::Failed,
            ),
            rule(&[Arrived(REJECT)], S::Finished, R::Failed),
            rule(&[Arrived(RECEIPT)], S::Delivered, R::Neutral),
        ],
        otherwise: SENT_NEUTRAL,
    }
};

/// Incoming SEDO docflows from the Social Fund: `received` until the SFR delivers its document
/// (after a documents request), `response-arrived` while its read mark is due, then `finished`
/// (docs/scenarios/SFR/FSS/proactive_ algorithm.rst).
const SEDO_INCOMING: Machine = Machine {
    applies: Applies::IncomingPrefix("urn:docflow:fss-sedo-"),
    rules: &[
        rule(&[Has::Due(ANY)], S::ResponseArrived, R::Neutral),
        rule(&[Has::Arrived(ANY)], S::Finished, R::Successful),
    ],
    otherwise: None,
};

/// Every machine the sandbox runs.
pub const MACHINES: &[Machine] = &[
    FNS_REPORT,
    INVENTORY,
    BUSINESS_REGISTRATION,
    PFR_REPORT,
    LETTER,
    CU_LETTER,
    FNS_DEMAND,
    STAT_REPORT,
    SEDO_INCOMING,
];

/// The machine driving a docflow of this type, if any.
pub fn for_docflow(doc_type: &str, incoming: bool) -> Option<&'static Machine> {
    MACHINES.iter().find(|m| match m.applies {
        Applies::Type(t) => t == doc_type,
        Applies::IncomingPrefix(p) => incoming && doc_type.starts_with(p),
    })
}
