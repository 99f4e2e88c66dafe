//! Long operations on drafts — check, prepare, send — as the vendor runs them: only deferred,
//! as a task that stays `running` for a while, locks the draft, and ends `succeed` or `failed`.
//! A send whose check finds errors ends `succeed` with an error object as its result: the
//! vendor's quirk, reproduced on purpose.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::api::docflows;
use crate::check::{self, CheckOutcome};
use crate::http::error::{ApiError, ApiResult, current_trace_id};
use crate::http::extract::{Deferred, Path, Query};
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::Task;
use crate::state::vocabulary::{DraftStatus, TaskState};
use crate::views::{busy, draft_path, render_task};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Check,
    Prepare,
    Send,
}

impl Operation {
    fn task_type(self) -> &'static str {
        match self {
            Self::Check => "urn:task-type:check",
            Self::Prepare => "urn:task-type:prepare",
            Self::Send => "urn:task-type:send",
        }
    }

    fn running_status(self) -> DraftStatus {
        match self {
            Self::Check => DraftStatus::CheckInProgress,
            Self::Prepare => DraftStatus::PrepareInProgress,
            Self::Send => DraftStatus::SendInProgress,
        }
    }
}

async fn start(
    shared: Arc<Shared>,
    account: Uuid,
    draft_id: Uuid,
    q: Deferred,
    op: Operation,
) -> ApiResult<Response> {
    q.require()?;
    q.force()?;
    let task = {
        let mut store = shared.lock();
        let draft = store
            .drafts
            .get_mut(&draft_id)
            .filter(|d| d.account_id == account)
            .ok_or_else(|| ApiError::not_found("draft"))?;
        if let Some(task) = draft.busy_task {
            return Err(busy(&store, task));
        }
        if draft.status == DraftStatus::Sent {
            return Err(ApiError::bad_request(
                "draftAlreadySent",
                "the draft has already been sent; a draft is sent once",
            )
            .with("context", json!({ "docflow-id": draft.docflow_id })));
        }
        let task = Task {
            id: Uuid::new_v4(),
            account_id: account,
            owner: draft_id,
            kind: op.task_type(),
            state: TaskState::Running,
            result: None,
            error: None,
            progress: None,
        };
        draft.busy_task = Some(task.id);
        draft.status = op.running_status();
        store.tasks.insert(task.id, task.clone());
        task
    };
    let trace = current_trace_id();
    tokio::spawn(
        crate::http::error::TRACE_ID.scope(trace, run(shared.clone(), task.id, draft_id, op)),
    );
    // docs/FNS/report/send_report.rst: "Ответ POST Check / Prepare / Send" is `HTTP/1.1 200 OK`
    // (the older forms: 202).
    let status = if shared.config.older_forms {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(render_task(&task))).into_response())
}

/// Takes up the tasks a stopped sandbox left running (a data directory's, see
/// `state::persist`): they run again from their start, as if just begun.
pub fn resume(shared: &Arc<Shared>) {
    let running: Vec<Task> = shared
        .lock()
        .tasks
        .values()
        .filter(|t| t.state == TaskState::Running)
        .cloned()
        .collect();
    for task in running {
        let draft_op = [Operation::Check, Operation::Prepare, Operation::Send]
            .into_iter()
            .find(|op| op.task_type() == task.kind);
        let shared = shared.clone();
        match (draft_op, task.kind) {
            (Some(op), _) => {
                tokio::spawn(run(shared, task.id, task.owner, op));
            }
            (None, crate::api::builders::BUILD_TASK) => {
                tokio::spawn(crate::api::builders::build_task(
                    shared,
                    task.account_id,
                    task.owner,
                    task.id,
                ));
            }
            (None, crate::api::builder_extras::PREPARE_TASK) => {
                tokio::spawn(crate::api::builder_extras::prepare_task(
                    shared, task.owner, task.id,
                ));
            }
            // Cloud operations wait for their confirmation, which is kept.
            _ => {}
        }
    }
}

