//! Docflows and their documents as the API shows them (send_report.rst, get_report.rst).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::draft::SignatureView;
use crate::state::urns::DEMAND_ATTACHMENT;
use crate::state::{Docflow, DocflowDocument, PfrReply, Shared};

pub fn docflow_path(account: Uuid, docflow: Uuid) -> String {
    format!("/v1/{account}/docflows/{docflow}")
}

/// A link as the vendor writes them; `name` only on `reply` links.
#[derive(Serialize)]
struct Link<'a> {
    rel: &'a str,
    href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

impl<'a> Link<'a> {
    fn to(shared: &Shared, rel: &'a str, path: &str) -> Self {
        Self {
            rel,
            href: shared.url(path),
            name: None,
        }
    }

    fn reply(shared: &Shared, document_base: &str, reply: &'a str) -> Self {
        Self {
            rel: "reply",
            href: shared.url(&format!(
                "{document_base}/generate-reply?documentType={reply}"
            )),
            name: Some(reply),
        }
    }
}

/// A docflow as the API shows it. Serialized straight from the store's fields (no `Value` tree:
/// reading a docflow is the sandbox's busiest request).
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct DocflowView<'a> {
    id: Uuid,
    organization_id: Uuid,
    #[serde(rename = "type")]
    doc_type: &'a str,
    status: String,
    success_state: String,
    description: &'a crate::state::Description,
    links: Vec<Link<'a>>,
    send_date: String,
    last_change_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<Vec<DocumentView<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct DocumentView<'a> {
    id: Uuid,
    description: DescriptionView<'a>,
    content: ContentView<'a>,
    send_date: String,
    signatures: Vec<SignatureView<'a>>,
    links: Vec<Link<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct DescriptionView<'a> {
    #[serde(rename = "type")]
    doc_type: &'a str,
    filename: &'a str,
    content_type: &'a str,
    decrypted_content_size: u64,
    encrypted_content_size: Option<u64>,
    compressed: bool,
    requisites: Value,
    related_docflows_count: u32,
    support_recognition: bool,
    encrypted_certificates: Vec<SerialView<'a>>,
    support_print: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct SerialView<'a> {
    serial_number: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ContentView<'a> {
    decrypted: Link<'a>,
    docflow_document_contents: Vec<VariantView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encrypted: Option<Link<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct VariantView {
    content_id: Uuid,
    encrypted: bool,
    compressed: bool,
    compression_type: &'static str,
}

pub fn render_document(shared: &Shared, d: &Docflow, doc: &DocflowDocument) -> Value {
    serde_json::to_value(document_view(shared, d, doc)).expect("a document serializes")
}

fn document_view<'a>(
    shared: &Shared,
    d: &'a Docflow,
    doc: &'a DocflowDocument,
) -> DocumentView<'a> {
    let base = format!("{}/documents/{}", docflow_path(d.account_id, d.id), doc.id);
    let mut links = vec![
        Link::to(shared, "self", &base),
        Link::to(shared, "docflow", &docflow_path(d.account_id, d.id)),
    ];
    for reply in &doc.replies_due {
        links.push(Link::reply(shared, &base, reply));
    }
    let decrypted = || {
        Link::to(
            shared,
            "decrypted-content",
            &format!("{base}/decrypted-content"),
        )
    };
    let encrypted = || {
        Link::to(
            shared,
            "encrypted-content",
            &format!("{base}/encrypted-content"),
        )
    };
    links.push(Link::to(
        shared,
        "related-docflow",
        &format!("{base}/related"),
    ));
    links.push(decrypted());
    let content = ContentView {
        decrypted: decrypted(),
        docflow_document_contents: contents(shared, doc),
        encrypted: doc.sealed.as_ref().map(|_| encrypted()),
    };
    if doc.sealed.is_some() {
        links.push(encrypted());
    }
    DocumentView {
        id: doc.id,
        description: DescriptionView {
            doc_type: &doc.doc_type,
            filename: &doc.filename,
            content_type: doc.content_type,
            decrypted_content_size: doc.size,
            encrypted_content_size: doc.sealed.as_ref().map(|s| s.size),
            compressed: true,
            requisites: super::requisites(shared, d, doc),
            related_docflows_count: 0,
            support_recognition: super::supports_recognition(doc),
            encrypted_certificates: doc
                .sealed
                .iter()
                .flat_map(|s| s.serials.iter())
                .map(|n| SerialView { serial_number: n })
                .collect(),
            support_print: "no",
        },
        content,
        send_date: crate::state::clock::wire_time(doc.sent),
        signatures: doc
            .signatures(shared)
            .iter()
            .map(|s| SignatureView::new(shared, &base, s))
            .collect(),
        links,
    }
}

