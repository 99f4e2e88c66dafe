//! DraftsBuilder: multi-file packages built into drafts — the inventory that answers a demand
//! (`fns534-inventory`, tied to the demand's attachment) and the letter to an inspection
//! (`fns534-letter`). Documents and their files are added, then `build` (a deferred task) turns
//! them into drafts: bad documents are listed in `error-drafts-builder-documents`, good ones are
//! split at the vendor's limits (99 files and 60 MB per inventory draft, 5 MB per letter, labels
//! split inventories); the inventory or appeal XML is generated. Once building starts only GET is
//! allowed; a finished builder no longer changes.

use std::sync::Arc;

use crate::formats::wire::{
    DraftsBuilderDocumentFileRequest, DraftsBuilderDocumentRequest, DraftsBuilderFileMetaRequest,
    DraftsBuilderMeta,
};
use crate::identity::scope::AccountScope;
use crate::state::urns::{
    BUSINESS_REGISTRATION, BUSINESS_REGISTRATION_DOCFLOW, INVENTORY, INVENTORY_DOCFLOW, LETTER,
    LETTER_DOCFLOW, PFR_REPORT, PFR_REPORT_DOCFLOW,
};
use crate::state::{Builder, BuilderDocument, BuilderFile};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult, current_trace_id};
use crate::http::extract::{Deferred, JsonBody, Path, Query};
use crate::pki;
use crate::state::Shared;
use crate::state::vocabulary::{DraftStatus, TaskState};
use crate::state::{Draft, DraftDocument, Signature, Store, Task};

/// What a builder builds, and the rules that go with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Inventory,
    Letter,
    BusinessRegistration,
    PfrReport,
}

impl Kind {
    pub fn of(builder_type: &str) -> ApiResult<Self> {
        Ok(match builder_type {
            INVENTORY => Self::Inventory,
            LETTER => Self::Letter,
            BUSINESS_REGISTRATION => Self::BusinessRegistration,
            PFR_REPORT => Self::PfrReport,
            other => {
                return Err(ApiError::bad_request(
                    "unsupportedDraftsBuilderType",
                    format!(
                        "{other}: the sandbox builds fns534-inventory, fns534-letter, business-registration and pfr-report"
                    ),
                ));
            }
        })
    }

    fn docflow_type(self) -> &'static str {
        match self {
            Self::Inventory => INVENTORY_DOCFLOW,
            Self::Letter => LETTER_DOCFLOW,
            Self::BusinessRegistration => BUSINESS_REGISTRATION_DOCFLOW,
            Self::PfrReport => PFR_REPORT_DOCFLOW,
        }
    }

    /// The `urn:document:` prefix of the package's documents.
    fn documents(self) -> &'static str {
        self.docflow_type().trim_start_matches("urn:docflow:")
    }

    fn max_bytes(self) -> u64 {
        if self == Self::Letter {
            MAX_LETTER_BYTES
        } else {
            MAX_INVENTORY_BYTES
        }
    }

    /// The document types a builder document may declare in `builder-data.type`.
    fn document_kinds(self) -> &'static [&'static str] {
        match self {
            Self::Inventory => &["formalized", "scanned", "warrant"],
            Self::Letter => &["letter", "attachment", "warrant"],
            Self::BusinessRegistration | Self::PfrReport => &[],
        }
    }

    /// The recipient code the package goes to.
    fn recipient(self, r: &crate::formats::wire::Recipient) -> Option<String> {
        match self {
            Self::Inventory | Self::Letter => r.ifns_code.clone(),
            Self::BusinessRegistration => r
                .registration_ifns_code
                .clone()
                .or_else(|| r.ifns_code.clone()),
            Self::PfrReport => r.sfr_code.clone().or_else(|| r.upfr_code.clone()),
        }
    }
}

const MAX_FILES: usize = 99;
const MAX_INVENTORY_BYTES: u64 = 60 * 1024 * 1024;
pub(crate) const MAX_LETTER_BYTES: u64 = 5 * 1024 * 1024;
pub(crate) const SCAN_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "pdf", "tif", "tiff"];

fn base(account: Uuid, id: Uuid) -> String {
    format!("/v1/{account}/drafts/builders/{id}")
}

