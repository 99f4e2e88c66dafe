//! The operator's SEDO subscription for an organization's registration number
//! (`urn:docflow:fss-sedo-provider-subscription`), as docs/scenarios/SFR/FSS/sedo-subscription.rst
//! and docs/specification «статусы ДО» (`rst-markup_subscription`) describe it: the answer to the
//! request makes it `delivered`, the subscription's result (or an error) `finished`, and a
//! successful subscription shows `success-state` successful. The vendor's test robot answers when
//! the draft's `recipient.fss-code` is `SEDO-TEST`; any other office only answers the request
//! (a real SFR takes its time).

use crate::flows::kind::{Answer, Applies, Has::*, Kind, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const RECEIPT: &[&str] = &["urn:document:fss-sedo-provider-subscription-receipt"];
const RESULT: &[&str] = &["urn:document:fss-sedo-provider-subscription-subscribe-result"];
const ERRORS: &[&str] = &[
    "urn:document:fss-sedo-provider-subscription-error-message",
    "urn:document:fss-sedo-provider-subscription-exchange-error",
];

pub const KIND: Kind = Kind {
    applies: Applies::Type("urn:docflow:fss-sedo-provider-subscription"),
    robots: &[
        (Some("SEDO-TEST"), &[Step::Receipt, Step::Processed]),
        (None, &[Step::Receipt]),
    ],
    answers: &[
        (
            Step::Receipt,
            Answer {
                doc_type: RECEIPT[0],
                prefix: "RC",
                knd: "",
                reply: None,
                transaction: "receipt",
            },
        ),
        (
            Step::Processed,
            Answer {
                doc_type: RESULT[0],
                prefix: "SR",
                knd: "",
                reply: None,
                transaction: "subscribe-result",
            },
        ),
    ],
    on_reply: &[],
    rules: &[
        rule(&[Arrived(ERRORS)], S::Finished, R::Failed),
        rule(&[Arrived(RESULT)], S::Finished, R::Successful),
        rule(&[Arrived(RECEIPT)], S::Delivered, R::Neutral),
    ],
    otherwise: SENT_NEUTRAL,
};
