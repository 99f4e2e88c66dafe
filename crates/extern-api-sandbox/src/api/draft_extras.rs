//! The rest of the drafts API: the draft upsert, documents built from contracts, the hand-over to
//! the web UI, the MVD data-to-sign step, the deprecated single-content and single-signature
//! getters and setters, and printing a draft document.
//!
//! Vendor sources: skbkontur/extern-api-docs docs/drafts/методы работы с черновиками.rst (PUT Draft,
//! CreateWebDraft, DataToSign), DraftDocumentBuildController.rst, DraftDocumentsController.rst
//! (print, its task, the deprecated contents), docs/knowledge base/print.rst (what prints),
//! docs/scenarios/MVD/mvd-notification.rst; the Java SDK's DraftsApi.java and the 2018 Swagger
//! (the single-signature and raw-content setters).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::api::drafts::{self, describe, document_mut, draft_mut, editable, render_document};
use crate::formats::contracts::{self, Built, ContractType};
use crate::formats::wire::{DocumentDescriptionRequest, DocumentRequest, DraftMeta};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Deferred, JsonBody, Path, Query};
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::vocabulary::{DraftStatus, TaskState};
use crate::state::{Content, PartData};
use crate::state::{Draft, DraftDocument, Store};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The deprecated content getters return at most 32 MB on the test site
/// (DraftDocumentsController.rst, "Получение расшифрованного контента документа (deprecated)").
const LEGACY_CONTENT_LIMIT: u64 = 32 * 1024 * 1024;

pub fn routes() -> Router<Arc<Shared>> {
    let d = "/v1/{account}/drafts/{draft}";
    let dd = "/v1/{account}/drafts/{draft}/documents/{document}";
    Router::new()
        .route(d, axum::routing::put(put_draft))
        .route(&format!("{d}/build-document"), post(build_document))
        .route(&format!("{d}/create-web-draft"), post(create_web_draft))
        .route(&format!("{dd}/build"), post(build_into))
        .route(&format!("{dd}/data-to-sign"), patch(data_to_sign))
        .route(
            &format!("{dd}/decrypted-content"),
            get(decrypted_content).put(put_decrypted_content),
        )
        .route(&format!("{dd}/encrypted-content"), get(encrypted_content))
        .route(
            &format!("{dd}/signature"),
            get(signature).put(put_signature),
        )
        .route(&format!("{dd}/print"), get(print))
        .route(&format!("{dd}/tasks/{{task}}"), get(document_task))
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
}

/// Stores bytes the sandbox made or was given as a content in the spool (not in memory: a body may
/// be megabytes, and every call keeps one).
pub(crate) async fn spooled_content(
    shared: &Shared,
    account: Uuid,
    bytes: &[u8],
) -> ApiResult<Uuid> {
    let path = shared.spool_path();
    tokio::fs::write(&path, bytes).await.map_err(internal)?;
    let total = bytes.len() as u64;
    let parts = match total {
        0 => Vec::new(),
        n => vec![(0, n - 1, PartData::File(path))],
    };
    let id = Uuid::new_v4();
    shared.lock().contents.insert(
        id,
        Content {
            account_id: account,
            total: Some(total),
            parts,
        },
    );
    Ok(id)
}

/// A content's bytes, read off the async workers, refused above the legacy getters' limit.
pub(crate) async fn read_limited(content: Content) -> ApiResult<Vec<u8>> {
    if content.total.unwrap_or(0) > LEGACY_CONTENT_LIMIT {
        return Err(ApiError::bad_request(
            "contentIsTooLarge",
            "the content is larger than 32 MB: download it from the contents service",
        ));
    }
    tokio::task::spawn_blocking(move || content.bytes())
        .await
        .map_err(internal)?
        .map_err(internal)
}

/// The complete content of a draft document; 404 when the document has none.
fn document_content(
    store: &mut Store,
    account: Uuid,
    draft: Uuid,
    doc: Uuid,
) -> ApiResult<Content> {
    let d = draft_mut(store, account, draft)?;
    let content_id = document_mut(d, doc)?
        .content_id
        .ok_or_else(|| ApiError::not_found("document content"))?;
    store
        .contents
        .get(&content_id)
        .filter(|c| c.is_complete())
        .cloned()
        .ok_or_else(|| ApiError::not_found("document content"))
}

