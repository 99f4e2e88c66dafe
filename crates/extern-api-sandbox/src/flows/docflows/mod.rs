//! Every docflow type the sandbox drives, one declaration per file (see [`super::kind`]).

use super::kind::{Answer, Applies, Kind, OnReply};
use crate::state::Step;

mod business_registration;
mod cu_letter;
mod demand;
mod fns_report;
mod inventory;
mod letter;
mod oved_confirmation;
mod pfr_report;
mod sedo;
mod sedo_subscription;
mod sfr_report;
mod stat_report;

/// Every declared docflow type.
pub const KINDS: &[Kind] = &[
    fns_report::KIND,
    stat_report::KIND,
    inventory::KIND,
    business_registration::KIND,
    pfr_report::KIND,
    letter::KIND,
    cu_letter::KIND,
    demand::KIND,
    sedo::KIND,
    sfr_report::KIND,
    oved_confirmation::KIND,
    sedo_subscription::KIND,
];

/// The declaration of a docflow of this type, if any.
pub fn kind(doc_type: &str, incoming: bool) -> Option<&'static Kind> {
    KINDS.iter().find(|k| match k.applies {
        Applies::Type(t) => t == doc_type,
        Applies::IncomingPrefix(p) => incoming && doc_type.starts_with(p),
    })
}

/// A sent docflow's declaration (sent docflows are never incoming).
fn sent(doc_type: &str) -> Option<&'static Kind> {
    kind(doc_type, false)
}

/// The steps the robot of control unit `cu` answers a sent docflow of `doc_type` with; a
/// control unit without a robot only delivers (a real inspection takes days to answer): the
/// receipt.
pub fn steps(doc_type: &str, cu: &str) -> &'static [Step] {
    sent(doc_type)
        .and_then(|k| {
            k.robots
                .iter()
                .find(|(unit, _)| unit.is_none_or(|u| u == cu))
                .map(|(_, steps)| *steps)
        })
        .unwrap_or(&[Step::Receipt])
}

/// The document a step brings to a docflow of `doc_type`. A type that does not declare the step
/// gets the tax service's receipt, as a control unit without a robot gives.
pub fn answer(doc_type: &str, incoming: bool, step: Step) -> Answer {
    kind(doc_type, incoming)
        .and_then(|k| k.answers.iter().find(|(s, _)| *s == step))
        .map(|(_, a)| *a)
        .unwrap_or(fns_report::RECEIPT_ANSWER)
}

/// What the sender's reply `reply_type` does to a docflow of `doc_type`, if declared.
pub fn on_reply(doc_type: &str, incoming: bool, reply_type: &str) -> Option<&'static OnReply> {
    kind(doc_type, incoming)?
        .on_reply
        .iter()
        .find(|r| r.reply == reply_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::urns::{FNS_DEMAND, FNS_REPORT, INVENTORY_DOCFLOW, STAT_REPORT};

    #[test]
    fn test_units_answer_as_the_vendor_documents() {
        assert_eq!(
            steps(FNS_REPORT, "0087"),
            [Step::Receipt, Step::Accepted, Step::Processed]
        );
        assert_eq!(steps(FNS_REPORT, "0088"), [Step::Receipt, Step::Declined]);
        assert_eq!(steps(FNS_REPORT, "0001"), [Step::Receipt]);
        assert_eq!(
            steps(INVENTORY_DOCFLOW, "0001"),
            [Step::Receipt, Step::Accepted]
        );
        assert_eq!(steps("urn:docflow:unknown", "0087"), [Step::Receipt]);
        assert_eq!(answer(STAT_REPORT, false, Step::Receipt).prefix, "IZ");
        assert_eq!(
            answer(STAT_REPORT, false, Step::StatAccepted).transaction,
            "protocol-v2-success"
        );
        assert_eq!(
            answer(FNS_DEMAND, true, Step::DemandResultReceipt).doc_type,
            crate::state::urns::RESULT_RECEIPT
        );
    }

    #[test]
    fn every_robot_step_has_its_answer() {
        for k in KINDS {
            let steps = k.robots.iter().flat_map(|(_, s)| s.iter());
            let replied = k.on_reply.iter().flat_map(|r| r.robot.iter());
            for step in steps.chain(replied) {
                assert!(
                    k.answers.iter().any(|(s, _)| s == step),
                    "{:?}: {step:?}",
                    k.applies
                );
            }
        }
    }
}
