//! Replies to docflow documents (receipts on the operator's and the authority's documents):
//! generated for the signer's certificate, signed with a raw detached signature, sent — which
//! moves the docflow on.

use std::sync::Arc;

use crate::formats::wire::{GenerateReplyRequest, SendReplyRequest};
use crate::identity::scope::AccountScope;
use crate::state::urns;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::api::demands;
use crate::flows::lifecycle;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path};
use crate::pki;
use crate::state::Shared;
use crate::state::{DocflowDocument, Origin, Reply, Signature, Store};
use crate::views::{docflow_path, render_docflow};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// `documentType` and the repeatable `declineNoticeErrorCode`.
fn generate_query(raw: Option<&str>) -> ApiResult<(String, Vec<String>)> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalidQuery", e.to_string()))?;
    let reply_type = pairs
        .iter()
        .find(|(k, _)| k == "documentType")
        .map(|(_, v)| v.strip_prefix("urn:document:").unwrap_or(v).to_string())
        .ok_or_else(|| ApiError::bad_request("invalidQuery", "documentType is required"))?;
    let codes: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "declineNoticeErrorCode")
        .map(|(_, v)| v)
        .collect();
    if let Some(bad) = codes
        .iter()
        .find(|c| !demands::DECLINE_CODES.contains(&c.as_str()))
    {
        return Err(ApiError::bad_request(
            "invalidDeclineCode",
            format!(
                "{bad:?} is not a decline error code ({})",
                demands::DECLINE_CODES.join(", ")
            ),
        ));
    }
    if reply_type == urns::DECLINE && codes.is_empty() {
        return Err(ApiError::bad_request(
            "invalidDeclineCode",
            "a decline needs at least one declineNoticeErrorCode",
        ));
    }
    Ok((reply_type, codes))
}

fn render(shared: &Shared, r: &Reply) -> Value {
    let base = format!(
        "{}/documents/{}/replies/{}",
        docflow_path(r.account_id, r.docflow_id),
        r.document_id,
        r.id
    );
    let mut v = json!({
        "id": r.id,
        "content": B64.encode(&r.content),
        "filename": r.filename,
        // A printed form of the reply, base64 PDF (docs/scenarios/FNS/report/get_report.rst).
        "print-content": B64.encode(crate::formats::pdf::one_page(&r.filename)),
        "docflow-id": r.docflow_id,
        "document-id": r.document_id,
        "links": [
            { "rel": "self", "href": shared.url(&base) },
            { "rel": "save-signature", "href": shared.url(&format!("{base}/signature")) },
            { "rel": "send", "href": shared.url(&format!("{base}/send")) },
            { "rel": "content", "href": shared.url(&format!("{base}/content")) },
            { "rel": "docflow", "href": shared.url(&docflow_path(r.account_id, r.docflow_id)) },
        ],
    });
    if let Some(sig) = &r.signature {
        v["signature"] = json!(B64.encode(sig));
    }
    v
}