/// `PUT /v1/{accountId}/drafts/{draftId}`: "Если черновик с переданным идентификатором не
/// существует, метод его создаст" (методы работы с черновиками.rst, PUT Draft). The meta is
/// checked as on create and replaced; the draft answers 200.
///
/// Our assumption: an id that names another account's draft is refused with 409 (drafts are kept
/// by id alone here; the vendor's keying is not documented).
pub async fn put_draft(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    JsonBody(meta): JsonBody<DraftMeta>,
) -> ApiResult<Json<Value>> {
    drafts::validate_meta(&meta)?;
    let mut store = shared.lock();
    let meta = drafts::with_names(&store, account, meta);
    match store.drafts.get(&id).map(|d| d.account_id) {
        Some(owner) if owner != account => Err(ApiError::conflict(
            "draftIdIsTaken",
            "the id names a draft of another account",
        )),
        Some(_) => {
            let draft = editable(&mut store, account, id)?;
            draft.meta = meta;
            draft.status = DraftStatus::New;
            Ok(Json(drafts::render_draft(&shared, draft)))
        }
        None => {
            let draft = Draft {
                id,
                account_id: account,
                meta,
                status: DraftStatus::New,
                documents: Vec::new(),
                docflow_id: None,
                busy_task: None,
                docflow_type: None,
            };
            let body = drafts::render_draft(&shared, &draft);
            store.drafts.insert(id, draft);
            Ok(Json(body))
        }
    }
}

/// `?type=&version=` of the build calls.
#[derive(Debug, Deserialize)]
pub struct BuildQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    version: Option<String>,
}

impl BuildQuery {
    fn parse(&self) -> ApiResult<(ContractType, Option<i64>)> {
        let kind = self
            .kind
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| ApiError::bad_request("invalidQuery", "type is required"))?;
        let version = match self.version.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) => Some(v.parse::<i64>().map_err(|_| {
                ApiError::bad_request("invalidQuery", format!("version={v:?} is not an integer"))
            })?),
        };
        Ok((ContractType::parse(kind)?, version))
    }
}

/// The account's main organization's name, for a payer the meta leaves unnamed.
fn organization_name(store: &Store, account: Uuid) -> Option<String> {
    store
        .organizations
        .iter()
        .find(|o| o.account_id == account && o.is_main)
        .map(|o| o.name.clone())
}

/// Builds the contract's file for the draft and stores it; answers the file and its content id.
async fn build_file(
    shared: &Shared,
    account: Uuid,
    draft: Uuid,
    q: &BuildQuery,
    contract: &Map<String, Value>,
) -> ApiResult<(Built, Uuid)> {
    let (kind, version) = q.parse()?;
    let (meta, organization) = {
        let mut store = shared.lock();
        let meta = editable(&mut store, account, draft)?.meta.clone();
        (meta, organization_name(&store, account))
    };
    let built = contracts::build(
        kind,
        version,
        contract,
        &meta,
        organization.as_deref(),
        shared.clock.now(),
    )?;
    let content = spooled_content(shared, account, &built.bytes).await?;
    Ok((built, content))
}

/// The draft document of a built file, described from its content as an added document is.
fn built_document(
    store: &Store,
    draft: &Draft,
    account: Uuid,
    built: &Built,
    content: Uuid,
    id: Uuid,
) -> ApiResult<DraftDocument> {
    if let Some(current) = draft.docflow_type
        && built.docflow_type != Some(current)
    {
        return Err(ApiError::bad_request(
            "unsupportedDocumentFormatType",
            format!("the draft makes a {current} docflow: this document does not belong in it"),
        ));
    }
    let req = DocumentRequest {
        content_id: Some(content),
        description: Some(DocumentDescriptionRequest {
            type_: Some(built.doc_type.to_string()),
            filename: Some(built.filename.clone()),
            content_type: Some("application/xml".into()),
        }),
        ..Default::default()
    };
    let mut doc = describe(store, draft, account, &req)?;
    doc.id = id;
    // Only a declaration carries a form's properties; the others keep their encoding alone.
    if built.doc_type != "urn:document:fns534-report" {
        doc.properties.retain(|k, _| k == "Encoding");
    }
    Ok(doc)
}

