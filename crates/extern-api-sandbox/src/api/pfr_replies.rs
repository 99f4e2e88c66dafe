//! PFR replies: a reply made of several documents, for docflows with the PFR
//! (skbkontur/extern-api-docs docs/dc/ответный документ.rst, "Методы для работы с ответными
//! документами в ПФР"; skbkontur/extern-java-sdk DocflowsApi.java and model/pfr/PfrReply.java,
//! PfrReplyDocument.java). The service generates every reply document encrypted for the signer's
//! certificate (`encrypted-content`); the subscriber decrypts it and stores what it decrypted
//! (`PUT …/documents/{replyDocumentId}/decrypted-content`), signs that (`PUT …/signature`, a
//! detached CMS signature, as the Java SDK's PfrReportDssTestScenarioIT signs it) — or has the
//! whole reply signed in the cloud (PfrReportCloudTestScenarioIT) — then sends it, which moves
//! the docflow on like an FNS reply does.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::api::cloud;
use crate::formats::wire::{GenerateReplyRequest, SendReplyRequest};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path};
use crate::identity::scope::AccountScope;
use crate::pki::{self};
use crate::state::Shared;
use crate::state::Target;
use crate::state::{DocflowDocument, Origin, Signature, Store};
use crate::state::{PfrReply, PfrReplyDocument};
use crate::views::{docflow_path, pfr_reply_path, render_docflow};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Unsent replies kept per answered document; generating more drops the oldest (bounded memory).
const MAX_UNSENT: usize = 16;

pub fn routes() -> Router<Arc<Shared>> {
    let doc = "/v1/{account}/docflows/{docflow}/documents/{document}";
    let reply = format!("{doc}/pfr-replies/{{reply}}");
    Router::new()
        .route(&format!("{doc}/pfr-generate-reply"), post(generate))
        .route(&reply, get(get_reply))
        .route(
            &format!("{reply}/documents/{{reply_document}}/decrypted-content"),
            put(put_decrypted),
        )
        .route(
            &format!("{reply}/documents/{{reply_document}}/signature"),
            put(put_signature),
        )
        .route(&format!("{reply}/send"), post(send))
        .route(&format!("{reply}/cloud-sign"), post(cloud_sign))
        .route(&format!("{reply}/cloud-sign-confirm"), post(cloud_confirm))
        .route(&format!("{reply}/tasks/{{task}}"), get(task))
}

/// Docflows with the PFR (`urn:docflow:pfr-report`, `pfr-letter`, `pfr-ios`, …): the ones the
/// docs page lists these methods for.
fn is_pfr(docflow_type: &str) -> bool {
    docflow_type.starts_with("urn:docflow:pfr-")
}

/// The reply as PfrReply.java reads it; each document carries the links PfrReplyDocument.java
/// looks up (`docflow`, `save-signature`, `send`, `sign`, `sign-confirm`).
fn render(shared: &Shared, r: &PfrReply) -> Value {
    let base = pfr_reply_path(r);
    let docflow = docflow_path(r.account_id, r.docflow_id);
    let link = |rel: &str, path: &str| json!({ "rel": rel, "href": shared.url(path) });
    let documents: Vec<Value> = r
        .documents
        .iter()
        .map(|d| {
            let mut v = json!({
                "id": d.id,
                "reply-id": r.id,
                "docflow-id": r.docflow_id,
                "document-id": r.document_id,
                "links": [
                    link("docflow", &docflow),
                    link("save-signature", &format!("{base}/documents/{}/signature", d.id)),
                    link("send", &format!("{base}/send")),
                    link("sign", &format!("{base}/cloud-sign")),
                    link("sign-confirm", &format!("{base}/cloud-sign-confirm")),
                ],
            });
            for (key, bytes) in [
                ("encrypted-content", &d.encrypted),
                ("decrypted-content", &d.decrypted),
                ("signature", &d.signature),
            ] {
                if let Some(b) = bytes {
                    v[key] = json!(B64.encode(b));
                }
            }
            v
        })
        .collect();
    json!({
        "id": r.id,
        "docflow-id": r.docflow_id,
        "documents": documents,
        "links": [
            link("self", &base),
            link("docflow", &docflow),
            link("send", &format!("{base}/send")),
            link("sign", &format!("{base}/cloud-sign")),
            link("sign-confirm", &format!("{base}/cloud-sign-confirm")),
        ],
    })
}

