//! Drafts: what is being prepared for sending, and their documents and signatures.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::formats::wire::{DocumentRequest, DraftMeta, SignatureRequest};
use crate::identity::scope::AccountScope;
use crate::views::{draft_path, render_signature};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::formats::report_file::{self, HEAD_BYTES};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path, Query};
use crate::pki;
use crate::state::Shared;
use crate::state::vocabulary::DraftStatus;
use crate::state::{Draft, DraftDocument, Signature, Store};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub(crate) fn render_document(shared: &Shared, draft: &Draft, doc: &DraftDocument) -> Value {
    let base = format!(
        "{}/documents/{}",
        draft_path(draft.account_id, draft.id),
        doc.id
    );
    // What is not known yet (a document without content) is left out, not sent as null.
    let mut description = json!({ "properties": doc.properties });
    for (key, value) in [
        ("type", &doc.doc_type),
        ("filename", &doc.filename),
        ("content-type", &doc.content_type),
    ] {
        if let Some(v) = value {
            description[key] = json!(v);
        }
    }
    let mut rendered = json!({
        "id": doc.id,
        // The empty `rel` is the vendor's (send_report.rst, "Ответ POST Add Document").
        "decrypted-content-link": { "rel": "", "href": shared.url(&format!("{base}/decrypted-content")) },
        "description": description,
        "contents": doc.content_id.map(|c| vec![json!({ "content-id": c, "encrypted": false })]).unwrap_or_default(),
        "signatures": doc.signatures.iter().map(|s| render_signature(shared, &base, s)).collect::<Vec<_>>(),
        "links": [{ "rel": "self", "href": shared.url(&base) }],
    });
    // Only while the service signs the report (docs/manuals/xmldsig.rst).
    if let Some(signing) = &doc.xml_signing {
        rendered["data-to-sign-content-id"] = json!(signing.data_to_sign_content_id);
    }
    rendered
}

pub fn render_draft(shared: &Shared, draft: &Draft) -> Value {
    let base = draft_path(draft.account_id, draft.id);
    let mut v = json!({
        "id": draft.id,
        "meta": draft.meta,
        "status": draft.status.as_str(),
        "documents": draft.documents.iter().map(|d| json!({ "rel": "document", "href": shared.url(&format!("{base}/documents/{}", d.id)) })).collect::<Vec<_>>(),
        "docflows": draft.docflow_id.map(|d| vec![json!({ "rel": "docflow", "href": shared.url(&format!("/v1/{}/docflows/{d}", draft.account_id)) })]).unwrap_or_default(),
        "links": [{ "rel": "self", "href": shared.url(&base) }],
    });
    if let Some(d) = draft.docflow_id {
        v["docflow-id"] = json!(d);
    }
    v
}

pub(crate) fn draft_mut(store: &mut Store, account: Uuid, id: Uuid) -> ApiResult<&mut Draft> {
    store
        .drafts
        .get_mut(&id)
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("draft"))
}

/// A draft that may change: not locked by a running task, not sent.
pub(crate) fn editable(store: &mut Store, account: Uuid, id: Uuid) -> ApiResult<&mut Draft> {
    if let Some(task) = draft_mut(store, account, id)?.busy_task {
        return Err(crate::views::busy(store, task));
    }
    let draft = draft_mut(store, account, id)?;
    if draft.status == DraftStatus::Sent {
        return Err(ApiError::bad_request(
            "draftAlreadySent",
            "the draft has been sent and can no longer change",
        ));
    }
    Ok(draft)
}