/// `POST …/drafts/{draftId}/build-document?type=&version=`: a new document from a contract,
/// answered 200 with the document (DraftDocumentBuildController.rst, "Создание и замена документа
/// по контракту"). An ION request, an EDOK application or a SEDO subscription makes the draft's
/// docflow the one the page names (fns534-ion, pfr-ancillary, fss-sedo-provider-subscription).
pub async fn build_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    Query(q): Query<BuildQuery>,
    JsonBody(contract): JsonBody<Map<String, Value>>,
) -> ApiResult<Json<Value>> {
    let (built, content) = build_file(&shared, account, id, &q, &contract).await?;
    let mut store = shared.lock();
    let snapshot = editable(&mut store, account, id)?.clone();
    let doc = built_document(&store, &snapshot, account, &built, content, Uuid::new_v4())?;
    let draft = editable(&mut store, account, id)?;
    draft.docflow_type = built.docflow_type.or(draft.docflow_type);
    draft.documents.push(doc.clone());
    draft.status = DraftStatus::New;
    Ok(Json(render_document(&shared, draft, &doc)))
}

/// `POST …/documents/{documentId}/build?type=&version=`: fills a document of the draft from a
/// contract and answers an empty 200 (DraftDocumentBuildController.rst, "Создание файла в
/// документе по контракту"). Our assumption: the document's signatures go with its old content —
/// they no longer match ("После создания файла … нужно добавить подпись к файлу").
pub async fn build_into(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc_id)): Path<(Uuid, Uuid, Uuid)>,
    Query(q): Query<BuildQuery>,
    JsonBody(contract): JsonBody<Map<String, Value>>,
) -> ApiResult<StatusCode> {
    {
        let mut store = shared.lock();
        document_mut(editable(&mut store, account, id)?, doc_id)?;
    }
    let (built, content) = build_file(&shared, account, id, &q, &contract).await?;
    let mut store = shared.lock();
    let snapshot = editable(&mut store, account, id)?.clone();
    let doc = built_document(&store, &snapshot, account, &built, content, doc_id)?;
    let draft = editable(&mut store, account, id)?;
    *document_mut(draft, doc_id)? = doc;
    draft.docflow_type = built.docflow_type.or(draft.docflow_type);
    draft.status = DraftStatus::New;
    Ok(StatusCode::OK)
}

/// `POST …/drafts/{draftId}/create-web-draft`: hands the draft over to the web UI; the draft
/// becomes `transferred-to-web` (методы работы с черновиками.rst, CreateWebDraft). 400 for a
/// docflow type the web UI does not take, attachments, or a status other than new/checked.
///
/// Our reading of the page: the web UI takes reports to the FNS, Rosstat and the SFR (a draft
/// built as a package — inventory, letter, ION… — is refused), and the VAT declaration's
/// formalized attachments (`NO_NDS…` files) are not "attachments". The page says a link to the
/// web draft is returned but shows no shape: the sandbox answers an empty 200.
pub async fn create_web_draft(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?;
    if !matches!(draft.status, DraftStatus::New | DraftStatus::Checked) {
        return Err(ApiError::bad_request(
            "draftStatusIsNotSuitable",
            format!(
                "a {} draft cannot go to the web UI: only new and checked ones can",
                draft.status
            ),
        ));
    }
    let recipient = draft.meta.recipient.clone().unwrap_or_default();
    let reports = recipient.ifns_code.is_some()
        || recipient.togs_code.is_some()
        || recipient.sfr_code.is_some()
        || recipient.upfr_code.is_some();
    if draft.docflow_type.is_some() || !reports {
        return Err(ApiError::bad_request(
            "docflowTypeIsNotSuitable",
            "the web UI takes reports to the FNS, Rosstat and the SFR only",
        ));
    }
    if let Some(a) = draft.documents.iter().find(|d| {
        d.doc_type
            .as_deref()
            .is_some_and(|t| t.ends_with("-attachment"))
            && !d
                .filename
                .as_deref()
                .is_some_and(|f| f.to_ascii_uppercase().starts_with("NO_NDS"))
    }) {
        return Err(ApiError::bad_request(
            "draftHasAttachments",
            format!(
                "the draft has an attachment ({}): the web UI takes drafts without attachments",
                a.filename.as_deref().unwrap_or("no name")
            ),
        ));
    }
    draft.status = DraftStatus::TransferredToWeb;
    Ok(StatusCode::OK)
}

