//! The test robots of the vendor's test site: inspection 0087 accepts everything (receipt →
//! acceptance → processing result), 0088 rejects, 0085 answers with a precise notice; Rosstat
//! 00-87 accepts and 00-88 rejects. Steps fall due on the sandbox clock.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::flows::{docflows, lifecycle};
use crate::formats::own_documents::robot_document;
use crate::state::Shared;
use crate::state::config::RobotTimings;
use crate::state::derived::{self, Variant};
use crate::state::{Docflow, DocflowDocument, Made, Origin, OwnSigner, Store};
use crate::state::{Robot, Step};

/// What the robot of `cu` will answer to a docflow sent at `sent`. Control units without a robot
/// only deliver (a real inspection takes days to answer).
pub fn plan(docflow_type: &str, cu: &str, sent: DateTime<Utc>, t: &RobotTimings) -> Robot {
    plan_steps(docflows::steps(docflow_type, cu), sent, t)
}

/// The robot answering with `answers` from `from` on, each after its step's wait.
pub fn plan_steps(answers: &[Step], from: DateTime<Utc>, t: &RobotTimings) -> Robot {
    let mut at = from;
    let steps = answers
        .iter()
        .map(|step| {
            let wait = match step {
                Step::Receipt => t.receipt_ms,
                Step::Accepted | Step::Declined | Step::StatAccepted | Step::StatDeclined => {
                    t.acceptance_ms
                }
                Step::Processed | Step::Precise => t.processing_ms,
                Step::DemandResultReceipt => t.acceptance_ms,
            };
            at += Duration::milliseconds(wait as i64);
            (at, *step)
        })
        .collect();
    Robot { steps }
}

/// Schedules the robot of the docflow `docflow_id` (kept in the store).
pub fn schedule(store: &mut Store, docflow_id: Uuid, robot: Robot) {
    if let Some(d) = store.docflows.get_mut(&docflow_id) {
        schedule_on(&mut store.robot_queue, d, robot);
    }
}

/// Schedules `docflow`'s robot, the docflow being changed outside the store (it goes back in
/// after): the one way, with [`schedule`], that robot work is queued.
pub fn schedule_on(
    queue: &mut BTreeSet<(DateTime<Utc>, Uuid)>,
    docflow: &mut Docflow,
    robot: Robot,
) {
    if let Some((at, _)) = robot.steps.front() {
        queue.insert((*at, docflow.id));
    }
    docflow.robot = Some(Box::new(robot));
}

/// Applies every robot step due at `now`.
pub fn run_due(shared: &Shared, store: &mut Store, now: DateTime<Utc>) {
    while let Some(&(at, id)) = store.robot_queue.first() {
        if at > now {
            break;
        }
        store.robot_queue.pop_first();
        let Some(mut docflow) = store.docflows.remove(&id) else {
            continue;
        };
        while let Some(&(due, step)) = docflow.robot.as_ref().and_then(|r| r.steps.front()) {
            if due > now {
                store.robot_queue.insert((due, id));
                break;
            }
            docflow.robot.as_mut().map(|r| r.steps.pop_front());
            if docflow.robot.as_ref().is_some_and(|r| r.steps.is_empty()) {
                // Done: its emptied queue is not kept for a million finished docflows.
                docflow.robot = None;
            }
            let a = docflows::answer(&docflow.doc_type, docflow.incoming, step);
            let report_name = docflow
                .documents
                .first()
                .map(|d| d.filename.clone())
                .unwrap_or_default();
            let document_id = Uuid::new_v4();
            let filename = crate::formats::own_documents::robot_filename(
                a.prefix,
                &report_name,
                due,
                document_id,
            );
            // Made again on each read (see `Made`): only its size and envelope are worked out now.
            let index = docflow.documents.len();
            let content_id = derived::content_id(docflow.seq, index, Variant::Plain);
            let xml = robot_document(&filename, a.knd, &report_name, &docflow.cu, due);
            let sealed = crate::flows::sealing::seal(
                store,
                docflow.account_id,
                &docflow.inn,
                &filename,
                &xml,
                crate::formats::compression::Compression::of(shared.config.older_forms),
                Some(derived::content_id(docflow.seq, index, Variant::Sealed)),
            );
            docflow.documents.push(DocflowDocument {
                made: Made::Robot {
                    knd: crate::formats::serial::Term::of(a.knd),
                },
                id: document_id,
                origin: Origin::Authority,
                doc_type: a.doc_type.into(),
                filename,
                content_type: "application/xml",
                content_id,
                size: xml.len() as u64,
                signatures: Vec::new(),
                signed_by: Some(OwnSigner::Inspection),
                replies_due: a.reply.into_iter().map(Into::into).collect(),
                decrypted: sealed.is_none(),
                sealed,
                sent: due,
            });
            docflow.updated = due;
            lifecycle::recompute(&mut docflow);
            store.push_event(&docflow, a.transaction, due);
        }
        store.docflows.insert(id, docflow);
    }
}
