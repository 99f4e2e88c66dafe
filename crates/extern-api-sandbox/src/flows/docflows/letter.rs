//! A letter to the inspection (`urn:docflow:fns534-letter`): its receipt. A letter has no final
//! state of its own: the answer comes as a new incoming letter.

use crate::flows::kind::{Answer, Applies, Has::*, Kind, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const RECEIPT: &str = "urn:document:fns534-letter-receipt";

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::LETTER_DOCFLOW),
    answers: &[(
        Step::Receipt,
        Answer {
            doc_type: RECEIPT,
            prefix: "IZ",
            knd: "1166002",
            reply: None,
            transaction: "receipt",
        },
    )],
    rules: &[rule(&[Arrived(&[RECEIPT])], S::Delivered, R::Neutral)],
    otherwise: SENT_NEUTRAL,
    ..Kind::EMPTY
};
