//! The tax service's report (`urn:docflow:fns534-report`): the receipt, then acceptance (КВ) or
//! refusal (УО), then the processing result (ИВ) or a precise notice (УУ); each result wants the
//! sender's receipt. Test inspections: 0087 accepts, 0088 rejects, 0085 answers precisely.

use crate::flows::kind::{Answer, Has::*, Kind, Rule, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const ERROR: &[&str] = &["urn:document:error"];
const RECEIPT: &[&str] = &["urn:document:fns534-report-receipt"];
const KV: &[&str] = &["urn:document:fns534-report-acceptance-result-positive"];
const UO: &[&str] = &["urn:document:fns534-report-acceptance-result-negative"];
const IV: &[&str] = &["urn:document:fns534-report-processing-result-ok"];
const UU: &[&str] = &["urn:document:fns534-report-processing-result-precise"];
/// A reply due on any result keeps the docflow `response-arrived`.
const RESULTS: &[&str] = &[KV[0], UO[0], IV[0], UU[0]];

pub const KIND: Kind = Kind {
    applies: crate::flows::kind::Applies::Type(crate::state::urns::FNS_REPORT),
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
    answers: ANSWERS,
    on_reply: &[],
    rules: RULES,
    otherwise: SENT_NEUTRAL,
};

/// The tax service's receipt (подтверждение даты отправки); also what a control unit without a
/// robot answers any docflow with.
pub const RECEIPT_ANSWER: Answer = Answer {
    doc_type: RECEIPT[0],
    prefix: "IZ",
    knd: "1166002",
    reply: None,
    transaction: "report-receipt",
};

const ANSWERS: &[(Step, Answer)] = &[
    (Step::Receipt, RECEIPT_ANSWER),
    (
        Step::Accepted,
        Answer {
            doc_type: KV[0],
            prefix: "KV",
            knd: "1166007",
            reply: Some("fns534-report-receipt"),
            transaction: "acceptance-result-positive",
        },
    ),
    (
        Step::Declined,
        Answer {
            doc_type: UO[0],
            prefix: "UO",
            knd: "1166009",
            reply: Some("fns534-report-receipt"),
            transaction: "acceptance-result-negative",
        },
    ),
    (
        Step::Processed,
        Answer {
            doc_type: IV[0],
            prefix: "IV",
            knd: "1166010",
            reply: Some("fns534-report-receipt"),
            transaction: "processing-result-ok",
        },
    ),
    (
        Step::Precise,
        Answer {
            doc_type: UU[0],
            prefix: "UU",
            knd: "1166014",
            reply: Some("fns534-report-receipt"),
            transaction: "processing-result-precise",
        },
    ),
];

const RULES: &[Rule] = &[
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
];
