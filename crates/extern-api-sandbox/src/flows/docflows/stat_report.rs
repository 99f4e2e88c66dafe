//! Rosstat's report (`urn:docflow:stat-report`): the receipt, then the protocol (positive,
//! precise, negative or rejected), which wants the sender's receipt. Test units: 00-87 accepts,
//! 00-88 rejects.

use crate::flows::kind::{Answer, Applies, Has::*, Kind, Rule, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const POSITIVE: &[&str] = &["urn:document:stat-report-protocol-v2-positive"];
const NEGATIVE: &[&str] = &["urn:document:stat-report-protocol-v2-negative"];
const PRECISE: &[&str] = &["urn:document:stat-report-protocol-v2-precise"];
const REJECT: &[&str] = &["urn:document:stat-report-protocol-v2-reject"];
const RESULTS: &[&str] = &[POSITIVE[0], NEGATIVE[0], PRECISE[0], REJECT[0]];
const RECEIPT: &[&str] = &["urn:document:stat-report-receipt"];

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::STAT_REPORT),
    robots: &[
        (Some("00-87"), &[Step::Receipt, Step::StatAccepted]),
        (Some("00-88"), &[Step::Receipt, Step::StatDeclined]),
    ],
    answers: &[
        (
            Step::Receipt,
            Answer {
                doc_type: RECEIPT[0],
                prefix: "IZ",
                knd: "",
                reply: None,
                transaction: "report-receipt",
            },
        ),
        (
            Step::StatAccepted,
            Answer {
                doc_type: POSITIVE[0],
                prefix: "PR",
                knd: "",
                reply: Some("stat-report-receipt"),
                transaction: "protocol-v2-success",
            },
        ),
        (
            Step::StatDeclined,
            Answer {
                doc_type: NEGATIVE[0],
                prefix: "PR",
                knd: "",
                reply: Some("stat-report-receipt"),
                transaction: "protocol-v2-fail",
            },
        ),
    ],
    on_reply: &[],
    rules: RULES,
    otherwise: SENT_NEUTRAL,
};

const RULES: &[Rule] = &[
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
];