/// The `OrderId` attribute set on the root element of an XML document (replacing one already
/// there); `None` when the bytes are not XML. ASCII is inserted, so windows-1251 and UTF-8 files
/// alike stay in their encoding.
fn stamp_order_id(xml: &[u8], order_id: &str) -> Option<Vec<u8>> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut i = 0;
    loop {
        let lt = i + xml.get(i..)?.iter().position(|&b| b == b'<')?;
        let rest = &xml[lt..];
        if rest.starts_with(b"<?") {
            i = lt + find(rest, b"?>")? + 2;
        } else if rest.starts_with(b"<!--") {
            i = lt + find(rest, b"-->")? + 3;
        } else if rest.starts_with(b"<!") {
            i = lt + rest.iter().position(|&b| b == b'>')? + 1;
        } else {
            let name_len = rest[1..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')?;
            if name_len == 0 {
                return None;
            }
            let name_end = lt + 1 + name_len;
            let tag_end = lt + rest.iter().position(|&b| b == b'>')?;
            let tag_end = if xml[tag_end - 1] == b'/' {
                tag_end - 1
            } else {
                tag_end
            };
            let mut out = Vec::with_capacity(xml.len() + 32);
            out.extend_from_slice(&xml[..name_end]);
            out.extend_from_slice(format!(" OrderId=\"{order_id}\"").as_bytes());
            out.extend_from_slice(&without_attribute(&xml[name_end..tag_end], b"OrderId"));
            out.extend_from_slice(&xml[tag_end..]);
            return Some(out);
        }
    }
}

/// The attributes of a start tag without `name="…"` (or `name='…'`).
fn without_attribute(attrs: &[u8], name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(attrs.len());
    let mut i = 0;
    while i < attrs.len() {
        let starts_here = (i == 0 || attrs[i - 1].is_ascii_whitespace())
            && attrs[i..].starts_with(name)
            && attrs.get(i + name.len()) == Some(&b'=');
        if let (true, Some(&quote)) = (starts_here, attrs.get(i + name.len() + 1)) {
            let value = i + name.len() + 2;
            if let Some(len) = attrs
                .get(value..)
                .and_then(|v| v.iter().position(|&b| b == quote))
            {
                while out.last().is_some_and(|b: &u8| b.is_ascii_whitespace()) {
                    out.pop();
                }
                i = value + len + 1;
                continue;
            }
        }
        out.push(attrs[i]);
        i += 1;
    }
    out
}

/// `PATCH …/documents/{documentId}/data-to-sign`: stamps a new notification id (`OrderId`) into an
/// MVD notification and answers the content to sign as `decrypted-content-id`
/// (mvd-notification.rst, steps 5–7; методы работы с черновиками.rst, "Подготовка черновика для
/// добавления подписи"). The draft must have been checked first ("Без проверки черновик нельзя
/// отредактировать для отправки в МВД"); the stamped content replaces the document's, so its
/// signatures go; call it again after any edit.
///
/// Our assumptions: `OrderId` is an attribute of the root element with a 12-digit number (the EPGU
/// order ids are numbers; the notification's schema is not in the vendor's material).
pub async fn data_to_sign(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc_id)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let content = {
        let mut store = shared.lock();
        let checked = store.tasks.values().any(|t| {
            t.owner == id && t.kind == "urn:task-type:check" && t.state == TaskState::Succeed
        });
        let draft = editable(&mut store, account, id)?;
        if draft
            .meta
            .recipient
            .as_ref()
            .is_none_or(|r| r.mvd_code.is_none())
        {
            return Err(ApiError::bad_request(
                "notMvdDraft",
                "data-to-sign prepares MVD notifications: the draft needs recipient.mvd-code",
            ));
        }
        if !checked {
            return Err(ApiError::bad_request(
                "draftIsNotChecked",
                "check the draft first (POST …/check?deferred=true), then prepare the data to sign",
            ));
        }
        document_mut(draft, doc_id)?;
        document_content(&mut store, account, id, doc_id).map_err(|_| {
            ApiError::bad_request("documentHasNoContent", "the document has no content")
        })?
    };
    let bytes = read_limited(content).await?;
    let n = Uuid::new_v4().as_u64_pair().0 % 900_000_000_000 + 100_000_000_000;
    let stamped = stamp_order_id(&bytes, &n.to_string()).ok_or_else(|| {
        ApiError::bad_request(
            "documentIsNotXml",
            "the notification is not an XML document",
        )
    })?;
    let content_id = spooled_content(&shared, account, &stamped).await?;
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?;
    let doc = document_mut(draft, doc_id)?;
    doc.content_id = Some(content_id);
    doc.signatures.clear();
    draft.status = DraftStatus::New;
    Ok(Json(json!({ "decrypted-content-id": content_id })))
}