pub(crate) fn render(shared: &Shared, b: &Builder) -> Value {
    json!({ "id": b.id, "meta": b.meta, "status": b.status, "links": [{ "rel": "self", "href": shared.url(&base(b.account_id, b.id)) }] })
}

fn render_document(b: &Builder, d: &BuilderDocument) -> Value {
    json!({ "id": d.id, "drafts-builder-id": b.id, "meta": { "builder-type": b.meta.builder_type, "builder-data": d.builder_data } })
}

pub(crate) fn render_file(
    shared: &Shared,
    b: &Builder,
    d: &BuilderDocument,
    f: &BuilderFile,
) -> Value {
    let href = shared.url(&format!(
        "{}/documents/{}/files/{}",
        base(b.account_id, b.id),
        d.id,
        f.id
    ));
    let mut v = json!({
        "id": f.id, "drafts-builder-id": b.id, "drafts-builder-document-id": d.id, "content-id": f.content_id,
        "meta": { "file-name": f.file_name, "builder-type": b.meta.builder_type, "builder-data": f.builder_data },
        "links": [{ "rel": "self", "href": href }],
    });
    if f.signature.is_some() {
        v["signature-content-link"] =
            json!({ "rel": "signature", "href": format!("{href}/signature") });
    }
    v
}

pub(crate) fn find(store: &mut Store, account: Uuid, id: Uuid) -> ApiResult<&mut Builder> {
    store
        .builders
        .get_mut(&id)
        .filter(|b| b.account_id == account)
        .ok_or_else(|| ApiError::not_found("drafts builder"))
}

/// A builder that may change: not building, not finished.
pub(crate) fn editable(store: &mut Store, account: Uuid, id: Uuid) -> ApiResult<&mut Builder> {
    let b = find(store, account, id)?;
    match b.status {
        "building" => Err(ApiError::conflict(
            "draftsBuilderIsBuilding",
            "the builder is building: only GET is allowed until it ends",
        )),
        "finished" => Err(ApiError::conflict(
            "draftsBuilderIsFinished",
            "the builder has been built and no longer changes",
        )),
        _ => Ok(b),
    }
}

pub(crate) fn validate_meta(meta: &DraftsBuilderMeta) -> ApiResult<()> {
    let kind = Kind::of(&meta.builder_type)?;
    if meta.sender.is_none()
        || meta
            .recipient
            .as_ref()
            .and_then(|r| kind.recipient(r))
            .is_none()
    {
        let field = match kind {
            Kind::Inventory | Kind::Letter => "recipient.ifns-code",
            Kind::BusinessRegistration => "recipient.registration-ifns-code",
            Kind::PfrReport => "recipient.sfr-code or upfr-code",
        };
        return Err(ApiError::bad_request(
            "invalidDraftsBuilderMeta",
            format!("sender and {field} are required"),
        ));
    }
    if meta.builder_type == LETTER
        && meta
            .builder_data
            .get("region")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    {
        return Err(ApiError::bad_request(
            "invalidDraftsBuilderMeta",
            "a letter needs builder-data.region",
        ));
    }
    Ok(())
}

/// `POST /v1/{accountId}/drafts/builders`
pub async fn create(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
    JsonBody(meta): JsonBody<DraftsBuilderMeta>,
) -> ApiResult<Response> {
    validate_meta(&meta)?;
    let b = Builder {
        id: Uuid::new_v4(),
        account_id: account,
        meta,
        status: "new",
        documents: Vec::new(),
    };
    let body = render(&shared, &b);
    shared.lock().builders.insert(b.id, b);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET …/builders/{id}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    Ok(Json(render(&shared, find(&mut store, account, id)?)))
}

