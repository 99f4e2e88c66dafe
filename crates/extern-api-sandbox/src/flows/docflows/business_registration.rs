//! Business registration (`urn:docflow:business-registration`): the receipt (расписка), then
//! registration or refusal; nothing to reply. 0088 refuses, others register.

use crate::flows::kind::{Answer, Applies, Has::*, Kind, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const RECEIPT: &str = "urn:document:business-registration-receipt";
const REGISTERED: &str = "urn:document:business-registration-registration-notice";
const DECLINED: &str = "urn:document:business-registration-decline-notice";

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::BUSINESS_REGISTRATION_DOCFLOW),
    robots: &[
        (Some("0088"), &[Step::Receipt, Step::Declined]),
        (None, &[Step::Receipt, Step::Processed]),
    ],
    answers: &[
        (
            Step::Receipt,
            Answer {
                doc_type: RECEIPT,
                prefix: "RS",
                knd: "1111061",
                reply: None,
                transaction: "receipt",
            },
        ),
        (
            Step::Processed,
            Answer {
                doc_type: REGISTERED,
                prefix: "RN",
                knd: "1111062",
                reply: None,
                transaction: "registration-notice",
            },
        ),
        (
            Step::Declined,
            Answer {
                doc_type: DECLINED,
                prefix: "RO",
                knd: "1111063",
                reply: None,
                transaction: "decline-notice",
            },
        ),
    ],
    on_reply: &[],
    rules: &[
        rule(&[Arrived(&[REGISTERED])], S::Finished, R::Successful),
        rule(&[Arrived(&[DECLINED])], S::Finished, R::Failed),
        rule(&[Arrived(&[RECEIPT])], S::ResponseArrived, R::Neutral),
    ],
    otherwise: SENT_NEUTRAL,
};
