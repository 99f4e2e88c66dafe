//! The Social Fund's report (`urn:docflow:sfr-report`: ЕФС-1, АДВ-1/2/3), as
//! docs/specification/статусы ДО.rst and типы документов.rst describe it: the acknowledgement
//! (УОД) makes it `delivered`; the check protocol (УППО; АДИ-РЕГ for АДВ) or the refinement
//! notice (УУОН-ПУ; АДИ-8) makes it `response-arrived`, and it is `finished` once the
//! acknowledgement of that result (`sfr-report-protocol-refinement-notice-receipt`) is sent; a
//! decline (УОПП) or an impossible delivery (УОНД) finishes it.
//!
//! No source gives the success states, nor whether the service or the subscriber sends the
//! acknowledgement of the result: the sandbox makes it the subscriber's reply (so an SDK that
//! sends due replies works either way) and calls the protocol `successful`, the refinement
//! notice `warning` and the decline `failed` (openapi/EVIDENCE.md, row SB-sfr-report).
//!
//! Test offices (the recipient's SFR code, or the `XXX-XXX` office part of the payer's ЕРН):
//! `000-088` declines the package, `000-085` answers with a refinement notice; any other accepts.

use crate::flows::kind::{Answer, Applies, Has::*, Kind, SENT_NEUTRAL, rule};
use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

const ACKNOWLEDGEMENT: &[&str] = &["urn:document:sfr-report-acknowledgement"];
const PROTOCOL: &[&str] = &["urn:document:sfr-report-protocol-check"];
const REFINEMENT: &[&str] = &["urn:document:sfr-report-protocol-refinement-notice"];
const DECLINE: &[&str] = &["urn:document:sfr-report-decline-notice"];
const UNDELIVERABLE: &[&str] = &["urn:document:sfr-report-impossible-delivery-notice"];
const RESULTS: &[&str] = &[PROTOCOL[0], REFINEMENT[0]];
/// The acknowledgement the subscriber sends of either result.
const RESULT_RECEIPT: &str = "sfr-report-protocol-refinement-notice-receipt";

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::SFR_REPORT_DOCFLOW),
    robots: &[
        (Some("000-088"), &[Step::Receipt, Step::Declined]),
        (Some("000-085"), &[Step::Receipt, Step::Precise]),
        (None, &[Step::Receipt, Step::Processed]),
    ],
    answers: &[
        (
            Step::Receipt,
            Answer {
                doc_type: ACKNOWLEDGEMENT[0],
                prefix: "UOD",
                knd: "",
                reply: None,
                transaction: "acknowledgement",
            },
        ),
        (
            Step::Processed,
            Answer {
                doc_type: PROTOCOL[0],
                prefix: "UPPO",
                knd: "",
                reply: Some(RESULT_RECEIPT),
                transaction: "protocol-check",
            },
        ),
        (
            Step::Precise,
            Answer {
                doc_type: REFINEMENT[0],
                prefix: "UUON",
                knd: "",
                reply: Some(RESULT_RECEIPT),
                transaction: "protocol-refinement-notice",
            },
        ),
        (
            Step::Declined,
            Answer {
                doc_type: DECLINE[0],
                prefix: "UOPP",
                knd: "",
                reply: None,
                transaction: "decline-notice",
            },
        ),
    ],
    on_reply: &[],
    rules: &[
        rule(&[Arrived(DECLINE)], S::Finished, R::Failed),
        rule(&[Arrived(UNDELIVERABLE)], S::Finished, R::Failed),
        rule(
            &[Arrived(PROTOCOL), Due(RESULTS)],
            S::ResponseArrived,
            R::Successful,
        ),
        rule(&[Arrived(PROTOCOL)], S::Finished, R::Successful),
        rule(
            &[Arrived(REFINEMENT), Due(RESULTS)],
            S::ResponseArrived,
            R::Warning,
        ),
        rule(&[Arrived(REFINEMENT)], S::Finished, R::Warning),
        rule(&[Arrived(ACKNOWLEDGEMENT)], S::Delivered, R::Neutral),
    ],
    otherwise: SENT_NEUTRAL,
};
