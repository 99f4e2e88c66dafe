//! Docflows: created when a draft is sent (with the operator's documents), rendered as the vendor
//! does, and read document by document.

use std::borrow::Cow;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use base64::Engine;
use chrono::{DateTime, Utc};

use crate::formats::own_documents::operator_document;
use crate::state::Made;
use crate::state::derived::{self, Variant};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::flows::robots;
use crate::formats::report_file::{self, HEAD_BYTES};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Path;
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::urns::{FNS_REPORT, STAT_REPORT};
use crate::state::vocabulary::{DocflowStatus, SuccessState};
use crate::state::{Docflow, DocflowDocument, Draft, Origin, OwnSigner, Signature, Store};
use crate::views::{docflow_path, render_document, render_signature};

/// Creates the docflow of a sent draft: the sender's documents plus the operator's description
/// and signed date confirmation, then starts the recipient's robot.
pub fn create_from_draft(
    shared: &Shared,
    store: &mut Store,
    draft: &Draft,
    now: DateTime<Utc>,
) -> ApiResult<Uuid> {
    let recipient = draft.meta.recipient.clone().unwrap_or_default();
    // A built draft knows its docflow type; its recipient is whichever code it carries.
    let built = draft.docflow_type.and_then(|t| {
        let cu = recipient
            .ifns_code
            .clone()
            .or(recipient.registration_ifns_code.clone())
            .or(recipient.sfr_code.clone())
            .or(recipient.upfr_code.clone())
            .or(recipient.fss_code.clone())?;
        Some((t, cu))
    });
    let sfr = crate::check::xml_signature::sfr_recipient(draft);
    let oved = crate::check::xml_signature::oved_recipient(draft);
    let (doc_type, cu, prefix) = match (&recipient.ifns_code, &recipient.togs_code) {
        _ if sfr.is_some() => (
            crate::state::urns::SFR_REPORT_DOCFLOW,
            sfr.expect("checked"),
            "sfr-report",
        ),
        _ if oved.is_some() => (
            crate::state::urns::OVED_CONFIRMATION_DOCFLOW,
            oved.expect("checked"),
            "fss-sedo-oved-confirmation",
        ),
        _ if built.is_some() => {
            let (t, cu) = built.expect("checked");
            (t, cu, t.trim_start_matches("urn:docflow:"))
        }
        (Some(ifns), _) => (FNS_REPORT, ifns.clone(), "fns534-report"),
        (None, Some(togs)) => (STAT_REPORT, togs.clone(), "stat-report"),
        _ => {
            return Err(ApiError::bad_request(
                "unsupportedRecipient",
                "the sandbox sends to FNS (ifns-code), Rosstat (togs-code) and the Social Fund (a report document with payer.registration-number-sfr or recipient.sfr-code)",
            ));
        }
    };
    let sender = draft
        .meta
        .sender
        .clone()
        .ok_or_else(|| ApiError::bad_request("invalidDraftMeta", "sender is required"))?;
    let kpp = sender.kpp.clone().unwrap_or_default();
    let organization_id = store
        .organizations
        .iter()
        .find(|o| o.account_id == draft.account_id && o.inn == sender.inn)
        .or_else(|| {
            store
                .organizations
                .iter()
                .find(|o| o.account_id == draft.account_id && o.is_main)
        })
        .map(|o| o.id)
        .unwrap_or_default();
    let main = draft
        .documents
        .iter()
        .find(|d| crate::check::is_main_document(d.doc_type.as_deref()));
    let header = main
        .and_then(|d| d.content_id)
        .and_then(|c| store.contents.get(&c))
        .and_then(|c| c.head(HEAD_BYTES).ok())
        .map(|h| report_file::read_header(&h))
        .unwrap_or_default();
    let seq = store.next_docflow_seq();
    let mut documents = crate::state::Documents::new(seq);
    for doc in &draft.documents {
        let content_id = doc
            .content_id
            .ok_or_else(|| ApiError::bad_request("invalidDocument", "a document has no content"))?;
        let size = store
            .contents
            .get(&content_id)
            .and_then(|c| c.total)
            .unwrap_or(0);
        // What the subscriber sends is kept encrypted for the recipient as well as plain.
        let filename = doc.filename.clone().unwrap_or_default();
        let plain = store.contents.get(&content_id).and_then(|c| c.bytes().ok());
        let recipient = [shared.inspection_encryption_certificate().to_vec()];
        let sealed = plain.and_then(|p| {
            crate::flows::sealing::seal_to(
                store,
                draft.account_id,
                &recipient,
                &filename,
                &p,
                crate::formats::compression::Compression::of(shared.config.older_forms),
                Some(derived::content_id(seq, documents.len(), Variant::Sealed)),
            )
        });
        documents.push(DocflowDocument {
            made: crate::state::Made::Stored,
            id: Uuid::new_v4(),
            origin: Origin::Sender,
            doc_type: doc
                .doc_type
                .clone()
                .unwrap_or_else(|| format!("urn:document:{prefix}-attachment"))
                .into(),
            filename: doc.filename.clone().unwrap_or_default(),
            content_type: "application/xml",
            content_id,
            size,
            signatures: doc.signatures.clone(),
            signed_by: None,
            replies_due: Vec::new(),
            sealed,
            decrypted: true,
            sent: now,
        });
    }
    let sender_code = format!("{}{}", sender.inn, kpp);
    let form = header
        .file_id
        .as_deref()
        .and_then(report_file::parse_file_id)
        .map(|id| id.prefix.replace('_', ""))
        .unwrap_or_else(|| "REPORT".into());
    // The Social Fund's report and ПОВЭД have no operator's documents (docs/specification/типы
    // документов.rst lists none for them).
    let operator_docs = [
        (
            format!("urn:document:{prefix}-description"),
            "TR_DEKL.xml".to_string(),
            None,
        ),
        (
            format!("urn:document:{prefix}-date-confirmation"),
            format!(
                "PD_{form}_{sender_code}_{sender_code}_1BM_{}_{}.xml",
                now.format("%Y%m%d"),
                Uuid::new_v4()
            ),
            Some(format!("{prefix}-receipt")),
        ),
    ];
    let report = documents
        .iter()
        .zip(&draft.documents)
        .position(|(_, d)| crate::check::is_main_document(d.doc_type.as_deref()))
        .map(|i| i as u16);
    let operator_docs = operator_docs.into_iter().filter(|_| {
        ![
            crate::state::urns::SFR_REPORT_DOCFLOW,
            crate::state::urns::OVED_CONFIRMATION_DOCFLOW,
        ]
        .contains(&doc_type)
    });
    for (doc_type, filename, reply) in operator_docs {
        // Made again on each read (see `Made`): only its size is worked out now.
        let size = operator_document(
            &filename,
            main.and_then(|m| m.filename.as_deref()).unwrap_or(""),
            now,
        )
        .len() as u64;
        let content_id = derived::content_id(seq, documents.len(), Variant::Plain);
        // The date confirmation is signed (made on read); the description is not.
        let signed_by = reply.is_some().then_some(OwnSigner::Operator);
        documents.push(DocflowDocument {
            made: Made::Operator { report },
            id: Uuid::new_v4(),
            origin: Origin::Operator,
            // Two per docflow type (the prefix is the type's): one copy for all docflows.
            doc_type: crate::formats::serial::intern(&doc_type).into(),
            filename,
            content_type: "application/xml",
            content_id,
            size,
            signatures: Vec::new(),
            signed_by,
            replies_due: reply
                .map(|r| crate::formats::serial::intern(&r).into())
                .into_iter()
                .collect(),
            sealed: None,
            decrypted: true,
            sent: now,
        });
    }
    let (form_fullname, form_shortname) =
        crate::formats::forms::names(header.knd.as_deref().unwrap_or(""));
    let period = header
        .period
        .as_deref()
        .zip(header.year.as_deref())
        .and_then(|(code, year)| crate::formats::forms::period(code, year));
    let mut description = json!({
        "form-version": { "knd": header.knd, "version": header.form_version, "okud": header.rosstat_code,
                          "form-fullname": form_fullname, "form-shortname": form_shortname },
        "recipient": cu,
        "final-recipient": cu,
        "correction-number": header.correction.as_deref().and_then(|c| c.parse::<i64>().ok()).unwrap_or(0),
        "period-code": header.period,
        "period-year": header.year,
        "payer-inn": if kpp.is_empty() { sender.inn.clone() } else { format!("{}-{kpp}", sender.inn) },
        "okpo": header.okpo,
        "original-draft-id": draft.id,
        "related-docflow-id": draft.meta.related_document.as_ref().and_then(|r| r.related_docflow_id),
        "related-document-id": draft.meta.related_document.as_ref().and_then(|r| r.related_document_id),
    });
    if let Some((begin, end)) = period {
        description["period-begin"] = json!(begin);
        description["period-end"] = json!(end);
    }
    let docflow = Docflow {
        seq: 0,
        id: Uuid::new_v4(),
        account_id: draft.account_id,
        organization_id,
        doc_type: doc_type.into(),
        status: DocflowStatus::Sent,
        success_state: SuccessState::Neutral,
        inn: sender.inn.clone(),
        kpp,
        cu: cu.clone(),
        knd: header.knd.clone(),
        okud: header.rosstat_code.clone(),
        incoming: false,
        description: crate::state::Description::new(&description),
        documents,
        created: now,
        updated: now,
        robot: None,
    };
    let id = docflow.id;
    store.push_event(&docflow, "report", now);
    store.insert_docflow(docflow);
    let robot = robots::plan(doc_type, &cu, now, &shared.config.robots);
    robots::schedule(store, id, robot);
    Ok(id)
}