/// `POST …/documents/{documentId}/generate-reply?documentType=…`
pub async fn generate(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow_id, document_id)): Path<(Uuid, Uuid, Uuid)>,
    RawQuery(query): RawQuery,
    JsonBody(body): JsonBody<GenerateReplyRequest>,
) -> ApiResult<Response> {
    let (reply_type, codes) = generate_query(query.as_deref())?;
    let cert = B64.decode(body.certificate_base64.trim()).map_err(|_| {
        ApiError::bad_request("invalidCertificate", "certificate-base64 is not base64")
    })?;
    let info = shared
        .ca
        .check_certificate(&cert, shared.clock.now())
        .map_err(|e| ApiError::bad_request("invalidCertificate", e.to_string()))?;
    let mut store = shared.lock();
    let docflow = store
        .docflows
        .get(&docflow_id)
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("docflow"))?;
    let doc = docflow
        .documents
        .iter()
        .find(|d| d.id == document_id)
        .ok_or_else(|| ApiError::not_found("document"))?;
    refuse_undue(
        &doc,
        &reply_type,
        || {
            store
                .replies
                .values()
                .any(|r| r.document_id == document_id && r.doc_type == reply_type && r.sent)
        },
        &docflow.inn,
        info.inn.as_deref(),
    )?;
    let now = shared.clock.now();
    // Receipts are IZ files; an acceptance of a demand is KV, a decline UO.
    let prefix = match reply_type.as_str() {
        urns::ACCEPT => "KV",
        urns::DECLINE => "UO",
        _ => "IZ",
    };
    let filename = format!(
        "{prefix}_{}_{}_{}.xml",
        doc.filename
            .trim_end_matches(".xml")
            .split('_')
            .take(2)
            .collect::<Vec<_>>()
            .join(""),
        now.format("%Y%m%d"),
        Uuid::new_v4()
    );
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.01\">\
         <Документ КНД=\"1166002\" ДатаДок=\"{}\"><СвИзвещ ИмяОбмФайл=\"{}\"/>{}<Подписант>{}</Подписант></Документ></Файл>\n",
        filename.trim_end_matches(".xml"),
        now.format("%d.%m.%Y"),
        doc.filename,
        codes
            .iter()
            .map(|c| format!("<КодОш>{c}</КодОш>"))
            .collect::<String>(),
        info.common_name,
    );
    let reply = Reply {
        id: Uuid::new_v4(),
        account_id: account,
        docflow_id,
        document_id,
        doc_type: reply_type,
        filename,
        content: encoding_rs::WINDOWS_1251.encode(&xml).0.into_owned(),
        certificate: cert,
        signature: None,
        sent: false,
    };
    let body = render(&shared, &reply);
    store.replies.insert(reply.id, reply);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

fn find_reply(
    store: &mut Store,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
    id: Uuid,
) -> ApiResult<&mut Reply> {
    store
        .replies
        .get_mut(&id)
        .filter(|r| r.account_id == account && r.docflow_id == docflow && r.document_id == document)
        .ok_or_else(|| ApiError::not_found("reply"))
}

/// `GET …/replies/{replyId}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    Ok(Json(render(
        &shared,
        find_reply(&mut store, account, df, doc, id)?,
    )))
}

/// `PUT …/replies/{replyId}/content`: replaces the content (and drops a signature made over the old one).
pub async fn put_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "emptyContent",
            "the reply content is empty",
        ));
    }
    let mut store = shared.lock();
    let reply = find_reply(&mut store, account, df, doc, id)?;
    if reply.sent {
        return Err(ApiError::bad_request(
            "replyAlreadySent",
            "the reply has been sent",
        ));
    }
    reply.content = body.to_vec();
    reply.signature = None;
    Ok(Json(render(&shared, reply)))
}

/// `PUT …/replies/{replyId}/signature`: the raw detached CMS signature (not base64, not JSON).
pub async fn put_signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let (content, inn) = {
        let mut store = shared.lock();
        let inn = store
            .docflows
            .get(&df)
            .map(|d| d.inn.clone())
            .unwrap_or_default();
        let reply = find_reply(&mut store, account, df, doc, id)?;
        if reply.sent {
            return Err(ApiError::bad_request(
                "replyAlreadySent",
                "the reply has been sent",
            ));
        }
        (reply.content.clone(), inn)
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
    let mut store = shared.lock();
    let reply = find_reply(&mut store, account, df, doc, id)?;
    if pki::thumbprint(&reply.certificate) != info.thumbprint {
        return Err(ApiError::bad_request(
            "certificateMismatch",
            "the reply was generated for another certificate: sign it with that one, or generate it again",
        ));
    }
    if reply.content != content {
        return Err(ApiError::conflict(
            "replyChanged",
            "the reply content changed while the signature was checked",
        ));
    }
    reply.signature = Some(body.to_vec());
    Ok(Json(render(&shared, reply)))
}

