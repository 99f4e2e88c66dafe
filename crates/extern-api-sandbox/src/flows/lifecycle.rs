//! The lifecycle engine: runs the declarations of [`super::docflows`]. A docflow's `status` and
//! `success-state` follow from the documents that have arrived, those sent, and the replies
//! still due; a sender's reply makes further replies due or sets the robot going.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::docflows;
use super::kind::Has;
use super::robots;
use crate::state::config::RobotTimings;
use crate::state::{Docflow, Origin};

/// Recomputes `status` and `success-state`; returns whether either changed.
pub fn recompute(d: &mut Docflow) -> bool {
    let Some(machine) = docflows::kind(&d.doc_type, d.incoming) else {
        return false;
    };
    let before = (d.status, d.success_state);
    // Each document read once: (origin, type, a reply is due).
    let documents: Vec<_> = d
        .documents
        .iter()
        .map(|x| (x.origin, x.doc_type.to_string(), !x.replies_due.is_empty()))
        .collect();
    let state = machine
        .rules
        .iter()
        .find(|rule| rule.when.iter().all(|fact| holds(&documents, *fact)))
        .map(|rule| (rule.status, rule.success))
        .or(machine.otherwise)
        .unwrap_or(before);
    (d.status, d.success_state) = state;
    before != state
}

/// Whether a fact holds of the docflow's documents.
fn holds(documents: &[(Origin, String, bool)], fact: Has) -> bool {
    let of = |types: &[&str], t: &str| types.is_empty() || types.contains(&t);
    documents.iter().any(|(origin, t, due)| match fact {
        Has::Arrived(types) => *origin == Origin::Authority && of(types, t),
        Has::Due(types) => *origin == Origin::Authority && of(types, t) && *due,
        Has::Sent(sent) => *origin == Origin::Sender && t == sent,
    })
}

/// What the sender's reply `reply_type` to document `answered` does, as the docflow's type
/// declares: the replies then due, the robot's answers set going. Returns the event's
/// transaction.
pub fn after_reply(
    queue: &mut BTreeSet<(DateTime<Utc>, Uuid)>,
    timings: &RobotTimings,
    docflow: &mut Docflow,
    answered: Uuid,
    reply_type: &str,
    now: DateTime<Utc>,
) -> &'static str {
    let Some(on) = docflows::on_reply(&docflow.doc_type, docflow.incoming, reply_type) else {
        return "receipt-abonent";
    };
    if !on.then_due.is_empty() {
        docflow.documents.update(answered, |d| {
            d.replies_due = on.then_due.iter().map(|t| (*t).into()).collect();
        });
    }
    if !on.robot.is_empty() {
        let robot = robots::plan_steps(on.robot, now, timings);
        robots::schedule_on(queue, docflow, robot);
    }
    on.transaction
}
