//! Runs the docflow state machines of [`super::machines`]: a docflow's `status` and
//! `success-state` follow from the documents that have arrived, those sent, and the replies
//! still due.

use super::machines::{self, Has};
use crate::state::{Docflow, Origin};

/// Recomputes `status` and `success-state`; returns whether either changed.
pub fn recompute(d: &mut Docflow) -> bool {
    let Some(machine) = machines::for_docflow(&d.doc_type, d.incoming) else {
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