/// `GET …/documents/{documentId}/decrypted-content` (deprecated): the document's content as a
/// base64 JSON string, 32 MB at most (DraftDocumentsController.rst; the 2018 Swagger's
/// DraftDocuments_GetDocumentContent answers `string`).
pub async fn decrypted_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let content = document_content(&mut shared.lock(), account, id, doc)?;
    Ok(Json(json!(B64.encode(read_limited(content).await?))))
}

/// The body of a legacy setter: raw bytes (`application/octet-stream`, the 2018 Swagger), or a
/// base64 JSON string when sent as JSON (the Java SDK's Gson-serialized `byte[]`).
fn body_bytes(headers: &HeaderMap, body: Bytes) -> ApiResult<Vec<u8>> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let bytes = if json {
        let text: String = serde_json::from_slice(&body).map_err(|_| {
            ApiError::bad_request("invalidRequest", "a JSON body must be a base64 string")
        })?;
        B64.decode(text.trim())
            .map_err(|_| ApiError::bad_request("invalidRequest", "the body is not base64"))?
    } else {
        body.to_vec()
    };
    if bytes.is_empty() {
        return Err(ApiError::bad_request("invalidRequest", "the body is empty"));
    }
    Ok(bytes)
}

/// `PUT …/documents/{documentId}/decrypted-content` (legacy, the 2018 Swagger's
/// DraftDocuments_PutDocumentContent; the Java SDK's updateDecryptedDocumentContent): the body
/// becomes the document's content, described again as an added document is; answers an empty 200.
/// The old signatures no longer match the content and go (our assumption).
pub async fn put_decrypted_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc_id)): Path<(Uuid, Uuid, Uuid)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let bytes = body_bytes(&headers, body)?;
    {
        let mut store = shared.lock();
        document_mut(editable(&mut store, account, id)?, doc_id)?;
    }
    let content = spooled_content(&shared, account, &bytes).await?;
    let mut store = shared.lock();
    let snapshot = editable(&mut store, account, id)?.clone();
    let old = snapshot
        .documents
        .iter()
        .find(|d| d.id == doc_id)
        .ok_or_else(|| ApiError::not_found("document"))?;
    let req = DocumentRequest {
        content_id: Some(content),
        description: Some(DocumentDescriptionRequest {
            type_: old.doc_type.clone(),
            filename: old.filename.clone(),
            content_type: None,
        }),
        ..Default::default()
    };
    let mut doc = describe(&store, &snapshot, account, &req)?;
    doc.id = doc_id;
    let draft = editable(&mut store, account, id)?;
    *document_mut(draft, doc_id)? = doc;
    draft.status = DraftStatus::New;
    Ok(StatusCode::OK)
}

/// `GET …/documents/{documentId}/encrypted-content` (deprecated): once the draft is prepared, the
/// document as the service sends it — zipped, then enveloped for the recipient — as a base64 JSON
/// string (DraftDocumentsController.rst: "Если над черновиком был вызван метод Подготовка …, то в
/// черновике появился зашифрованный контент"); 404 before that. Our assumption: the envelope is
/// made on each call (a fresh content key each time), as the send makes it for the docflow.
pub async fn encrypted_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let (content, name) = {
        let mut store = shared.lock();
        let draft = draft_mut(&mut store, account, id)?;
        if !matches!(
            draft.status,
            DraftStatus::ReadyToSend | DraftStatus::SendInProgress | DraftStatus::Sent
        ) {
            return Err(ApiError::not_found(
                "encrypted content (the draft has not been prepared)",
            ));
        }
        let name = document_mut(draft, doc)?
            .filename
            .clone()
            .unwrap_or_default();
        (document_content(&mut store, account, id, doc)?, name)
    };
    let plain = read_limited(content).await?;
    let recipient = shared.inspection_encryption_certificate().to_vec();
    let compression = crate::formats::compression::Compression::of(shared.config.older_forms);
    let sealed = tokio::task::spawn_blocking(move || {
        let packed = compression.pack(&name, &plain).map_err(|e| e.to_string())?;
        crate::pki::sealing::envelope(&[recipient], &packed)
    })
    .await
    .map_err(internal)?
    .map_err(internal)?
    .ok_or_else(|| internal("the recipient's certificate cannot receive an envelope"))?;
    Ok(Json(json!(B64.encode(sealed.0))))
}

