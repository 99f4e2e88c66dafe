//! An inventory of documents answering a demand (`urn:docflow:fns534-inventory`): the receipt,
//! then acceptance or refusal, which wants the sender's receipt. 0088 rejects, others accept.

use crate::flows::kind::{Answer, Applies, Has::*, Kind, Rule, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const RECEIPT: &[&str] = &["urn:document:fns534-inventory-receipt"];
const KV: &[&str] = &["urn:document:fns534-inventory-acceptance-result-positive"];
const UO: &[&str] = &["urn:document:fns534-inventory-acceptance-result-negative"];
const RESULTS: &[&str] = &[KV[0], UO[0]];

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::INVENTORY_DOCFLOW),
    robots: &[
        (Some("0088"), &[Step::Receipt, Step::Declined]),
        (None, &[Step::Receipt, Step::Accepted]),
    ],
    answers: &[
        (
            Step::Receipt,
            Answer {
                doc_type: RECEIPT[0],
                prefix: "IZ",
                knd: "1166002",
                reply: None,
                transaction: "receipt",
            },
        ),
        (
            Step::Accepted,
            Answer {
                doc_type: KV[0],
                prefix: "KV",
                knd: "1166007",
                reply: Some("fns534-inventory-receipt"),
                transaction: "acceptance-result-positive",
            },
        ),
        (
            Step::Declined,
            Answer {
                doc_type: UO[0],
                prefix: "UO",
                knd: "1166009",
                reply: Some("fns534-inventory-receipt"),
                transaction: "acceptance-result-negative",
            },
        ),
    ],
    on_reply: &[],
    rules: RULES,
    otherwise: SENT_NEUTRAL,
};

const RULES: &[Rule] = &[
    rule(&[Arrived(UO), Due(RESULTS)], S::ResponseArrived, R::Failed),
    rule(&[Arrived(UO)], S::Finished, R::Failed),
    rule(
        &[Arrived(KV), Due(RESULTS)],
        S::ResponseArrived,
        R::Successful,
    ),
    rule(&[Arrived(KV)], S::Finished, R::Successful),
    rule(&[Arrived(RECEIPT)], S::Delivered, R::Neutral),
];
