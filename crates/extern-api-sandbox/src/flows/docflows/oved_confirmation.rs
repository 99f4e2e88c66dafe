//! The confirmation of the main economic activity sent to the Social Fund over SEDO
//! (`urn:docflow:fss-sedo-oved-confirmation`, ПОВЭД), as docs/scenarios/SFR/poved.rst and
//! docs/specification «статусы ДО» describe it: the portal's reception result makes it
//! `delivered`; the result (уведомление об изменении статуса запроса), fetched with a documents
//! request, makes it `response-arrived` until the read receipt is sent, then `finished`; a SEDO
//! error finishes it. poved.rst: poll until `success-state` is successful — the sandbox makes the
//! result `successful` and an error `failed` (no source gives the states document by document).

use crate::flows::kind::{Answer, Applies, Has::*, Kind, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const RECEPTION: &[&str] = &["urn:document:fss-sedo-oved-confirmation-reception-result"];
const RESULT: &[&str] = &["urn:document:fss-sedo-oved-confirmation-result-document"];
const ERRORS: &[&str] = &[
    "urn:document:fss-sedo-oved-confirmation-exchange-error",
    "urn:document:fss-sedo-oved-confirmation-error-message",
];

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::OVED_CONFIRMATION_DOCFLOW),
    robots: &[(None, &[Step::Receipt])],
    answers: &[(
        Step::Receipt,
        Answer {
            doc_type: RECEPTION[0],
            prefix: "RR",
            knd: "",
            reply: None,
            transaction: "reception-result",
        },
    )],
    on_reply: &[],
    rules: &[
        rule(&[Arrived(ERRORS)], S::Finished, R::Failed),
        rule(&[Due(RESULT)], S::ResponseArrived, R::Successful),
        rule(&[Arrived(RESULT)], S::Finished, R::Successful),
        rule(&[Arrived(RECEPTION)], S::Delivered, R::Neutral),
    ],
    otherwise: SENT_NEUTRAL,
};