/// `GET …/documents/{documentId}/signature` (legacy single signature; DraftDocumentsController.rst
/// "GET SignatureContent", the Java SDK's getSignatureContent): the document's signature as a
/// base64 JSON string; 404 when it has none. With several, the first is answered.
pub async fn signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let draft = draft_mut(&mut store, account, id)?;
    let sig = document_mut(draft, doc)?
        .signatures
        .first()
        .map(|s| s.bytes.clone())
        .ok_or_else(|| ApiError::not_found("signature"))?;
    Ok(Json(json!(
        B64.encode(shared.signature_bytes(&store, &sig))
    )))
}

/// `PUT …/documents/{documentId}/signature` (legacy; the 2018 Swagger's
/// DraftDocuments_PutDocumentSignature, the Java SDK's updateSignature with the raw bytes): the
/// body, a detached CMS signature, becomes the document's only signature; answers an empty 200.
/// Stored as given and judged at check, as signatures added the current way are.
pub async fn put_signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let mut bytes = body_bytes(&headers, body)?;
    let raw_expected = {
        let mut store = shared.lock();
        let draft = editable(&mut store, account, id)?;
        document_mut(draft, doc)?.xml_signing.is_some()
    };
    // A raw signature may start with any byte: base64 text is recognized by its alphabet.
    if raw_expected
        && let Some(decoded) = std::str::from_utf8(&bytes)
            .ok()
            .filter(|t| {
                t.trim()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
            })
            .and_then(|t| B64.decode(t.trim()).ok())
    {
        bytes = decoded;
    }
    // DER starts with a SEQUENCE tag; anything else is taken for base64 text when it decodes.
    if !raw_expected
        && bytes.first() != Some(&0x30)
        && let Some(decoded) = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| B64.decode(t.trim()).ok())
    {
        bytes = decoded;
    }
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?;
    let document = document_mut(draft, doc)?;
    // A Social Fund report the service signs: the raw signature of its data-to-sign
    // (docs/manuals/xmldsig.rst), judged when prepare inserts the ds:Signature.
    if let Some(signing) = document.xml_signing.as_mut() {
        signing.signature = Some(bytes);
        draft.status = DraftStatus::New;
        return Ok(StatusCode::OK);
    }
    let sig = drafts::parse_signature(&B64.encode(&bytes))?;
    document.signatures = vec![sig];
    draft.status = DraftStatus::New;
    Ok(StatusCode::OK)
}

/// The content types and document types that print (docs/knowledge base/print.rst).
const PRINTABLE_CONTENT: &[&str] = &["application/octet-stream", "application/xml", "text/xml"];
const UNPRINTABLE_TYPES: &[&str] = &[
    "urn:document:fns534-report-description",
    "urn:document:fns534-report-attachment",
    "urn:document:fns534-letter-description",
    "urn:document:fns534-letter-attachment",
    "urn:document:fns534-submission-description",
    "urn:document:fns534-application-description",
    "urn:document:stat-report-description",
    "urn:document:pfr-report-description",
    "urn:document:pfr-report-attachment",
    "urn:document:pfr-report-error-description",
    "urn:document:pfr-report-protocol-appendix",
    "urn:document:fss-report-date-confirmation",
    "urn:document:fss-report-error",
    "urn:document:fss-report-error-receipt",
    "urn:document:fss-report-receipt",
];