/// `documentType` (with or without `urn:document:`), required.
fn document_type(raw: Option<&str>) -> ApiResult<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalidQuery", e.to_string()))?;
    pairs
        .into_iter()
        .find(|(k, _)| k == "documentType")
        .map(|(_, v)| v.strip_prefix("urn:document:").unwrap_or(&v).to_string())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request("invalidQuery", "documentType is required"))
}

/// A confirmation of receipt of one document from the PFR (the sandbox's own small XML).
fn receipt_xml(filename: &str, signer: &str, at: DateTime<Utc>) -> Vec<u8> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<ПодтверждениеПолучения ВерсПрог=\"extern-api-sandbox\">\
         <ИмяФайла>{filename}</ИмяФайла><ДатаПолучения>{}</ДатаПолучения><Подписант>{signer}</Подписант></ПодтверждениеПолучения>\n",
        at.format("%d.%m.%Y"),
    );
    encoding_rs::WINDOWS_1251.encode(&xml).0.into_owned()
}

/// `POST …/documents/{documentId}/pfr-generate-reply?documentType=…` `{certificate-base64}` →
/// 201 PfrReply. The shape allows several documents; the vendor names none, so the sandbox's
/// reply holds one: the confirmation of receipt of the answered document. Refusals as for an FNS
/// reply (docs/dc/ответный документ.rst, "Генерация ответного документа"), plus 400 for a
/// docflow that is not a PFR one.
async fn generate(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow_id, document_id)): Path<(Uuid, Uuid, Uuid)>,
    RawQuery(query): RawQuery,
    JsonBody(body): JsonBody<GenerateReplyRequest>,
) -> ApiResult<Response> {
    let reply_type = document_type(query.as_deref())?;
    let cert = B64.decode(body.certificate_base64.trim()).map_err(|_| {
        ApiError::bad_request("invalidCertificate", "certificate-base64 is not base64")
    })?;
    let now = shared.clock.now();
    let info = shared
        .ca
        .check_certificate(&cert, now)
        .map_err(|e| ApiError::bad_request("invalidCertificate", e.to_string()))?;
    let mut guard = shared.lock();
    let store = &mut *guard;
    let docflow = store
        .docflows
        .get(&docflow_id)
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("docflow"))?;
    if !is_pfr(&docflow.doc_type) {
        return Err(ApiError::bad_request(
            "notPfrDocflow",
            format!(
                "{} is not a docflow with the PFR: answer it with generate-reply",
                docflow.doc_type
            ),
        ));
    }
    let doc = docflow
        .documents
        .iter()
        .find(|d| d.id == document_id)
        .ok_or_else(|| ApiError::not_found("document"))?;
    crate::api::replies::refuse_undue(
        &doc,
        &reply_type,
        || {
            store
                .pfr_replies
                .values()
                .any(|r| r.document_id == document_id && r.doc_type == reply_type && r.sent)
        },
        &docflow.inn,
        info.inn.as_deref(),
    )?;
    let plain = receipt_xml(&doc.filename, &info.common_name, now);
    // RSA certificates (and GOST ones with the feature `gost`) receive it encrypted; for others
    // (no key transport in the sandbox) the plain document is given as already decrypted.
    let encrypted = crate::pki::sealing::envelope(std::slice::from_ref(&cert), &plain)
        .ok()
        .flatten()
        .map(|(der, _)| der);
    let documents = vec![PfrReplyDocument {
        id: Uuid::new_v4(),
        filename: format!(
            "PODTV_{}",
            if doc.filename.is_empty() {
                "document.xml"
            } else {
                &doc.filename
            }
        ),
        decrypted: encrypted.is_none().then_some(plain),
        encrypted,
        signature: None,
    }];
    let reply = PfrReply {
        id: Uuid::new_v4(),
        account_id: account,
        docflow_id,
        document_id,
        doc_type: reply_type,
        certificate: cert,
        documents,
        created: now,
        sent: false,
    };
    drop_oldest_unsent(store, document_id);
    let body = render(&shared, &reply);
    store.pfr_replies.insert(reply.id, reply);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Keeps fewer than [`MAX_UNSENT`] unsent replies on a document, dropping the oldest.