pub(crate) fn validate_meta(meta: &DraftMeta) -> ApiResult<()> {
    let Some(sender) = &meta.sender else {
        return Err(ApiError::bad_request(
            "invalidDraftMeta",
            "sender is required",
        ));
    };
    let digits =
        |s: &str, lens: &[usize]| lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(&sender.inn, &[10, 12]) {
        return Err(ApiError::bad_request(
            "invalidDraftMeta",
            format!("sender.inn {:?} must be 10 or 12 digits", sender.inn),
        ));
    }
    if let Some(kpp) = &sender.kpp
        && kpp.len() != 9
    {
        return Err(ApiError::bad_request(
            "invalidDraftMeta",
            format!("sender.kpp {kpp:?} must be 9 characters"),
        ));
    }
    if let Some(cert) = sender.certificate.as_ref()
        && B64.decode(&cert.content).is_err()
    {
        return Err(ApiError::bad_request(
            "invalidDraftMeta",
            "sender.certificate.content is not base64",
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct Paging {
    skip: Option<usize>,
    take: Option<usize>,
}

/// `GET /v1/{accountId}/drafts`
pub async fn list(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let mut drafts: Vec<&Draft> = store
        .drafts
        .values()
        .filter(|d| d.account_id == account)
        .collect();
    drafts.sort_by_key(|d| d.id);
    let (skip, take) = (p.skip.unwrap_or(0), p.take.unwrap_or(100).min(1000));
    Ok(Json(json!({
        "skip": skip, "take": take, "total-count": drafts.len(),
        "drafts": drafts.iter().skip(skip).take(take).map(|d| render_draft(&shared, d)).collect::<Vec<_>>(),
    })))
}

/// `POST /v1/{accountId}/drafts`
pub async fn create(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
    JsonBody(meta): JsonBody<DraftMeta>,
) -> ApiResult<Response> {
    validate_meta(&meta)?;
    let meta = with_names(&shared.lock(), account, meta);
    let draft = Draft {
        id: Uuid::new_v4(),
        account_id: account,
        meta,
        status: DraftStatus::New,
        documents: Vec::new(),
        docflow_id: None,
        busy_task: None,
        docflow_type: None,
    };
    let body = render_draft(&shared, &draft);
    shared.lock().drafts.insert(draft.id, draft);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /v1/{accountId}/drafts/{draftId}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let draft = draft_mut(&mut store, account, id)?;
    Ok(Json(render_draft(&shared, draft)))
}

/// `DELETE /v1/{accountId}/drafts/{draftId}`
pub async fn delete(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    if let Some(task) = draft_mut(&mut store, account, id)?.busy_task {
        return Err(crate::views::busy(&store, task));
    }
    store.drafts.remove(&id);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/{accountId}/drafts/{draftId}/meta`
pub async fn get_meta(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    Ok(Json(json!(draft_mut(&mut store, account, id)?.meta)))
}

/// `PUT /v1/{accountId}/drafts/{draftId}/meta`
pub async fn put_meta(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    JsonBody(meta): JsonBody<DraftMeta>,
) -> ApiResult<Json<Value>> {
    validate_meta(&meta)?;
    let mut store = shared.lock();
    let meta = with_names(&store, account, meta);
    let draft = editable(&mut store, account, id)?;
    draft.meta = meta;
    draft.status = DraftStatus::New;
    Ok(Json(json!(draft.meta)))
}

/// The server fills in the sender's and payer's names from the account's organizations
/// (`meta.sender.name`, `meta.payer.name` in send_report.rst's "Ответ POST CreateDraft").
pub(crate) fn with_names(store: &Store, account: Uuid, mut meta: DraftMeta) -> DraftMeta {
    let name = |inn: &str| {
        store
            .organizations
            .iter()
            .find(|o| o.account_id == account && o.inn == inn)
            .map(|o| o.name.clone())
    };
    if let Some(sender) = meta.sender.as_mut().filter(|s| s.name.is_none()) {
        sender.name = name(&sender.inn);
    }
    if let Some(payer) = meta.payer.as_mut().filter(|p| p.name.is_none()) {
        payer.name = payer.inn.as_deref().and_then(name);
    }
    meta
}

/// A request whose content comes inline (`base64-content`) stores it and names it by `content-id`.
fn inline_content(
    shared: &Shared,
    store: &mut Store,
    account: Uuid,
    mut req: DocumentRequest,
) -> ApiResult<DocumentRequest> {
    if let Some(b64) = req
        .base64_content
        .take()
        .filter(|_| req.content_id.is_none())
    {
        let bytes = B64.decode(b64.trim()).map_err(|_| {
            ApiError::bad_request("invalidDocument", "base64-content is not base64")
        })?;
        req.content_id = Some(shared.put_content(store, account, &bytes));
    }
    Ok(req)
}

/// The properties of an FNS report, with the keys and value forms of send_report.rst's
/// "Ответ POST Add Document" (dates `MM.dd.yyyy`, booleans `"True"`, unknown values `null`).
fn report_properties(header: &report_file::ReportHeader) -> Vec<(String, Option<String>)> {
    let knd = header.knd.clone();
    let (form_name, _) = crate::formats::forms::names(knd.as_deref().unwrap_or(""));
    let bounds = header
        .period
        .as_deref()
        .zip(header.year.as_deref())
        .and_then(|(code, year)| crate::formats::forms::period_dates(code, year));
    let date = |d: chrono::NaiveDate| d.format("%m.%d.%Y").to_string();
    vec![
        ("FormName".into(), Some(form_name)),
        ("КНД".into(), knd),
        (
            "CorrectionNumber".into(),
            header.correction.clone().or(Some("0".into())),
        ),
        ("IsPrintable".into(), Some("True".into())),
        (
            "Period".into(),
            header
                .period
                .as_deref()
                .zip(header.year.as_deref())
                .map(|(c, y)| crate::formats::forms::period_name(c, y)),
        ),
        ("OriginalFilename".into(), None),
        ("SvdregCode".into(), None),
        ("contentType".into(), Some("Xml".into())),
        ("AccountingPeriodBegin".into(), bounds.map(|(b, _)| date(b))),
        ("AccountingPeriodEnd".into(), bounds.map(|(_, e)| date(e))),
    ]
}

/// Type, file name, encoding and form of a document, read from its content.
pub(crate) fn describe(
    store: &Store,
    draft: &Draft,
    account: Uuid,
    req: &DocumentRequest,
) -> ApiResult<DraftDocument> {
    let Some(content_id) = req.content_id else {
        // A document without content yet, described by the request alone (the C# SDK's
        // End2End test Should_send_a_correct_draft_without_content puts one).
        let d = req.description.as_ref();
        return Ok(DraftDocument {
            id: Uuid::new_v4(),
            content_id: None,
            doc_type: d.and_then(|d| d.type_.clone()).map(|t| {
                if t.starts_with("urn:") {
                    t
                } else {
                    format!("urn:document:{t}")
                }
            }),
            filename: d.and_then(|d| d.filename.clone()),
            content_type: d.and_then(|d| d.content_type.clone()),
            properties: BTreeMap::new(),
            signatures: Vec::new(),
            xml_signing: None,
        });
    };
    let content = store
        .contents
        .get(&content_id)
        .filter(|c| c.account_id == account)
        .ok_or_else(|| {
            ApiError::bad_request(
                "contentNotFound",
                format!("content {content_id} does not exist"),
            )
        })?;
    if !content.is_complete() {
        return Err(ApiError::bad_request(
            "contentIsNotComplete",
            format!("content {content_id} has missing parts"),
        ));
    }
    let head = content
        .head(HEAD_BYTES)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let header = report_file::read_header(&head);
    let rosstat = draft
        .meta
        .recipient
        .as_ref()
        .is_some_and(|r| r.togs_code.is_some());
    let mut properties = BTreeMap::new();
    let mut content_type = Some(
        if header.not_xml {
            "application/octet-stream"
        } else {
            "application/xml"
        }
        .to_string(),
    );
    if !header.not_xml {
        properties.insert(
            "Encoding".to_string(),
            Some(header.declared_encoding.clone()),
        );
    }
    let (mut doc_type, mut filename) = if let Some(id) = &header.file_id {
        properties.extend(report_properties(&header));
        (
            report_file::fns_document_type(id).to_string(),
            Some(format!("{id}.xml")),
        )
    } else if let Some(code) = &header.rosstat_code {
        (
            "urn:document:stat-report".to_string(),
            Some(format!("{code}.xml")),
        )
    } else {
        let t = if rosstat {
            "urn:document:stat-report-attachment"
        } else {
            "urn:document:fns534-report-attachment"
        };
        (t.to_string(), None)
    };
    if let Some(d) = &req.description {
        if let Some(t) = &d.type_ {
            doc_type = if t.starts_with("urn:") {
                t.clone()
            } else {
                format!("urn:document:{t}")
            };
        }
        if let Some(f) = &d.filename {
            filename = Some(f.clone());
        }
        if let Some(c) = &d.content_type {
            content_type = Some(c.clone());
        }
    }
    if filename.is_none() {
        return Err(ApiError::bad_request(
            "invalidDocument",
            "the file name could not be detected from the content: give description.filename",
        ));
    }
    Ok(DraftDocument {
        id: Uuid::new_v4(),
        content_id: Some(content_id),
        doc_type: Some(doc_type),
        filename,
        content_type,
        properties,
        signatures: Vec::new(),
        xml_signing: None,
    })
}

/// `POST /v1/{accountId}/drafts/{draftId}/documents`
pub async fn add_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    JsonBody(req): JsonBody<DocumentRequest>,
) -> ApiResult<Response> {
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?.clone();
    let req = inline_content(&shared, &mut store, account, req)?;
    let mut doc = describe(&store, &draft, account, &req)?;
    if crate::check::xml_signature::OVED_REQUESTS.contains(&doc.doc_type.as_deref().unwrap_or("")) {
        // Signed by the service from a raw signature: data-to-sign comes with this answer.
        doc.xml_signing = Some(prepare_xml_signing(&shared, &mut store, &draft, &doc)?);
    } else if let Some(sig) = &req.signature {
        doc.signatures.push(parse_signature(sig)?);
    }
    let draft = editable(&mut store, account, id)?;
    draft.documents.push(doc.clone());
    draft.status = DraftStatus::New;
    let body = render_document(&shared, draft, &doc);
    // 200, as docs/FNS/report/send_report.rst's "Ответ POST Add Document" (older material: 201).
    Ok((added(&shared), Json(body)).into_response())
}

/// The largest request the service signs inside here (a SOAP request; reports are checked at
/// 64 MiB).
const MAX_SIGNED_INSIDE: u64 = 16 * 1024 * 1024;

/// The `data-to-sign` of a document the service signs inside, for the draft's sender's
/// certificate (docs/scenarios/SFR/poved.rst, step 4).
fn prepare_xml_signing(
    shared: &Shared,
    store: &mut crate::state::Store,
    draft: &Draft,
    doc: &DraftDocument,
) -> ApiResult<crate::state::XmlSigning> {
    let refuse = |why: String| ApiError::bad_request("invalidDocument", why);
    let certificate = draft
        .meta
        .sender
        .as_ref()
        .and_then(|s| s.certificate.as_ref())
        .and_then(|c| B64.decode(&c.content).ok())
        .ok_or_else(|| {
            refuse("the draft's sender.certificate is needed to prepare data-to-sign".into())
        })?;
    let xml = doc
        .content_id
        .and_then(|c| store.contents.get(&c))
        .filter(|c| c.total.is_some_and(|t| t <= MAX_SIGNED_INSIDE))
        .and_then(|c| c.bytes().ok())
        .ok_or_else(|| {
            refuse(format!(
                "the document's content is not uploaded whole, or is over {MAX_SIGNED_INSIDE} bytes"
            ))
        })?;
    let prepared = crate::pki::xmldsig::data_to_sign(&xml, &certificate)
        .map_err(|e| refuse(format!("no data-to-sign for this document: {e}")))?;
    let content = shared.put_content(store, draft.account_id, &prepared.canonical);
    Ok(crate::state::XmlSigning {
        data_to_sign_content_id: content,
        signed_info: prepared.signed_info,
        certificate,
        signature: None,
    })
}

/// `GET /v1/{accountId}/drafts/{draftId}/documents/{documentId}`
pub async fn get_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let draft = draft_mut(&mut store, account, id)?;
    let d = draft
        .documents
        .iter()
        .find(|d| d.id == doc)
        .ok_or_else(|| ApiError::not_found("document"))?;
    Ok(Json(render_document(&shared, draft, d)))
}

/// `PUT /v1/{accountId}/drafts/{draftId}/documents/{documentId}` (upsert under the caller's id)
pub async fn put_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc_id)): Path<(Uuid, Uuid, Uuid)>,
    JsonBody(req): JsonBody<DocumentRequest>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?.clone();
    let req = inline_content(&shared, &mut store, account, req)?;
    let mut doc = describe(&store, &draft, account, &req)?;
    doc.id = doc_id;
    if let Some(sig) = &req.signature {
        doc.signatures.push(parse_signature(sig)?);
    }
    let draft = editable(&mut store, account, id)?;
    match draft.documents.iter_mut().find(|d| d.id == doc_id) {
        Some(existing) => *existing = doc.clone(),
        None => draft.documents.push(doc.clone()),
    }
    draft.status = DraftStatus::New;
    Ok(Json(render_document(&shared, draft, &doc)))
}

/// `DELETE /v1/{accountId}/drafts/{draftId}/documents/{documentId}`
pub async fn delete_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?;
    let before = draft.documents.len();
    draft.documents.retain(|d| d.id != doc);
    if draft.documents.len() == before {
        return Err(ApiError::not_found("document"));
    }
    draft.status = DraftStatus::New;
    Ok(StatusCode::NO_CONTENT)
}

/// A base64 CMS signature; its certificate names the signer. Verification happens at check.
pub(crate) fn parse_signature(b64: &str) -> ApiResult<Signature> {
    let bytes = B64
        .decode(b64.trim())
        .map_err(|_| ApiError::bad_request("invalidSignature", "base64-content is not base64"))?;
    // The service stores what it is given and judges it at check (the C# SDK's End2End tests add
    // a certificate's bytes, even the three bytes `AQID`, as a signature and get a success).
    let (thumbprint, title) = match pki::signer_certificate(&bytes) {
        Ok((der, info)) => (pki::thumbprint(&der), info.title()),
        Err(_) => (String::new(), String::new()),
    };
    Ok(Signature {
        id: Uuid::new_v4(),
        bytes: bytes.into(),
        thumbprint: thumbprint.into(),
        title: title.into(),
        signer_type: "organization-representative",
    })
}

/// The status of an added document or signature: 200 (send_report.rst), 201 in the older forms.
fn added(shared: &Shared) -> StatusCode {
    if shared.config.older_forms {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

pub(crate) fn document_mut(draft: &mut Draft, doc: Uuid) -> ApiResult<&mut DraftDocument> {
    draft
        .documents
        .iter_mut()
        .find(|d| d.id == doc)
        .ok_or_else(|| ApiError::not_found("document"))
}

/// `POST …/documents/{documentId}/signatures`
pub async fn add_signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    JsonBody(req): JsonBody<SignatureRequest>,
) -> ApiResult<Response> {
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?;
    let base = format!("{}/documents/{doc}", draft_path(account, id));
    let document = document_mut(draft, doc)?;
    // A document the service signs inside (ПОВЭД, poved.rst step 6): the raw signature of its
    // data-to-sign, judged when the ds:Signature is inserted.
    if let Some(signing) = document.xml_signing.as_mut() {
        let raw = B64.decode(req.base64_content.trim()).map_err(|_| {
            ApiError::bad_request("invalidSignature", "base64-content is not base64")
        })?;
        signing.signature = Some(raw);
        draft.status = DraftStatus::New;
        let id = Uuid::new_v4();
        let body = json!({ "id": id, "links": [{ "rel": "self", "href": shared.url(&format!("{base}/signatures/{id}")) }] });
        return Ok((added(&shared), Json(body)).into_response());
    }
    let sig = parse_signature(&req.base64_content)?;
    document.signatures.push(sig.clone());
    draft.status = DraftStatus::New;
    // 200, as docs/FNS/report/send_report.rst's "Ответ POST AddSignature" (older material: 201).
    Ok((added(&shared), Json(render_signature(&shared, &base, &sig))).into_response())
}

/// `GET …/signatures/{signatureId}`
pub async fn get_signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, sig)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let draft = draft_mut(&mut store, account, id)?;
    let s = document_mut(draft, doc)?
        .signatures
        .iter()
        .find(|s| s.id == sig)
        .cloned()
        .ok_or_else(|| ApiError::not_found("signature"))?;
    Ok(Json(render_signature(
        &shared,
        &format!("{}/documents/{doc}", draft_path(account, id)),
        &s,
    )))
}

/// `PUT …/signatures/{signatureId}`
pub async fn put_signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, sig_id)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    JsonBody(req): JsonBody<SignatureRequest>,
) -> ApiResult<Json<Value>> {
    let mut sig = parse_signature(&req.base64_content)?;
    sig.id = sig_id;
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?;
    let document = document_mut(draft, doc)?;
    match document.signatures.iter_mut().find(|s| s.id == sig_id) {
        Some(s) => *s = sig.clone(),
        None => document.signatures.push(sig.clone()),
    }
    draft.status = DraftStatus::New;
    Ok(Json(render_signature(
        &shared,
        &format!("{}/documents/{doc}", draft_path(account, id)),
        &sig,
    )))
}

/// `DELETE …/signatures/{signatureId}`
pub async fn delete_signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, sig)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    let draft = editable(&mut store, account, id)?;
    let document = document_mut(draft, doc)?;
    let before = document.signatures.len();
    document.signatures.retain(|s| s.id != sig);
    if document.signatures.len() == before {
        return Err(ApiError::not_found("signature"));
    }
    draft.status = DraftStatus::New;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET …/signatures/{signatureId}/content`: the signature as a base64 JSON string.
pub async fn signature_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, sig)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let draft = draft_mut(&mut store, account, id)?;
    let s = document_mut(draft, doc)?
        .signatures
        .iter()
        .find(|s| s.id == sig)
        .ok_or_else(|| ApiError::not_found("signature"))?;
    Ok(Json(json!(B64.encode(s.bytes.stored()))))
}