/// `GET …/documents/{documentId}/print?deferred=true`: starts a print task, 202 with the task
/// (DraftDocumentsController.rst, "Печать документа": 202 Accepted, the result by GET
/// DraftDocumentTask; 400 documentPrintUnsupported for a content or document type that does not
/// print, the list of docs/knowledge base/print.rst). `deferred=true` is required (the synchronous
/// form was removed in May 2022). A sent draft prints with the docflow's stamps.
///
/// The task type `urn:task-type:print` is the Java SDK's TaskType.PRINT (the docs name only
/// `docflowPrint`, for docflow documents).
pub async fn print(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    Query(q): Query<Deferred>,
) -> ApiResult<Response> {
    q.require()?;
    let mut store = shared.lock();
    let draft = draft_mut(&mut store, account, id)?;
    let sent = draft.status == DraftStatus::Sent;
    let (meta, docflow) = (draft.meta.clone(), draft.docflow_id);
    let d = document_mut(draft, doc)?.clone();
    let unsupported = |why: String| ApiError::bad_request("documentPrintUnsupported", why);
    let content_type = d.content_type.clone().unwrap_or_default();
    if !PRINTABLE_CONTENT.contains(&content_type.as_str()) {
        return Err(unsupported(format!(
            "content type {content_type:?} does not print"
        )));
    }
    let doc_type = d.doc_type.clone().unwrap_or_default();
    if UNPRINTABLE_TYPES.contains(&doc_type.as_str()) {
        return Err(unsupported(format!("{doc_type} does not print")));
    }
    if !d
        .content_id
        .and_then(|c| store.contents.get(&c))
        .is_some_and(Content::is_complete)
    {
        return Err(unsupported("the document has no content".into()));
    }
    let sender = meta.sender.unwrap_or_default();
    let recipient = meta.recipient.unwrap_or_default();
    let recipient = [
        recipient.ifns_code,
        recipient.registration_ifns_code,
        recipient.mri_code,
        recipient.togs_code,
        recipient.upfr_code,
        recipient.sfr_code,
        recipient.fss_code,
        recipient.mvd_code,
    ]
    .into_iter()
    .flatten()
    .next()
    .unwrap_or_default();
    let fields = [
        ("Document type", doc_type),
        ("File name", d.filename.unwrap_or_default()),
        ("Draft", id.to_string()),
        ("Document", doc.to_string()),
        (
            "Docflow",
            docflow.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("INN", sender.inn),
        ("KPP", sender.kpp.unwrap_or_default()),
        ("Recipient", recipient),
        ("Stamp", if sent { "sent" } else { "" }.to_string()),
    ];
    let started = crate::api::print::start(
        &shared,
        &mut store,
        account,
        doc,
        "urn:task-type:print",
        &fields,
    );
    Ok((StatusCode::ACCEPTED, Json(started)).into_response())
}

/// `GET …/documents/{documentId}/tasks/{apiTaskId}`: a task of the document (the print task; its
/// result `{content-id}` of the PDF — DraftDocumentsController.rst, GET DraftDocumentTask).
pub async fn document_task(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, task)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    draft_mut(&mut store, account, id)?;
    let t = store
        .tasks
        .get(&task)
        .filter(|t| t.account_id == account && t.owner == doc)
        .ok_or_else(|| ApiError::not_found("task"))?;
    Ok(Json(crate::views::render_task(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_id_goes_on_the_root_element() {
        let xml = b"<?xml version=\"1.0\"?>\n<!-- c --><root a=\"1\"><x/></root>";
        let out = String::from_utf8(stamp_order_id(xml, "42").unwrap()).unwrap();
        assert_eq!(
            out,
            "<?xml version=\"1.0\"?>\n<!-- c --><root OrderId=\"42\" a=\"1\"><x/></root>"
        );
        let again = String::from_utf8(stamp_order_id(out.as_bytes(), "43").unwrap()).unwrap();
        assert_eq!(
            again,
            "<?xml version=\"1.0\"?>\n<!-- c --><root OrderId=\"43\" a=\"1\"><x/></root>"
        );
        let empty = String::from_utf8(stamp_order_id(b"<r/>", "1").unwrap()).unwrap();
        assert_eq!(empty, "<r OrderId=\"1\"/>");
        assert!(stamp_order_id(b"%PDF-1.4", "1").is_none());
    }
}
