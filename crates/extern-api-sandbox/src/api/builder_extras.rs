//! The rest of the drafts builder API: the builder upsert, preparing the documents ahead of the
//! build, a file generated from a JSON contract, and the deprecated file content getter.
//!
//! Vendor sources: skbkontur/extern-api-docs docs/builder/методы билдера.rst (PUT
//! UpdateDraftsBuilder, GET GetDraftsBuilderDocumentFileContent), the C# SDK's
//! DraftsBuilderClient.cs (`documents/prepare`, `files/generate?version=`) and the Java SDK's
//! RetrofitCommonDraftsBuilderDocumentFilesApi.java (`…/files/{fileId}/content`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::api::builders::{self, Kind, MAX_LETTER_BYTES, SCAN_EXTENSIONS};
use crate::api::draft_extras::{read_limited, spooled_content};
use crate::formats::wire::DraftsBuilderMeta;
use crate::http::error::{ApiError, ApiResult, current_trace_id};
use crate::http::extract::{JsonBody, Path, Query};
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::vocabulary::TaskState;
use crate::state::{Builder, BuilderFile};
use crate::state::{Store, Task};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The task type of a documents preparation. Our name: the vendor's material names none (the
/// C# SDK reads the task as `ApiTaskResult<DraftsBuilderPrepareDocumentsResult>` only).
pub(crate) const PREPARE_TASK: &str = "urn:task-type:draftsBuilderDocumentsPrepare";

pub fn routes() -> Router<Arc<Shared>> {
    let b = "/v1/{account}/drafts/builders/{builder}";
    let bd = "/v1/{account}/drafts/builders/{builder}/documents/{document}";
    Router::new()
        .route(b, put(put_builder))
        .route(&format!("{b}/documents/prepare"), post(prepare_documents))
        .route(&format!("{bd}/files/generate"), post(generate_file))
        .route(&format!("{bd}/files/{{file}}/content"), get(file_content))
}

/// `PUT /v1/{accountId}/drafts/builders/{draftsBuilderId}`: "Метод обновляет DraftsBuilder и его
/// метаинформацию на переданные в запросе. Если DraftsBuilder с переданным draftsBuilderId не
/// найден, метод создаст его" (методы билдера.rst, PUT UpdateDraftsBuilder); answers the builder.
/// The meta is checked as on create; as `PUT …/meta` does, a builder that is building or built
/// refuses (409) and the builder type does not change (400).
///
/// Our assumption: an id that names another account's builder is refused with 409.
pub async fn put_builder(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    JsonBody(meta): JsonBody<DraftsBuilderMeta>,
) -> ApiResult<Json<Value>> {
    builders::validate_meta(&meta)?;
    let mut store = shared.lock();
    match store.builders.get(&id).map(|b| b.account_id) {
        Some(owner) if owner != account => Err(ApiError::conflict(
            "draftsBuilderIdIsTaken",
            "the id names a drafts builder of another account",
        )),
        Some(_) => {
            let b = builders::editable(&mut store, account, id)?;
            if meta.builder_type != b.meta.builder_type {
                return Err(ApiError::bad_request(
                    "invalidDraftsBuilderMeta",
                    "builder-type cannot change",
                ));
            }
            b.meta = meta;
            Ok(Json(builders::render(&shared, b)))
        }
        None => {
            let b = Builder {
                id,
                account_id: account,
                meta,
                status: "new",
                documents: Vec::new(),
            };
            let body = builders::render(&shared, &b);
            store.builders.insert(id, b);
            Ok(Json(body))
        }
    }
}

/// The documents the build would refuse, with why: the build's own per-document rules
/// (builders.rs, `run_build`: a document without files, a scan that is not jpg/png/pdf/tif, a file
/// without content, a letter file over 5 MB).
fn problems(store: &Store, b: &Builder) -> Vec<Value> {
    let kind = Kind::of(&b.meta.builder_type).ok();
    let mut errors = Vec::new();
    for d in &b.documents {
        let scanned = kind == Some(Kind::Inventory)
            && d.builder_data.get("type").and_then(Value::as_str) == Some("scanned");
        let mut problem = d
            .files
            .is_empty()
            .then(|| "the document has no files".to_string());
        for f in &d.files {
            let ext = f
                .file_name
                .rsplit('.')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let size = f
                .content_id
                .and_then(|c| store.contents.get(&c))
                .and_then(|c| c.total);
            if scanned && !SCAN_EXTENSIONS.contains(&ext.as_str()) {
                problem = Some(format!(
                    "{}: a scan must be {}",
                    f.file_name,
                    SCAN_EXTENSIONS.join(", ")
                ));
            } else if size.is_none() {
                problem = Some(format!("{}: the file has no content", f.file_name));
            } else if kind == Some(Kind::Letter) && size > Some(MAX_LETTER_BYTES) {
                problem = Some(format!(
                    "{}: a letter file may be at most 5 MB",
                    f.file_name
                ));
            }
        }
        if let Some(message) = problem {
            errors.push(json!({ "document-id": d.id, "error-message": message }));
        }
    }
    errors
}