pub(crate) fn find(store: &Store, account: Uuid, id: Uuid) -> ApiResult<&Docflow> {
    store
        .docflows
        .get(&id)
        .map(Box::as_ref)
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("docflow"))
}

pub(crate) fn find_document(d: &Docflow, id: Uuid) -> ApiResult<Cow<'_, DocflowDocument>> {
    d.documents
        .iter()
        .find(|x| x.id == id)
        .ok_or_else(|| ApiError::not_found("document"))
}

/// `GET /v1/{accountId}/docflows/{docflowId}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    // Copied out (its compact records, a few allocations) and rendered after the lock is
    // released: rendering inflates and fills in the documents, and the lock is everyone's.
    let docflow = find(&shared.lock(), account, id)?.clone();
    let body = crate::views::docflow_json(&shared, &docflow);
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// `GET …/docflows/{docflowId}/documents`
pub async fn documents(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let d = find(&store, account, id)?;
    Ok(Json(Value::Array(
        d.documents
            .iter()
            .map(|doc| render_document(&shared, d, &doc))
            .collect(),
    )))
}

/// `GET …/documents/{documentId}`
pub async fn document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let d = find(&store, account, id)?;
    Ok(Json(render_document(&shared, d, &*find_document(d, doc)?)))
}

/// `GET …/documents/{documentId}/description`
pub async fn description(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let d = find(&store, account, id)?;
    Ok(Json(
        render_document(&shared, d, &*find_document(d, doc)?)["description"].clone(),
    ))
}

