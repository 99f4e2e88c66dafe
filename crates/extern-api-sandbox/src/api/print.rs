//! Printing a docflow document: `POST …/docflows/{docflowId}/documents/{documentId}/print?deferred=true`
//! `{content-id}` answers 200 with a `urn:task-type:docflowPrint` task whose result is the
//! `content-id` of a PDF (skbkontur/extern-api-docs docs/scenarios/device_api/print.rst).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Deferred, Path, Query};
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::vocabulary::TaskState;
use crate::state::{Store, Task};

/// The body: the decrypted content to print (the document's own when absent).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PrintRequest {
    #[serde(default)]
    content_id: Option<Uuid>,
}

pub async fn docflow_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, document)): Path<(Uuid, Uuid, Uuid)>,
    Query(q): Query<Deferred>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    q.require()?;
    let body: PrintRequest = if body.iter().all(u8::is_ascii_whitespace) {
        PrintRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request("invalidRequest", e.to_string()))?
    };
    let mut store = shared.lock();
    let flow = store
        .docflows
        .get(&docflow)
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("docflow"))?;
    let (inn, kpp, cu) = (flow.inn.clone(), flow.kpp.clone(), flow.cu.clone());
    let (filename, doc_type, own) = flow
        .documents
        .iter()
        .find(|d| d.id == document)
        .map(|d| (d.filename.clone(), d.doc_type.to_string(), d.content_id))
        .ok_or_else(|| ApiError::not_found("document"))?;
    let printed = body.content_id.unwrap_or(own);
    if !shared
        .content(&store, printed)
        .is_some_and(|c| c.account_id == account && c.is_complete())
    {
        return Err(ApiError::bad_request(
            "contentNotFound",
            format!("content {printed} does not exist or is incomplete"),
        ));
    }
    Ok(Json(start(
        shared.as_ref(),
        &mut store,
        account,
        document,
        "urn:task-type:docflowPrint",
        &[
            ("Document type", doc_type),
            ("File name", filename),
            ("Docflow", docflow.to_string()),
            ("Document", document.to_string()),
            ("INN", inn),
            ("KPP", kpp),
            ("Recipient", cu),
        ],
    )))
}

/// Prints the document's key `fields` as a PDF in the contents service, one `label: value` a line
/// under a heading (empty values left out), and records the print task of `kind`, owned by the
/// printed document; answers the task as its start shows it (`running`, as print.rst's start
/// answer). The PDF is made at once: the task is over by the first poll.
pub(crate) fn start(
    shared: &Shared,
    store: &mut Store,
    account: Uuid,
    owner: Uuid,
    kind: &'static str,
    fields: &[(&str, String)],
) -> Value {
    let lines: Vec<String> = std::iter::once("Kontur.Extern sandbox: printed document".to_string())
        .chain(
            fields
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(label, value)| format!("{label}: {value}")),
        )
        .collect();
    let pdf = crate::formats::pdf::lines(&lines);
    let content_id = shared.put_content(store, account, &pdf);
    let task = Task {
        id: Uuid::new_v4(),
        account_id: account,
        owner,
        kind,
        state: TaskState::Succeed,
        result: Some(json!({ "content-id": content_id })),
        error: None,
        progress: None,
    };
    let started =
        json!({ "id": task.id, "task-state": TaskState::Running.as_str(), "task-type": task.kind });
    store.tasks.insert(task.id, task);
    started
}
