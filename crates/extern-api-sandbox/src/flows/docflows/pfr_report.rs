//! The pension fund's report (`urn:docflow:pfr-report`, before 2023): the acknowledgement, then
//! the protocol, which wants the sender's receipt.

use crate::flows::kind::{Answer, Applies, Has::*, Kind, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const ACKNOWLEDGEMENT: &str = "urn:document:pfr-report-acknowledgement";
const PROTOCOL: &[&str] = &["urn:document:pfr-report-protocol"];

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::PFR_REPORT_DOCFLOW),
    robots: &[(None, &[Step::Receipt, Step::Processed])],
    answers: &[
        (
            Step::Receipt,
            Answer {
                doc_type: ACKNOWLEDGEMENT,
                prefix: "AK",
                knd: "",
                reply: None,
                transaction: "acknowledgement",
            },
        ),
        (
            Step::Processed,
            Answer {
                doc_type: PROTOCOL[0],
                prefix: "PR",
                knd: "",
                reply: Some("pfr-report-protocol-receipt"),
                transaction: "protocol",
            },
        ),
    ],
    on_reply: &[],
    rules: &[
        rule(
            &[Arrived(PROTOCOL), Due(PROTOCOL)],
            S::ResponseArrived,
            R::Successful,
        ),
        rule(&[Arrived(PROTOCOL)], S::Finished, R::Successful),
        rule(&[Arrived(&[ACKNOWLEDGEMENT])], S::Delivered, R::Neutral),
    ],
    otherwise: SENT_NEUTRAL,
};