fn drop_oldest_unsent(store: &mut Store, document: Uuid) {
    let mut unsent: Vec<(DateTime<Utc>, Uuid)> = store
        .pfr_replies
        .values()
        .filter(|r| r.document_id == document && !r.sent)
        .map(|r| (r.created, r.id))
        .collect();
    if unsent.len() < MAX_UNSENT {
        return;
    }
    unsent.sort();
    for (_, id) in unsent.iter().take(unsent.len() + 1 - MAX_UNSENT) {
        store.pfr_replies.remove(id);
    }
}

fn find(
    store: &mut Store,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
    id: Uuid,
) -> ApiResult<&mut PfrReply> {
    store
        .pfr_replies
        .get_mut(&id)
        .filter(|r| r.account_id == account && r.docflow_id == docflow && r.document_id == document)
        .ok_or_else(|| ApiError::not_found("reply"))
}

fn unsent(reply: &mut PfrReply) -> ApiResult<&mut PfrReply> {
    if reply.sent {
        return Err(ApiError::bad_request(
            "replyAlreadySent",
            "the reply has been sent",
        ));
    }
    Ok(reply)
}

fn reply_document(reply: &mut PfrReply, id: Uuid) -> ApiResult<&mut PfrReplyDocument> {
    reply
        .documents
        .iter_mut()
        .find(|d| d.id == id)
        .ok_or_else(|| ApiError::not_found("reply document"))
}

/// `GET …/pfr-replies/{replyId}`
async fn get_reply(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    Ok(Json(render(
        &shared,
        find(&mut store, account, df, doc, id)?,
    )))
}

/// `PUT …/pfr-replies/{replyId}/documents/{replyDocumentId}/decrypted-content` (raw bytes) →
/// 200, no body (the Java SDK reads `Void`). Drops a signature made over the previous content.
async fn put_decrypted(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id, rdoc)): Path<(Uuid, Uuid, Uuid, Uuid, Uuid)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "emptyContent",
            "the decrypted content is empty",
        ));
    }
    let mut store = shared.lock();
    let reply = unsent(find(&mut store, account, df, doc, id)?)?;
    let d = reply_document(reply, rdoc)?;
    d.decrypted = Some(body.to_vec());
    d.signature = None;
    Ok(StatusCode::OK)
}

/// `PUT …/pfr-replies/{replyId}/documents/{replyDocumentId}/signature` (a raw detached CMS
/// signature of the stored decrypted content, by the reply's certificate) → 200, no body.
async fn put_signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id, rdoc)): Path<(Uuid, Uuid, Uuid, Uuid, Uuid)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let (content, inn, certificate) = {
        let mut store = shared.lock();
        let inn = store
            .docflows
            .get(&df)
            .map(|d| d.inn.clone())
            .unwrap_or_default();
        let reply = unsent(find(&mut store, account, df, doc, id)?)?;
        let certificate = reply.certificate.clone();
        let d = reply_document(reply, rdoc)?;
        let content = d.decrypted.clone().ok_or_else(|| {
            ApiError::bad_request(
                "decryptedContentRequired",
                "store the reply document's decrypted content before its signature",
            )
        })?;
        (content, inn, certificate)
    };
    let info = shared
        .ca
        .verify_detached(&body, content.as_slice(), shared.clock.now())
        .map_err(|e| ApiError::bad_request("invalidSignature", e.to_string()))?;
    if info.inn.as_deref() != Some(inn.as_str()) {
        return Err(ApiError::bad_request(
            "certificateInnMismatch",
            format!(
                "the signer's INN ({}) differs from the sender's INN ({inn})",
                info.inn.as_deref().unwrap_or("none")
            ),
        ));
    }
    if pki::thumbprint(&certificate) != info.thumbprint {
        return Err(ApiError::bad_request(
            "certificateMismatch",
            "the reply was generated for another certificate: sign it with that one, or generate it again",
        ));
    }
    let mut store = shared.lock();
    let reply = unsent(find(&mut store, account, df, doc, id)?)?;
    let d = reply_document(reply, rdoc)?;
    if d.decrypted.as_deref() != Some(content.as_slice()) {
        return Err(ApiError::conflict(
            "replyChanged",
            "the decrypted content changed while the signature was checked",
        ));
    }
    d.signature = Some(body.to_vec());
    Ok(StatusCode::OK)
}