/// `DELETE …/builders/{id}`
pub async fn delete(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    if find(&mut store, account, id)?.status == "building" {
        return Err(ApiError::conflict(
            "draftsBuilderIsBuilding",
            "the builder is building",
        ));
    }
    store.builders.remove(&id);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET …/builders/{id}/meta`
pub async fn get_meta(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    Ok(Json(json!(find(&mut store, account, id)?.meta)))
}

/// `PUT …/builders/{id}/meta`
pub async fn put_meta(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    JsonBody(meta): JsonBody<DraftsBuilderMeta>,
) -> ApiResult<Json<Value>> {
    validate_meta(&meta)?;
    let mut store = shared.lock();
    let b = editable(&mut store, account, id)?;
    if meta.builder_type != b.meta.builder_type {
        return Err(ApiError::bad_request(
            "invalidDraftsBuilderMeta",
            "builder-type cannot change",
        ));
    }
    b.meta = meta;
    Ok(Json(json!(b.meta)))
}

/// `GET …/builders/{id}/documents`
pub async fn documents(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let b = find(&mut store, account, id)?;
    Ok(Json(Value::Array(
        b.documents.iter().map(|d| render_document(b, d)).collect(),
    )))
}

fn validate_document(builder_type: &str, data: &Map<String, Value>) -> ApiResult<()> {
    let kind = data.get("type").and_then(Value::as_str);
    let allowed = Kind::of(builder_type)?.document_kinds();
    match kind {
        // Business registrations and PFR reports describe their documents otherwise.
        _ if allowed.is_empty() => Ok(()),
        Some(k) if allowed.contains(&k) => Ok(()),
        _ => Err(ApiError::bad_request(
            "invalidDraftsBuilderDocument",
            format!("builder-data.type must be one of {}", allowed.join(", ")),
        )),
    }
}

/// `POST …/builders/{id}/documents`
pub async fn create_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    JsonBody(req): JsonBody<DraftsBuilderDocumentRequest>,
) -> ApiResult<Response> {
    let mut store = shared.lock();
    let b = editable(&mut store, account, id)?;
    validate_document(&b.meta.builder_type, &req.builder_data)?;
    let d = BuilderDocument {
        id: Uuid::new_v4(),
        builder_data: req.builder_data,
        files: Vec::new(),
    };
    let body = render_document(b, &d);
    b.documents.push(d);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

fn doc_ref(b: &Builder, doc: Uuid) -> ApiResult<&BuilderDocument> {
    b.documents
        .iter()
        .find(|d| d.id == doc)
        .ok_or_else(|| ApiError::not_found("builder document"))
}

pub(crate) fn doc_mut(b: &mut Builder, doc: Uuid) -> ApiResult<&mut BuilderDocument> {
    b.documents
        .iter_mut()
        .find(|d| d.id == doc)
        .ok_or_else(|| ApiError::not_found("builder document"))
}

/// `GET …/documents/{documentId}` (and its `/meta`)
pub async fn get_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let b = find(&mut store, account, id)?;
    let d = doc_ref(b, doc)?;
    Ok(Json(render_document(b, d)))
}

/// `GET …/documents/{documentId}/meta`
pub async fn get_document_meta(
    state: State<Arc<Shared>>,
    caller: AccountScope,
    path: Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let Json(v) = get_document(state, caller, path).await?;
    Ok(Json(v["meta"].clone()))
}

/// `PUT …/documents/{documentId}/meta`: upserts the document's builder-data and answers its meta
/// (`DraftsBuilderDocumentMeta`), as `GET …/meta` does.
pub async fn put_document_meta(
    state: State<Arc<Shared>>,
    caller: AccountScope,
    path: Path<(Uuid, Uuid, Uuid)>,
    body: JsonBody<DraftsBuilderDocumentRequest>,
) -> ApiResult<Json<Value>> {
    let Json(v) = put_document(state, caller, path, body).await?;
    Ok(Json(v["meta"].clone()))
}

/// `PUT …/documents/{documentId}`: upserts the document's builder-data.
pub async fn put_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    JsonBody(req): JsonBody<DraftsBuilderDocumentRequest>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let b = editable(&mut store, account, id)?;
    validate_document(&b.meta.builder_type, &req.builder_data)?;
    match b.documents.iter_mut().find(|d| d.id == doc) {
        Some(d) => d.builder_data = req.builder_data,
        None => b.documents.push(BuilderDocument {
            id: doc,
            builder_data: req.builder_data,
            files: Vec::new(),
        }),
    }
    let d = b
        .documents
        .iter()
        .find(|d| d.id == doc)
        .expect("just stored");
    Ok(Json(render_document(b, d)))
}

/// `DELETE …/documents/{documentId}`
pub async fn delete_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    let b = editable(&mut store, account, id)?;
    let before = b.documents.len();
    b.documents.retain(|d| d.id != doc);
    if before == b.documents.len() {
        return Err(ApiError::not_found("builder document"));
    }
    Ok(StatusCode::NO_CONTENT)
}

fn file_from(
    store: &Store,
    account: Uuid,
    id: Uuid,
    req: DraftsBuilderDocumentFileRequest,
) -> ApiResult<BuilderFile> {
    if let Some(c) = req.content_id
        && !store
            .contents
            .get(&c)
            .is_some_and(|x| x.account_id == account && x.is_complete())
    {
        return Err(ApiError::bad_request(
            "contentNotFound",
            format!("content {c} does not exist or is incomplete"),
        ));
    }
    let signature = match req
        .base64_signature_content
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        Some(s) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|_| {
                    ApiError::bad_request(
                        "invalidSignature",
                        "base64-signature-content is not base64",
                    )
                })?;
            pki::signer_certificate(&bytes)
                .map_err(|e| ApiError::bad_request("invalidSignature", e.to_string()))?;
            Some(bytes.into())
        }
        None => None,
    };
    let name = req.meta.file_name.trim();
    if name.is_empty() {
        return Err(ApiError::bad_request(
            "invalidFileName",
            "meta.file-name is required",
        ));
    }
    // Letter attachment names are cut to 100 characters, as the vendor does.
    let file_name: String = name.chars().take(100).collect();
    Ok(BuilderFile {
        id,
        content_id: req.content_id,
        signature,
        file_name,
        builder_data: req.meta.builder_data,
    })
}

/// `GET …/documents/{documentId}/files`
pub async fn files(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let b = find(&mut store, account, id)?;
    let d = doc_ref(b, doc)?;
    Ok(Json(Value::Array(
        d.files
            .iter()
            .map(|f| render_file(&shared, b, d, f))
            .collect(),
    )))
}

/// `POST …/documents/{documentId}/files`
pub async fn create_file(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    JsonBody(req): JsonBody<DraftsBuilderDocumentFileRequest>,
) -> ApiResult<Response> {
    let mut store = shared.lock();
    let file = file_from(&store, account, Uuid::new_v4(), req)?;
    let b = editable(&mut store, account, id)?;
    doc_mut(b, doc)?.files.push(file.clone());
    let d = b.documents.iter().find(|d| d.id == doc).expect("checked");
    Ok((StatusCode::CREATED, Json(render_file(&shared, b, d, &file))).into_response())
}

/// `GET …/files/{fileId}`
pub async fn get_file(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, file)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let b = find(&mut store, account, id)?;
    let d = doc_ref(b, doc)?;
    let f = d
        .files
        .iter()
        .find(|f| f.id == file)
        .ok_or_else(|| ApiError::not_found("builder file"))?;
    Ok(Json(render_file(&shared, b, d, f)))
}

/// `GET …/files/{fileId}/meta`
pub async fn get_file_meta(
    state: State<Arc<Shared>>,
    caller: AccountScope,
    path: Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let Json(v) = get_file(state, caller, path).await?;
    Ok(Json(v["meta"].clone()))
}

/// `GET …/files/{fileId}/signature`: base64 in a JSON string.
pub async fn file_signature(
    state: State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, file)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let State(shared) = state;
    let mut store = shared.lock();
    let b = find(&mut store, account, id)?;
    let f = doc_mut(b, doc)?
        .files
        .iter()
        .find(|f| f.id == file)
        .ok_or_else(|| ApiError::not_found("builder file"))?;
    let sig = f
        .signature
        .as_ref()
        .ok_or_else(|| ApiError::not_found("file signature"))?;
    Ok(Json(json!(
        base64::engine::general_purpose::STANDARD.encode(sig)
    )))
}

/// `PUT …/files/{fileId}`: creates or replaces a file under the caller's id.
pub async fn put_file(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, file)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    JsonBody(req): JsonBody<DraftsBuilderDocumentFileRequest>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let new = file_from(&store, account, file, req)?;
    let b = editable(&mut store, account, id)?;
    let d = doc_mut(b, doc)?;
    match d.files.iter_mut().find(|f| f.id == file) {
        Some(f) => *f = new.clone(),
        None => d.files.push(new.clone()),
    }
    let d = b.documents.iter().find(|d| d.id == doc).expect("checked");
    Ok(Json(render_file(&shared, b, d, &new)))
}

/// `PUT …/files/{fileId}/meta`
pub async fn put_file_meta(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, file)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    JsonBody(req): JsonBody<DraftsBuilderFileMetaRequest>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let b = editable(&mut store, account, id)?;
    let f = doc_mut(b, doc)?
        .files
        .iter_mut()
        .find(|f| f.id == file)
        .ok_or_else(|| ApiError::not_found("builder file"))?;
    if req.file_name.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalidFileName",
            "file-name is required",
        ));
    }
    f.file_name = req.file_name.trim().chars().take(100).collect();
    f.builder_data = req.builder_data;
    let (name, data) = (f.file_name.clone(), f.builder_data.clone());
    Ok(Json(
        json!({ "file-name": name, "builder-type": b.meta.builder_type, "builder-data": data }),
    ))
}

/// `DELETE …/files/{fileId}`
pub async fn delete_file(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, file)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    let b = editable(&mut store, account, id)?;
    let d = doc_mut(b, doc)?;
    let before = d.files.len();
    d.files.retain(|f| f.id != file);
    if before == d.files.len() {
        return Err(ApiError::not_found("builder file"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/builders/{id}/build?deferred=true`
pub async fn build(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    Query(q): Query<Deferred>,
) -> ApiResult<Response> {
    q.require()?;
    let task = {
        let mut store = shared.lock();
        let b = editable(&mut store, account, id)?;
        b.status = "building";
        let task = Task {
            id: Uuid::new_v4(),
            account_id: account,
            owner: id,
            kind: BUILD_TASK,
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
        build_task(shared.clone(), account, id, task.id),
    ));
    Ok((StatusCode::ACCEPTED, Json(crate::views::render_task(&task))).into_response())
}

/// The Java SDK's TaskType: `urn:task-type:draftBuilderBuild`.
pub(crate) const BUILD_TASK: &str = "urn:task-type:draftBuilderBuild";

/// The build task: waits the configured time, then builds the drafts (also resumed by a
/// restarted sandbox, see [`crate::api::tasks::resume`]).
pub(crate) async fn build_task(shared: Arc<Shared>, account: Uuid, id: Uuid, task: Uuid) {
    tokio::time::sleep(shared.config.task_delay()).await;
    let mut store = shared.lock();
    let outcome = run_build(&mut store, account, id, shared.clock.now());
    if let Some(b) = store.builders.get_mut(&id) {
        b.status = if outcome.is_ok() { "finished" } else { "new" };
    }
    if let Some(t) = store.tasks.get_mut(&task) {
        match outcome {
            Ok(result) => {
                t.state = TaskState::Succeed;
                t.result = Some(result);
            }
            Err(e) => {
                t.state = TaskState::Failed;
                t.error = Some(e.body());
            }
        }
    }
}

/// `GET …/builders/{id}/tasks/{taskId}`
pub async fn get_task(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, owner, task)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let t = store
        .tasks
        .get(&task)
        .filter(|t| t.account_id == account && t.owner == owner)
        .ok_or_else(|| ApiError::not_found("task"))?;
    Ok(Json(crate::views::render_task(t)))
}