/// `GET …/documents/{documentId}/signatures`
pub async fn signatures(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let d = find(&store, account, id)?;
    Ok(Json(
        render_document(&shared, d, &*find_document(d, doc)?)["signatures"].clone(),
    ))
}

fn find_signature(shared: &Shared, d: &Docflow, doc: Uuid, sig: Uuid) -> ApiResult<Signature> {
    find_document(d, doc)?
        .signatures(shared)
        .iter()
        .find(|s| s.id == sig)
        .cloned()
        .ok_or_else(|| ApiError::not_found("signature"))
}

/// `GET …/signatures/{signatureId}`
pub async fn signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, sig)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let d = find(&store, account, id)?;
    let s = find_signature(&shared, d, doc, sig)?;
    Ok(Json(render_signature(
        &shared,
        &format!("{}/documents/{doc}", docflow_path(account, id)),
        &s,
    )))
}

/// `GET …/signatures/{signatureId}/content`: base64 in a JSON string.
pub async fn signature_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc, sig)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let s = find_signature(&shared, find(&store, account, id)?, doc, sig)?;
    Ok(Json(json!(
        base64::engine::general_purpose::STANDARD.encode(shared.signature_bytes(&store, &s.bytes))
    )))
}

/// `PUT …/documents/{documentId}/decrypted-content` `{content-id}`: the subscriber stores what it
/// decrypted (plain, or zipped as the encrypted variant holds it; gzip too); it must be the document.
pub async fn save_decrypted(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    crate::http::extract::JsonBody(req): crate::http::extract::JsonBody<
        crate::formats::wire::DecryptedContentRequest,
    >,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let given = shared
        .content(&store, req.content_id)
        .filter(|c| c.account_id == account && c.is_complete())
        .map(std::borrow::Cow::into_owned)
        .ok_or_else(|| {
            ApiError::bad_request(
                "contentNotFound",
                format!("content {} does not exist or is incomplete", req.content_id),
            )
        })?;
    if given.total.unwrap_or(0) > 64 * 1024 * 1024 {
        return Err(ApiError::bad_request(
            "contentTooLarge",
            "a decrypted document may be at most 64 MiB",
        ));
    }
    let mut bytes = given.head(64 * 1024 * 1024).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            e.to_string(),
        )
    })?;
    bytes = crate::formats::compression::unpack(&bytes, 64 * 1024 * 1024).map_err(|_| {
        ApiError::bad_request(
            "decryptedContentMismatch",
            "the compressed content does not unpack",
        )
    })?;
    let d = store
        .docflows
        .get(&id)
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("docflow"))?;
    let document = d
        .documents
        .iter()
        .find(|x| x.id == doc)
        .ok_or_else(|| ApiError::not_found("document"))?;
    let expected = shared
        .document_bytes(&store, d, &document)
        .unwrap_or_default();
    if bytes != expected {
        return Err(ApiError::bad_request(
            "decryptedContentMismatch",
            "the content is not this document's decrypted content",
        ));
    }
    let content_id = document.content_id;
    if let Some(d) = store.docflows.get_mut(&id) {
        d.documents.update(doc, |x| x.decrypted = true);
    }
    Ok(Json(
        json!({ "content-id": content_id, "links": [{ "rel": "decrypted-content", "href": shared.url(&format!("/v1/{account}/contents/{content_id}")) }] }),
    ))
}