/// The task itself: wait the configured time, check off the async workers, then record the result.
async fn run(shared: Arc<Shared>, task_id: Uuid, draft_id: Uuid, op: Operation) {
    tokio::time::sleep(shared.config.task_delay()).await;
    let snapshot = {
        let store = shared.lock();
        let Some(draft) = store.drafts.get(&draft_id).cloned() else {
            return;
        };
        let contents = draft
            .documents
            .iter()
            .filter_map(|d| d.content_id)
            .filter_map(|id| store.contents.get(&id).map(|c| (id, c.clone())))
            .collect();
        let warrant = crate::check::warrant::lookup(&store, &draft);
        (draft, contents, warrant)
    };
    let checker = shared.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let (draft, contents, warrant) = snapshot;
        check::check(
            &checker.ca,
            &draft,
            &contents,
            &warrant,
            checker.clock.now(),
        )
    })
    .await
    .unwrap_or_else(|_| {
        let mut o = CheckOutcome::default();
        o.common.push(check::CheckError {
            description: "internal error while checking".into(),
            source: "".into(),
            kind: "Common",
            warning: false,
        });
        o
    });
    let now = shared.clock.now();
    let mut store = shared.lock();
    let Some(mut draft) = store.drafts.get(&draft_id).cloned() else {
        return;
    };
    draft.busy_task = None;
    apply_xml_signing(&shared, &mut store, &mut draft, &outcome, op);
    let (result, status) = match op {
        Operation::Check => (json!({ "data": outcome.data_json() }), DraftStatus::Checked),
        Operation::Prepare => {
            let status = prepare_status(&outcome);
            // As send_report.rst's prepare result shows it (the caller adds `deferred=true`).
            let next = shared.url(&format!(
                "{}/send?force=false",
                draft_path(draft.account_id, draft.id)
            ));
            let result = json!({ "check-result": outcome.data_json(), "status": status, "links": [{ "rel": "next", "href": next }] });
            (
                result,
                if outcome.has_errors() {
                    DraftStatus::Checked
                } else {
                    DraftStatus::ReadyToSend
                },
            )
        }
        Operation::Send if outcome.has_errors() => {
            let error = ApiError::bad_request(
                "checkProtocolHasErrors",
                "the draft has check errors and was not sent",
            )
            .with("status", json!("check-protocol-has-errors"))
            .with("check-result", outcome.data_json());
            (error.body(), DraftStatus::Checked)
        }
        Operation::Send => match docflows::create_from_draft(&shared, &mut store, &draft, now) {
            Ok(docflow_id) => {
                draft.docflow_id = Some(docflow_id);
                let docflow = &store.docflows[&docflow_id];
                (
                    crate::views::render_docflow(&shared, docflow, true),
                    DraftStatus::Sent,
                )
            }
            Err(e) => {
                if let Some(task) = store.tasks.get_mut(&task_id) {
                    task.state = TaskState::Failed;
                    task.error = Some(e.body());
                }
                draft.status = DraftStatus::Checked;
                store.drafts.insert(draft_id, draft);
                return;
            }
        },
    };
    draft.status = status;
    store.drafts.insert(draft_id, draft);
    if let Some(task) = store.tasks.get_mut(&task_id) {
        task.state = TaskState::Succeed;
        task.result = Some(result);
    }
}

/// What the check did for Social Fund reports: the `data-to-sign` prepared for the ones that
/// came unsigned is kept (`data-to-sign-content-id`); at prepare and send, the reports the
/// service signed from the subscriber's raw signature replace the uploaded ones.
fn apply_xml_signing(
    shared: &Shared,
    store: &mut crate::state::Store,
    draft: &mut crate::state::Draft,
    outcome: &CheckOutcome,
    op: Operation,
) {
    for (id, (prepared, certificate)) in &outcome.xml_prepared {
        let content = shared.put_content(store, draft.account_id, &prepared.canonical);
        if let Some(doc) = draft.documents.iter_mut().find(|d| d.id == *id) {
            doc.xml_signing = Some(crate::state::XmlSigning {
                data_to_sign_content_id: content,
                signed_info: prepared.signed_info.clone(),
                certificate: certificate.clone(),
                signature: None,
            });
        }
    }
    if matches!(op, Operation::Prepare | Operation::Send) && !outcome.has_errors() {
        for (id, signed) in &outcome.xml_signed {
            let content = shared.put_content(store, draft.account_id, signed);
            if let Some(doc) = draft.documents.iter_mut().find(|d| d.id == *id) {
                doc.content_id = Some(content);
                doc.xml_signing = None;
            }
        }
    }
}

fn prepare_status(outcome: &CheckOutcome) -> &'static str {
    if outcome.has_errors() {
        "check-protocol-has-errors"
    } else if outcome.has_warnings() {
        "check-protocol-has-only-warnings"
    } else {
        "ok"
    }
}

/// `POST …/drafts/{draftId}/check?deferred=true`
pub async fn check(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    Query(q): Query<Deferred>,
) -> ApiResult<Response> {
    start(shared, account, id, q, Operation::Check).await
}

/// `POST …/drafts/{draftId}/prepare?deferred=true`
pub async fn prepare(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    Query(q): Query<Deferred>,
) -> ApiResult<Response> {
    start(shared, account, id, q, Operation::Prepare).await
}

/// `POST …/drafts/{draftId}/send?deferred=true`
pub async fn send(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    Query(q): Query<Deferred>,
) -> ApiResult<Response> {
    start(shared, account, id, q, Operation::Send).await
}

/// `GET …/drafts/{draftId}/tasks/{apiTaskId}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, owner, id)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    crate::api::cloud::expire(&mut store, shared.clock.now());
    let task = store
        .tasks
        .get(&id)
        .filter(|t| t.account_id == account && t.owner == owner)
        .ok_or_else(|| ApiError::not_found("task"))?;
    Ok(Json(render_task(task)))
}

/// `GET …/drafts/{draftId}/tasks`
pub async fn list(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, owner)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    if store
        .drafts
        .get(&owner)
        .is_none_or(|d| d.account_id != account)
    {
        return Err(ApiError::not_found("draft"));
    }
    let items: Vec<Value> = store
        .tasks
        .values()
        .filter(|t| t.account_id == account && t.owner == owner)
        .map(|t| {
            let href = shared.url(&format!("{}/tasks/{}", draft_path(account, owner), t.id));
            json!({ "id": t.id, "task-state": t.state.as_str(), "task-type": t.kind, "task-result-link": { "rel": "task", "href": href } })
        })
        .collect();
    Ok(Json(
        json!({ "skip": 0, "take": items.len(), "total-count": items.len(), "api-task-page-items": items }),
    ))
}