/// A file going into a draft, with its document and size.
type Packed<'a> = (&'a BuilderDocument, &'a BuilderFile, u64);

/// Builds the drafts; returns `{draft-ids, error-drafts-builder-documents}`.
fn run_build(
    store: &mut Store,
    account: Uuid,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<Value> {
    let b = store
        .builders
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("drafts builder"))?;
    let kind = Kind::of(&b.meta.builder_type)?;
    let inventory = kind == Kind::Inventory;
    let mut related = None;
    if inventory {
        let rd = b.meta.builder_data.get("related-document").ok_or_else(|| {
            ApiError::bad_request(
                "invalidDraftsBuilderMeta",
                "an inventory needs builder-data.related-document",
            )
        })?;
        let parse = |k: &str| {
            rd.get(k)
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Uuid>().ok())
        };
        let (Some(df), Some(doc)) = (parse("related-docflow-id"), parse("related-document-id"))
        else {
            return Err(ApiError::bad_request(
                "invalidDraftsBuilderMeta",
                "related-document needs related-docflow-id and related-document-id",
            ));
        };
        let demand = store
            .docflows
            .get(&df)
            .filter(|d| d.account_id == account && d.doc_type == crate::state::urns::FNS_DEMAND)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "relatedDocumentNotFound",
                    "related-docflow-id is not a demand of this account",
                )
            })?;
        if !demand
            .documents
            .iter()
            .any(|d| d.id == doc && d.doc_type == "urn:document:fns534-demand-attachment")
        {
            return Err(ApiError::bad_request(
                "relatedDocumentNotFound",
                "related-document-id is not an attachment of that demand",
            ));
        }
        related = Some((df, doc));
    }
    let mut errors = Vec::new();
    // (label, document, file size) of every good file.
    let mut good: Vec<(Option<String>, &BuilderDocument, &BuilderFile, u64)> = Vec::new();
    for d in &b.documents {
        let doc_kind = d
            .builder_data
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("");
        let label = d
            .builder_data
            .get("label-for-grouping")
            .and_then(Value::as_str)
            .map(String::from);
        let mut problem = None;
        if d.files.is_empty() {
            problem = Some("the document has no files".to_string());
        }
        let mut sized = Vec::new();
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
            if inventory && doc_kind == "scanned" && !SCAN_EXTENSIONS.contains(&ext.as_str()) {
                problem = Some(format!(
                    "{}: a scan must be {}",
                    f.file_name,
                    SCAN_EXTENSIONS.join(", ")
                ));
            } else if size.is_none() {
                problem = Some(format!("{}: the file has no content", f.file_name));
            } else if kind == Kind::Letter && size > Some(MAX_LETTER_BYTES) {
                problem = Some(format!(
                    "{}: a letter file may be at most 5 MB",
                    f.file_name
                ));
            }
            sized.push((f, size.unwrap_or(0)));
        }
        match problem {
            Some(message) => errors.push(json!({ "document-id": d.id, "error-message": message })),
            None => good.extend(sized.into_iter().map(|(f, s)| (label.clone(), d, f, s))),
        }
    }
    // Group by label (inventories only), then split at the limits.
    let mut groups: Vec<(Option<String>, Vec<Packed>)> = Vec::new();
    for (label, d, f, size) in good {
        let key = if inventory { label } else { None };
        match groups.iter_mut().find(|(l, _)| *l == key) {
            Some((_, v)) => v.push((d, f, size)),
            None => groups.push((key, vec![(d, f, size)])),
        }
    }
    let max_bytes = kind.max_bytes();
    let mut draft_ids = Vec::new();
    for (label, files) in groups {
        let mut chunk: Vec<Packed> = Vec::new();
        let mut bytes = 0;
        let mut chunks = Vec::new();
        for item in files {
            if !chunk.is_empty() && (chunk.len() + 1 > MAX_FILES || bytes + item.2 > max_bytes) {
                chunks.push(std::mem::take(&mut chunk));
                bytes = 0;
            }
            bytes += item.2;
            chunk.push(item);
        }
        if !chunk.is_empty() {
            chunks.push(chunk);
        }
        for chunk in chunks {
            let draft = built_draft(store, &b, related, label.as_deref(), &chunk, now);
            draft_ids.push(draft.id);
            store.drafts.insert(draft.id, draft);
        }
    }
    Ok(json!({ "draft-ids": draft_ids, "error-drafts-builder-documents": errors }))
}

