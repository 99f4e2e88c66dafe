//! Docflows and their documents as the API shows them (send_report.rst, get_report.rst).

use serde_json::{Value, json};
use uuid::Uuid;

use super::render_signature;
use crate::state::urns::DEMAND_ATTACHMENT;
use crate::state::{Docflow, DocflowDocument, PfrReply, Shared};

pub fn docflow_path(account: Uuid, docflow: Uuid) -> String {
    format!("/v1/{account}/docflows/{docflow}")
}

pub fn render_document(shared: &Shared, d: &Docflow, doc: &DocflowDocument) -> Value {
    let base = format!("{}/documents/{}", docflow_path(d.account_id, d.id), doc.id);
    let mut links = vec![
        json!({ "rel": "self", "href": shared.url(&base) }),
        json!({ "rel": "docflow", "href": shared.url(&docflow_path(d.account_id, d.id)) }),
    ];
    for reply in &doc.replies_due {
        links.push(reply_link(shared, &base, reply));
    }
    let decrypted = json!({ "rel": "decrypted-content", "href": shared.url(&format!("{base}/decrypted-content")) });
    let encrypted = json!({ "rel": "encrypted-content", "href": shared.url(&format!("{base}/encrypted-content")) });
    links.push(json!({ "rel": "related-docflow", "href": shared.url(&format!("{base}/related")) }));
    links.push(decrypted.clone());
    let mut content =
        json!({ "decrypted": decrypted, "docflow-document-contents": contents(shared, doc) });
    if doc.sealed.is_some() {
        links.push(encrypted.clone());
        content["encrypted"] = encrypted;
    }
    json!({
        "id": doc.id,
        "description": {
            "type": doc.doc_type,
            "filename": doc.filename,
            "content-type": doc.content_type,
            "decrypted-content-size": doc.size,
            "encrypted-content-size": doc.sealed.as_ref().map(|s| s.size),
            "compressed": true,
            "requisites": super::requisites(shared, d, doc),
            "related-docflows-count": 0,
            "support-recognition": super::supports_recognition(doc),
            "encrypted-certificates": doc.sealed.iter().flat_map(|s| &s.serials).map(|n| json!({ "serial-number": n })).collect::<Vec<_>>(),
            "support-print": "no",
        },
        "content": content,
        "send-date": crate::state::clock::wire_time(doc.sent),
        "signatures": doc.signatures.iter().map(|s| render_signature(shared, &base, s)).collect::<Vec<_>>(),
        "links": links,
    })
}

/// The variants of a document, as send_report.rst shows them: zipped (and encrypted, for documents
/// from the authorities), then plain — for those, once decrypted.
fn contents(shared: &Shared, doc: &DocflowDocument) -> Vec<Value> {
    let zip = crate::formats::compression::Compression::of(&shared.config).name();
    let mut out = Vec::new();
    match &doc.sealed {
        Some(s) => out.push(json!({ "content-id": s.content_id, "encrypted": true, "compressed": true, "compression-type": zip })),
        None => out.push(json!({ "content-id": shared.zip_variant(doc.content_id, &doc.filename), "encrypted": false, "compressed": true, "compression-type": zip })),
    }
    if doc.decrypted {
        out.push(json!({ "content-id": doc.content_id, "encrypted": false, "compressed": false, "compression-type": "none" }));
    }
    out
}

fn reply_link(shared: &Shared, document_base: &str, reply: &str) -> Value {
    json!({ "rel": "reply", "href": shared.url(&format!("{document_base}/generate-reply?documentType={reply}")), "name": reply })
}

/// A docflow as the API shows it; `reply` links name every reply that is due.
pub fn render_docflow(shared: &Shared, d: &Docflow, with_documents: bool) -> Value {
    let base = docflow_path(d.account_id, d.id);
    let mut links = vec![
        json!({ "rel": "self", "href": shared.url(&base) }),
        json!({ "rel": "organization", "href": shared.url(&format!("/v1/{}/organizations/{}", d.account_id, d.organization_id)) }),
    ];
    for doc in &d.documents {
        for reply in &doc.replies_due {
            links.push(reply_link(
                shared,
                &format!("{base}/documents/{}", doc.id),
                reply,
            ));
        }
    }
    let mut v = json!({
        "id": d.id,
        "organization-id": d.organization_id,
        "type": d.doc_type,
        "status": format!("urn:docflow-common-status:{}", d.status.as_str()),
        "success-state": format!("urn:docflow-state:{}", d.success_state.as_str()),
        "description": d.description,
        "links": links,
        "send-date": crate::state::clock::wire_time(d.created),
        "last-change-date": crate::state::clock::wire_time(d.updated),
    });
    if with_documents {
        v["documents"] = Value::Array(
            d.documents
                .iter()
                .map(|doc| render_document(shared, d, doc))
                .collect(),
        );
    }
    v
}

/// A document's `description.requisites`.
pub fn requisites(shared: &Shared, d: &Docflow, doc: &DocflowDocument) -> Value {
    let stored = shared
        .document_requisites
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&doc.id)
        .cloned();
    stored.unwrap_or_else(|| initial_requisites(d, doc))
}

/// `description.support-recognition`: a demand attachment can be recognized.
pub fn supports_recognition(doc: &DocflowDocument) -> bool {
    doc.doc_type == DEMAND_ATTACHMENT
}

/// A demand attachment's requisites before any edit: what the demand asks, in progress, nobody
/// assigned. Other documents have none.
fn initial_requisites(d: &Docflow, doc: &DocflowDocument) -> Value {
    if doc.doc_type != DEMAND_ATTACHMENT {
        return json!({});
    }
    let index = d
        .documents
        .iter()
        .filter(|x| x.doc_type == DEMAND_ATTACHMENT)
        .position(|x| x.id == doc.id);
    let mut v = index
        .and_then(|i| d.description["attachments-requisites"].get(i))
        .filter(|v| v.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Value::Object(m) = &mut v {
        m.entry("demand-inn-list").or_insert_with(|| json!([]));
        m.entry("assignees").or_insert_with(|| json!([]));
        m.entry("demand-status")
            .or_insert_with(|| json!("in-progress"));
    }
    v
}

pub fn pfr_reply_path(r: &PfrReply) -> String {
    format!(
        "{}/documents/{}/pfr-replies/{}",
        docflow_path(r.account_id, r.docflow_id),
        r.document_id,
        r.id
    )
}