/// `POST …/builders/{draftsBuilderId}/documents/prepare`: a task that prepares every document of
/// the builder ahead of the build (the C# SDK's StartPrepareDocumentsAsync; its result
/// DraftsBuilderPrepareDocumentsResult `{error-drafts-builder-documents}`; polled at
/// `…/builders/{id}/tasks/{taskId}`, GetPrepareDocumentsTaskAsync). 202 with the task, as the
/// build answers; a builder that is building or built refuses (409), as for every change.
///
/// Our assumption: preparing means judging each document as the build will, so the result lists
/// the documents the build would leave out; the builder itself does not change.
pub async fn prepare_documents(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let task = {
        let mut store = shared.lock();
        builders::editable(&mut store, account, id)?;
        let task = Task {
            id: Uuid::new_v4(),
            account_id: account,
            owner: id,
            kind: PREPARE_TASK,
            state: TaskState::Running,
            result: None,
            error: None,
            progress: None,
        };
        store.tasks.insert(task.id, task.clone());
        task
    };
    tokio::spawn(crate::http::error::TRACE_ID.scope(
        current_trace_id(),
        prepare_task(shared.clone(), id, task.id),
    ));
    Ok((StatusCode::ACCEPTED, Json(crate::views::render_task(&task))).into_response())
}

/// The prepare task: waits the configured time, then lists the builder's problems (also
/// resumed by a restarted sandbox, see [`crate::api::tasks::resume`]).
pub(crate) async fn prepare_task(shared: Arc<Shared>, id: Uuid, task: Uuid) {
    tokio::time::sleep(shared.config.task_delay()).await;
    let mut store = shared.lock();
    let outcome = store.builders.get(&id).map(|b| problems(&store, b));
    if let Some(t) = store.tasks.get_mut(&task) {
        match outcome {
            Some(errors) => {
                t.state = TaskState::Succeed;
                t.result = Some(json!({ "error-drafts-builder-documents": errors }));
            }
            None => {
                t.state = TaskState::Failed;
                t.error = Some(ApiError::not_found("drafts builder").body());
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct GenerateQuery {
    version: Option<String>,
}

/// `POST …/documents/{documentId}/files/generate?version=`: a file of the document made from a
/// JSON contract (the C# SDK's GenerateFileAsync, answered as DraftsBuilderDocumentFile); 201, as
/// a file created by `POST …/files` is.
///
/// Our assumptions (no vendor page describes the contract): any non-empty JSON object is a
/// contract; the file is the contract rendered as UTF-8 XML, named after the builder type, with
/// `version` recorded on its root element.
pub async fn generate_file(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    Query(q): Query<GenerateQuery>,
    JsonBody(mut contract): JsonBody<Map<String, Value>>,
) -> ApiResult<Response> {
    if let Some(v) = q
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        let v: i64 = v.parse().map_err(|_| {
            ApiError::bad_request("invalidQuery", format!("version={v:?} is not an integer"))
        })?;
        contract.insert("version".into(), json!(v));
    }
    if contract.is_empty() {
        return Err(ApiError::bad_request(
            "invalidContract",
            "the contract is an empty object",
        ));
    }
    let kind = {
        let mut store = shared.lock();
        let b = builders::editable(&mut store, account, id)?;
        builders::doc_mut(b, doc)?;
        b.meta
            .builder_type
            .rsplit(':')
            .next()
            .unwrap_or("file")
            .to_string()
    };
    let file_id = Uuid::new_v4();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    crate::formats::contracts::element(&kind, &Value::Object(contract), &mut xml, 0);
    xml.push('\n');
    let content = spooled_content(&shared, account, xml.as_bytes()).await?;
    let file = BuilderFile {
        id: file_id,
        content_id: Some(content),
        signature: None,
        file_name: format!("{kind}_{file_id}.xml"),
        builder_data: Map::new(),
    };
    let mut store = shared.lock();
    let b = builders::editable(&mut store, account, id)?;
    builders::doc_mut(b, doc)?.files.push(file.clone());
    let b = &*b;
    let d = b
        .documents
        .iter()
        .find(|d| d.id == doc)
        .ok_or_else(|| ApiError::not_found("builder document"))?;
    Ok((
        StatusCode::CREATED,
        Json(builders::render_file(&shared, b, d, &file)),
    )
        .into_response())
}

/// `GET …/files/{fileId}/content` (deprecated): the file's content as a base64 JSON string
/// (методы билдера.rst, "Получение содержимого файла": "Метод возвращает содержимое файла в
/// формате base64"; the Java SDK's getContent); 404 for a file without content, 32 MB at most as
/// the other deprecated content getters.
pub async fn file_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, file)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let content = {
        let mut store = shared.lock();
        let b = builders::find(&mut store, account, id)?;
        let content_id = builders::doc_mut(b, doc)?
            .files
            .iter()
            .find(|f| f.id == file)
            .ok_or_else(|| ApiError::not_found("builder file"))?
            .content_id
            .ok_or_else(|| ApiError::not_found("file content"))?;
        store
            .contents
            .get(&content_id)
            .filter(|c| c.is_complete())
            .cloned()
            .ok_or_else(|| ApiError::not_found("file content"))?
    };
    Ok(Json(json!(B64.encode(read_limited(content).await?))))
}