fn built_draft(
    store: &mut Store,
    b: &Builder,
    related: Option<(Uuid, Uuid)>,
    label: Option<&str>,
    files: &[Packed],
    now: chrono::DateTime<chrono::Utc>,
) -> Draft {
    let kind = Kind::of(&b.meta.builder_type).expect("validated");
    let sender = b.meta.sender.clone().expect("validated");
    let ifns = b
        .meta
        .recipient
        .as_ref()
        .and_then(|r| kind.recipient(r))
        .unwrap_or_default();
    let innkpp = format!("{}{}", sender.inn, sender.kpp.clone().unwrap_or_default());
    let (prefix, root, knd) = match kind {
        Kind::Inventory => ("ON_OPISDOK", "Опись", "1184001"),
        Kind::Letter => ("ON_OBRNP", "Обращение", "1166108"),
        Kind::BusinessRegistration => ("ON_OPISREG", "ОписьРег", "1111060"),
        Kind::PfrReport => ("PFR_OPIS", "ОписьПФР", ""),
    };
    let file_id = format!(
        "{prefix}_{ifns}_{ifns}_{innkpp}_{}_{}",
        now.format("%Y%m%d"),
        Uuid::new_v4()
    );
    let items: String = files
        .iter()
        .map(|(d, f, size)| {
            let claim = d
                .builder_data
                .get("claim-item-number")
                .and_then(Value::as_str)
                .unwrap_or("");
            format!(
                "<Файл Имя=\"{}\" Размер=\"{size}\" ПунктТреб=\"{claim}\"/>",
                f.file_name.replace('"', "'")
            )
        })
        .collect();
    let subject = b
        .meta
        .builder_data
        .get("subject")
        .and_then(Value::as_str)
        .unwrap_or("");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{file_id}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.01\">\
         <Документ КНД=\"{}\" КодНО=\"{ifns}\"><{root} Метка=\"{}\" Тема=\"{}\">{items}</{root}></Документ></Файл>\n",
        knd,
        label.unwrap_or(""),
        subject.replace('"', "'"),
    );
    let bytes = encoding_rs::WINDOWS_1251.encode(&xml).0.into_owned();
    let content_id = crate::state::memory_content(store, b.account_id, &bytes);
    let docs = kind.documents();
    let (main_type, attachment_type) = match kind {
        // The generated description of the package; the files themselves are what is sent.
        Kind::BusinessRegistration | Kind::PfrReport => (
            format!("urn:document:{docs}-description"),
            format!("urn:document:{docs}-attachment"),
        ),
        _ => (
            format!("urn:document:{docs}"),
            format!("urn:document:{docs}-attachment"),
        ),
    };
    let mut documents = vec![DraftDocument {
        id: Uuid::new_v4(),
        content_id: Some(content_id),
        doc_type: Some(main_type),
        filename: Some(format!("{file_id}.xml")),
        content_type: Some("application/xml".into()),
        properties: Default::default(),
        signatures: Vec::new(),
        xml_signing: None,
    }];
    for (d, f, _) in files {
        let warrant = d.builder_data.get("type").and_then(Value::as_str) == Some("warrant");
        let doc_type = if warrant {
            format!("urn:document:{docs}-warrant")
        } else {
            attachment_type.clone()
        };
        let signatures = f
            .signature
            .iter()
            .map(|s| {
                let title = pki::signer_certificate(s)
                    .map(|(_, i)| i.title())
                    .unwrap_or_default();
                let thumbprint = pki::signer_certificate(s)
                    .map(|(der, _)| pki::thumbprint(&der))
                    .unwrap_or_default();
                Signature {
                    id: Uuid::new_v4(),
                    bytes: s.clone().into(),
                    thumbprint: thumbprint.into(),
                    title: title.into(),
                    signer_type: "organization-representative",
                }
            })
            .collect();
        documents.push(DraftDocument {
            id: Uuid::new_v4(),
            content_id: f.content_id,
            doc_type: Some(doc_type),
            filename: Some(f.file_name.clone()),
            content_type: Some("application/octet-stream".into()),
            properties: Default::default(),
            signatures,
            xml_signing: None,
        });
    }
    let mut meta = crate::formats::wire::DraftMeta {
        sender: b.meta.sender.clone(),
        recipient: b.meta.recipient.clone(),
        payer: b.meta.payer.clone(),
        ..Default::default()
    };
    meta.additional_info = Some(crate::formats::wire::AdditionalInfo {
        original_drafts_builder_id: Some(b.id),
        subject: (!subject.is_empty()).then(|| subject.to_string()),
        ..Default::default()
    });
    meta.related_document = related.map(|(df, doc)| crate::formats::wire::RelatedDocument {
        related_docflow_id: Some(df),
        related_document_id: Some(doc),
    });
    Draft {
        id: Uuid::new_v4(),
        account_id: b.account_id,
        meta,
        status: DraftStatus::New,
        documents,
        docflow_id: None,
        busy_task: None,
        docflow_type: Some(kind.docflow_type()),
    }
}
