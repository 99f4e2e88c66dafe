//! The inspection's demand (`urn:docflow:fns534-demand`), incoming: the subscriber's receipt,
//! then its acceptance or decline, then the inspection's receipt of that result.

use crate::flows::kind::{Answer, Applies, Has::*, Kind, OnReply, rule};
use crate::state::Step;
use crate::state::urns::{ACCEPT, DECLINE, RECEIPT, RESULT_RECEIPT};
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const SENT_RECEIPT: &str = "urn:document:fns534-demand-receipt";
const SENT_ACCEPT: &str = "urn:document:fns534-demand-acceptance-result-positive";
const SENT_DECLINE: &str = "urn:document:fns534-demand-acceptance-result-negative";

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::FNS_DEMAND),
    robots: &[],
    answers: &[(
        Step::DemandResultReceipt,
        Answer {
            doc_type: RESULT_RECEIPT,
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "receiption-result-cu",
        },
    )],
    on_reply: &[
        OnReply {
            reply: RECEIPT,
            then_due: &[ACCEPT, DECLINE],
            robot: &[],
            transaction: "receipt-abonent",
        },
        OnReply {
            reply: ACCEPT,
            then_due: &[],
            robot: &[Step::DemandResultReceipt],
            transaction: "receiption-result-abonent-positive",
        },
        OnReply {
            reply: DECLINE,
            then_due: &[],
            robot: &[Step::DemandResultReceipt],
            transaction: "receiption-result-abonent-negative",
        },
    ],
    rules: &[
        rule(
            &[Arrived(&[RESULT_RECEIPT]), Sent(SENT_ACCEPT)],
            S::Finished,
            R::Successful,
        ),
        rule(
            &[Arrived(&[RESULT_RECEIPT]), Sent(SENT_DECLINE)],
            S::Finished,
            R::Failed,
        ),
        rule(&[Arrived(&[RESULT_RECEIPT])], S::Finished, R::Neutral),
        rule(&[Sent(SENT_ACCEPT)], S::Processed, R::Successful),
        rule(&[Sent(SENT_DECLINE)], S::Processed, R::Failed),
        rule(&[Sent(SENT_RECEIPT)], S::Arrived, R::Neutral),
    ],
    otherwise: Some((S::Received, R::Neutral)),
};

#[test]
fn sent_types_are_the_replies() {
    for (sent, reply) in [
        (SENT_RECEIPT, RECEIPT),
        (SENT_ACCEPT, ACCEPT),
        (SENT_DECLINE, DECLINE),
    ] {
        assert_eq!(sent, format!("urn:document:{reply}"));
    }
}