/// `POST …/replies/{replyId}/send`
pub async fn send(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    JsonBody(_body): JsonBody<SendReplyRequest>,
) -> ApiResult<Json<Value>> {
    let now = shared.clock.now();
    let mut guard = shared.lock();
    let store = &mut *guard;
    let reply = find_reply(store, account, df, doc, id)?.clone();
    if reply.sent {
        return Err(ApiError::bad_request(
            "replyAlreadySent",
            "the reply has already been sent",
        ));
    }
    let Some(signature) = reply.signature.clone() else {
        return Err(ApiError::bad_request(
            "replyNotSigned",
            "put the reply's signature before sending it",
        ));
    };
    let mut docflow = store
        .docflows
        .get(&df)
        .cloned()
        .ok_or_else(|| ApiError::not_found("docflow"))?;
    let origin = settle_due(&mut docflow, doc, &reply.doc_type)?;
    let content_id = shared.put_content(store, account, &reply.content);
    let (cert, info) = pki::signer_certificate(&signature)
        .map_err(|e| ApiError::bad_request("invalidSignature", e.to_string()))?;
    docflow.documents.push(DocflowDocument {
        made: crate::state::Made::Stored,
        id: Uuid::new_v4(),
        origin: Origin::Sender,
        doc_type: format!("urn:document:{}", reply.doc_type).into(),
        filename: reply.filename.clone(),
        content_type: "application/xml",
        content_id,
        size: reply.content.len() as u64,
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
    docflow.updated = now;
    if docflow.doc_type == urns::FNS_DEMAND {
        demands::describe_reply(&mut docflow, &reply.doc_type, now);
    }
    let transaction = lifecycle::after_reply(
        &mut store.robot_queue,
        &shared.config.robots,
        &mut docflow,
        doc,
        &reply.doc_type,
        now,
    );
    if lifecycle::recompute(&mut docflow) || origin == Origin::Authority {
        store.push_event(&docflow, transaction, now);
    }
    if let Some(r) = store.replies.get_mut(&id) {
        r.sent = true;
    }
    let body = render_docflow(&shared, &docflow, true);
    store.docflows.insert(df, docflow);
    Ok(Json(body))
}

/// Marks the reply `reply_type` to document `doc` as sent: it settles what was due on the document
/// (alternatives included). The document's origin; refused when the reply is not (or no longer)
/// due.
pub(crate) fn settle_due(
    docflow: &mut crate::state::Docflow,
    doc: Uuid,
    reply_type: &str,
) -> ApiResult<Origin> {
    docflow
        .documents
        .update(doc, |answered| {
            let due = answered.replies_due.iter().any(|r| *r == reply_type);
            if due {
                answered.replies_due.clear();
            }
            due.then_some(answered.origin)
        })
        .ok_or_else(|| ApiError::not_found("document"))?
        .ok_or_else(|| ApiError::bad_request("replyNotAvailable", "this reply is no longer due"))
}

/// Refuses a reply of `reply_type` that is not due on `doc` — saying whether it was sent already —
/// and a signer whose certificate names another INN than the docflow's organization.
pub(crate) fn refuse_undue(
    doc: &crate::state::DocflowDocument,
    reply_type: &str,
    sent: impl FnOnce() -> bool,
    docflow_inn: &str,
    signer_inn: Option<&str>,
) -> ApiResult<()> {
    if !doc.replies_due.iter().any(|r| r == reply_type) {
        let why = if sent() {
            "this reply has already been sent"
        } else {
            "no such reply is due on this document"
        };
        return Err(ApiError::bad_request(
            "replyNotAvailable",
            format!("{reply_type}: {why}"),
        ));
    }
    if signer_inn != Some(docflow_inn) {
        return Err(ApiError::bad_request(
            "certificateInnMismatch",
            format!(
                "the signer's certificate INN ({}) differs from the sender's INN ({docflow_inn})",
                signer_inn.unwrap_or("none"),
            ),
        ));
    }
    Ok(())
}