/// The variants of a document, as send_report.rst shows them: zipped (and encrypted, for documents
/// from the authorities), then plain — for those, once decrypted.
fn contents(shared: &Shared, doc: &DocflowDocument) -> Vec<VariantView> {
    let zip = crate::formats::compression::Compression::of(shared.config.older_forms).name();
    let mut out = Vec::with_capacity(2);
    out.push(match &doc.sealed {
        Some(s) => VariantView {
            content_id: s.content_id,
            encrypted: true,
            compressed: true,
            compression_type: zip,
        },
        None => VariantView {
            content_id: shared.zip_variant(doc.content_id, &doc.filename),
            encrypted: false,
            compressed: true,
            compression_type: zip,
        },
    });
    if doc.decrypted {
        out.push(VariantView {
            content_id: doc.content_id,
            encrypted: false,
            compressed: false,
            compression_type: "none",
        });
    }
    out
}

/// A docflow as the API shows it; `reply` links name every reply that is due.
pub fn render_docflow(shared: &Shared, d: &Docflow, with_documents: bool) -> Value {
    let documents: Vec<_> = d.documents.iter().collect();
    serde_json::to_value(docflow_view(shared, d, &documents, with_documents))
        .expect("a docflow serializes")
}

/// [`render_docflow`] with its documents, as JSON bytes (what `GET …/docflows/{id}` answers).
pub fn docflow_json(shared: &Shared, d: &Docflow) -> Vec<u8> {
    let documents: Vec<_> = d.documents.iter().collect();
    serde_json::to_vec(&docflow_view(shared, d, &documents, true)).expect("a docflow serializes")
}

/// The view of `d`; `documents` are its documents, read whole (see [`crate::state::Documents`]).
fn docflow_view<'a>(
    shared: &Shared,
    d: &'a Docflow,
    documents: &'a [Cow<'a, DocflowDocument>],
    with_documents: bool,
) -> DocflowView<'a> {
    let base = docflow_path(d.account_id, d.id);
    let mut links = vec![
        Link::to(shared, "self", &base),
        Link::to(
            shared,
            "organization",
            &format!("/v1/{}/organizations/{}", d.account_id, d.organization_id),
        ),
    ];
    for doc in documents {
        for reply in &doc.replies_due {
            links.push(Link::reply(
                shared,
                &format!("{base}/documents/{}", doc.id),
                reply,
            ));
        }
    }
    DocflowView {
        id: d.id,
        organization_id: d.organization_id,
        doc_type: &d.doc_type,
        status: format!("urn:docflow-common-status:{}", d.status.as_str()),
        success_state: format!("urn:docflow-state:{}", d.success_state.as_str()),
        description: &d.description,
        links,
        send_date: crate::state::clock::wire_time(d.created),
        last_change_date: crate::state::clock::wire_time(d.updated),
        documents: with_documents.then(|| {
            documents
                .iter()
                .map(|doc| document_view(shared, d, doc))
                .collect()
        }),
    }
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
        .zip(d.description.get("attachments-requisites"))
        .and_then(|(i, all)| all.get(i).cloned())
        .filter(|v| v.is_object())
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