/// `POST …/pfr-replies/{replyId}/send` `{sender-ip}` → the docflow: every reply document joins
/// it with its signature, the answered document needs no more replies, the docflow moves on.
async fn send(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    JsonBody(_body): JsonBody<SendReplyRequest>,
) -> ApiResult<Json<Value>> {
    let now = shared.clock.now();
    let mut guard = shared.lock();
    let store = &mut *guard;
    let reply = unsent(find(store, account, df, doc, id)?)?.clone();
    let mut signed = Vec::with_capacity(reply.documents.len());
    for d in &reply.documents {
        let content = d.decrypted.clone().ok_or_else(|| {
            ApiError::bad_request(
                "decryptedContentRequired",
                format!("reply document {}: store its decrypted content first", d.id),
            )
        })?;
        let signature = d.signature.clone().ok_or_else(|| {
            ApiError::bad_request(
                "replyNotSigned",
                format!("reply document {}: put its signature first", d.id),
            )
        })?;
        let (cert, info) = pki::signer_certificate(&signature)
            .map_err(|e| ApiError::bad_request("invalidSignature", e.to_string()))?;
        signed.push((d.filename.clone(), content, signature, cert, info));
    }
    let mut docflow = store
        .docflows
        .get(&df)
        .cloned()
        .ok_or_else(|| ApiError::not_found("docflow"))?;
    let origin = crate::api::replies::settle_due(&mut docflow, doc, &reply.doc_type)?;
    for (filename, content, signature, cert, info) in signed {
        let content_id = shared.put_content(store, account, &content);
        docflow.documents.push(DocflowDocument {
            made: crate::state::Made::Stored,
            id: Uuid::new_v4(),
            origin: Origin::Sender,
            doc_type: format!("urn:document:{}", reply.doc_type).into(),
            filename,
            content_type: "application/xml",
            content_id,
            size: content.len() as u64,
            signatures: vec![Signature {
                id: Uuid::new_v4(),
                bytes: signature.into(),
                thumbprint: pki::thumbprint(&cert).into(),
                title: info.title().into(),
                signer_type: "organization-representative",
            }],
            signed_by: None,
            replies_due: Vec::new(),
            sealed: None,
            decrypted: true,
            sent: now,
        });
    }
    docflow.updated = now;
    if crate::flows::lifecycle::recompute(&mut docflow) || origin == Origin::Authority {
        store.push_event(&docflow, "receipt-abonent", now);
    }
    if let Some(r) = store.pfr_replies.get_mut(&id) {
        r.sent = true;
    }
    let body = render_docflow(&shared, &docflow, true);
    store.docflows.insert(df, docflow);
    Ok(Json(body))
}

/// `POST …/pfr-replies/{replyId}/cloud-sign[?forceConfirmation=]`: signs every document of the
/// reply with the cloud certificate it was generated for, on the holder's confirmation (see
/// [`crate::api::cloud`]; the sandbox always asks for one).
async fn cloud_sign(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, document, reply)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let base = {
        let mut store = shared.lock();
        pfr_reply_path(find(&mut store, account, docflow, document, reply)?)
    };
    Ok(Json(cloud::start(
        &shared,
        account,
        Target::PfrReply { docflow, reply },
        &base,
    )?))
}

/// `POST …/pfr-replies/{replyId}/cloud-sign-confirm?requestId=&code=`
async fn cloud_confirm(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, document, reply)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    {
        let mut store = shared.lock();
        find(&mut store, account, docflow, document, reply)?;
    }
    Ok(Json(cloud::confirm(
        &shared,
        account,
        Target::PfrReply { docflow, reply },
        q.as_deref(),
    )?))
}

/// `GET …/pfr-replies/{replyId}/tasks/{apiTaskId}`: the reply's cloud signing task (myDSS).
async fn task(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, _docflow, _document, reply, task)): Path<(Uuid, Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    cloud::expire(&mut store, shared.clock.now());
    let t = store
        .tasks
        .get(&task)
        .filter(|t| t.account_id == account && t.owner == reply)
        .ok_or_else(|| ApiError::not_found("task"))?;
    Ok(Json(crate::views::render_task(t)))
}

// ---- for the cloud operations (crate::api::cloud)
