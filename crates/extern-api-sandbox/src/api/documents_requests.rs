//! Requests for the documents of an incoming SFR SEDO docflow
//! (skbkontur/extern-api-docs docs/dc/sedo-request-methods.rst; docs/scenarios/SFR/FSS/
//! proactive_ algorithm.rst, "Запрос на получение документов от СФР"; skbkontur/extern-csharp-sdk
//! DocflowsClient.cs and Models/Docflows/DocumentsRequests/DocumentsRequest.cs). An incoming SEDO
//! docflow arrives `received` with no documents; the subscriber generates a request for its
//! certificate (a SOAP template and the data to sign), signs `data-to-sign` with a raw signature,
//! stores it and sends the request; the SFR then delivers the document, which wants a read mark
//! ("Отметка о прочтении"), and the docflow becomes `response-arrived`.
//!
//! Test tools generate such docflows: `POST /test-tools/v1/generate-sedo-docflow`.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use base64::Engine;
use chrono::{DateTime, Utc};
use der::Decode;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Digest;
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path};
use crate::identity::scope::AccountScope;
use crate::state::DocumentsRequest;
use crate::state::Shared;
use crate::state::vocabulary::{DocflowStatus, SuccessState};
use crate::state::{Docflow, DocflowDocument, Origin, Store};
use crate::views::{docflow_path, render_docflow};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Unsent requests kept per docflow; generating more drops the oldest (bounded memory).
const MAX_UNSENT: usize = 16;

/// Incoming SEDO docflow types, the document the SFR delivers in each, and the read mark it wants
/// (proactive_ algorithm.rst, the two tables of "Отметка о прочтении"; the docflows whose
/// document is a message or a document from the SFR).
const INCOMING: &[(&str, &str, &str)] = &[
    (
        "fss-sedo-pvso-notification",
        "fss-sedo-pvso-notification-notification-message",
        "fss-sedo-pvso-notification-receipt",
    ),
    (
        "fss-sedo-sick-report-change-notification",
        "fss-sedo-sick-report-change-notification-notification-message",
        "fss-sedo-sick-report-change-notification-receipt",
    ),
    (
        "fss-sedo-insured-person-mismatch",
        "fss-sedo-insured-person-mismatch-mismatch-message",
        "fss-sedo-insured-person-mismatch-receipt-receipt",
    ),
    (
        "fss-sedo-proactive-payments-benefit",
        "fss-sedo-proactive-payments-benefit-benefit-message",
        "fss-sedo-proactive-payments-benefit-receipt",
    ),
    (
        "fss-sedo-proactive-payments-demand",
        "fss-sedo-proactive-payments-demand-demand-message",
        "fss-sedo-proactive-payments-demand-receipt",
    ),
    (
        "fss-sedo-demand",
        "fss-sedo-demand-message",
        "fss-sedo-demand-read-receipt",
    ),
    (
        "fss-sedo-billing-information",
        "fss-sedo-billing-information-message",
        "fss-sedo-billing-information-read-receipt",
    ),
    (
        "fss-sedo-benefit-payment-status-notice",
        "fss-sedo-benefit-payment-status-notice-benefit-status-notice-message",
        "fss-sedo-benefit-payment-status-notice-receipt",
    ),
    (
        "fss-sedo-proactive-process-events-notification",
        "fss-sedo-proactive-process-events-notification-proactive-process-events-notification-message",
        "fss-sedo-proactive-process-events-notification-read-receipt",
    ),
    (
        "fss-sedo-proactive-expire-notice",
        "fss-sedo-proactive-expire-notice-document",
        "fss-sedo-proactive-expire-notice-read-receipt",
    ),
    (
        "fss-sedo-appeal",
        "fss-sedo-appeal-document",
        "fss-sedo-appeal-read-receipt",
    ),
    (
        "fss-sedo-payment-details-demand",
        "fss-sedo-payment-details-demand-document",
        "fss-sedo-payment-details-demand-read-receipt",
    ),
    (
        "fss-sedo-additional-vacation-statement-need-doc",
        "fss-sedo-additional-vacation-statement-need-doc-document",
        "fss-sedo-additional-vacation-statement-need-doc-read-receipt",
    ),
];

/// `(document type, read mark type)` of an incoming SEDO docflow type (`urn:docflow:…`).
/// Outgoing SEDO docflows whose results are fetched with a documents request, the document the
/// SFR delivers and the read mark it wants (docs/scenarios/SFR/poved.rst, «Отправка запроса на
/// получение входящих документов от СФР»).
const OUTGOING: &[(&str, &str, &str)] = &[(
    "fss-sedo-oved-confirmation",
    "fss-sedo-oved-confirmation-result-document",
    "fss-sedo-oved-confirmation-read-receipt",
)];

/// The document the SFR delivers on a documents request for a docflow, and its read mark.
fn incoming(docflow: &Docflow) -> Option<(&'static str, &'static str)> {
    let name = docflow.doc_type.strip_prefix("urn:docflow:")?;
    let table = if docflow.incoming { INCOMING } else { OUTGOING };
    table
        .iter()
        .find(|(t, _, _)| *t == name)
        .map(|(_, doc, receipt)| (*doc, *receipt))
}

pub fn routes() -> Router<Arc<Shared>> {
    let df = "/v1/{account}/docflows/{docflow}";
    Router::new()
        .route(&format!("{df}/generate-documents-request"), post(generate))
        .route(
            &format!("{df}/documents-requests/{{request}}"),
            get(get_request),
        )
        .route(
            &format!("{df}/documents-requests/{{request}}/signature"),
            put(put_signature),
        )
        .route(
            &format!("{df}/documents-requests/{{request}}/send"),
            post(send),
        )
}

fn render(shared: &Shared, r: &DocumentsRequest) -> Value {
    let docflow = docflow_path(r.account_id, r.docflow_id);
    let base = format!("{docflow}/documents-requests/{}", r.id);
    let mut v = json!({
        "id": r.id,
        "content": B64.encode(r.content()),
        "data-to-sign": B64.encode(&r.signed_info),
        "docflow-id": r.docflow_id,
        "links": [
            { "rel": "self", "href": shared.url(&base) },
            { "rel": "save-signature", "href": shared.url(&format!("{base}/signature")) },
            { "rel": "send", "href": shared.url(&format!("{base}/send")) },
            { "rel": "docflow", "href": shared.url(&docflow) },
        ],
    });
    if let Some(s) = &r.signature {
        v["signature"] = json!(B64.encode(s));
    }
    v
}

/// The incoming SEDO docflow still waiting for its documents, or why not.
fn awaiting(store: &Store, account: Uuid, docflow: Uuid) -> ApiResult<&Docflow> {
    let d = store
        .docflows
        .get(&docflow)
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("docflow"))?;
    let Some((delivered, _)) = incoming(d) else {
        return Err(ApiError::bad_request(
            "documentsRequestUnavailable",
            format!(
                "{}: documents are requested for incoming SFR SEDO docflows and ПОВЭД only",
                d.doc_type
            ),
        ));
    };
    let delivered = format!("urn:document:{delivered}");
    if d.documents
        .iter()
        .any(|x| x.origin == Origin::Authority && x.doc_type == delivered)
    {
        return Err(ApiError::bad_request(
            "documentsAlreadyReceived",
            "the SFR has already delivered this docflow's documents",
        ));
    }
    Ok(d)
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct GenerateRequest {
    certificate_base64: String,
    /// An MCHD lets a representative sign for the organization: then the certificate's INN need
    /// not be the organization's (the sandbox does not look the warrant up).
    machine_readable_warrant_id: Option<Uuid>,
}

/// `POST …/docflows/{docflowId}/generate-documents-request` `{certificate-base64,
/// machine-readable-warrant-id?}` → 201 DocumentsRequest with `content` (the SOAP template) and
/// `data-to-sign` ("шаблон запроса и хэш для подписи").
async fn generate(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow_id)): Path<(Uuid, Uuid)>,
    JsonBody(req): JsonBody<GenerateRequest>,
) -> ApiResult<Response> {
    let cert = B64.decode(req.certificate_base64.trim()).map_err(|_| {
        ApiError::bad_request("invalidCertificate", "certificate-base64 is not base64")
    })?;
    let now = shared.clock.now();
    let info = shared
        .ca
        .check_certificate(&cert, now)
        .map_err(|e| ApiError::bad_request("invalidCertificate", e.to_string()))?;
    let algorithm = match key_algorithm(&cert) {
        Some(Key::Ecdsa) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        Some(Key::Rsa) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        None => {
            return Err(ApiError::bad_request(
                "invalidCertificate",
                "the certificate's key can make no raw signature the sandbox checks (ECDSA P-256 or RSA)",
            ));
        }
    };
    let mut guard = shared.lock();
    let store = &mut *guard;
    let docflow = awaiting(store, account, docflow_id)?;
    if req.machine_readable_warrant_id.is_none()
        && info.inn.as_deref() != Some(docflow.inn.as_str())
    {
        return Err(ApiError::bad_request(
            "certificateInnMismatch",
            format!(
                "the certificate's INN ({}) is not the organization's ({}); a representative signs with a machine-readable warrant",
                info.inn.as_deref().unwrap_or("none"),
                docflow.inn
            ),
        ));
    }
    let registration = docflow
        .description
        .str("registration-number")
        .unwrap_or_default();
    let body = format!(
        "<S:Body wsu:Id=\"body\"><getDocumentsRequest xmlns=\"urn:sandbox:sedo\"><docflowId>{docflow_id}</docflowId>\
         <regNumber>{registration}</regNumber>{}<requestDate>{}</requestDate></getDocumentsRequest></S:Body>",
        req.machine_readable_warrant_id
            .map(|w| format!("<warrantId>{w}</warrantId>"))
            .unwrap_or_default(),
        now.to_rfc3339(),
    );
    let signed_info = format!(
        "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
         <ds:SignatureMethod Algorithm=\"{algorithm}\"/><ds:Reference URI=\"#body\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
         <ds:DigestValue>{}</ds:DigestValue></ds:Reference></ds:SignedInfo>",
        B64.encode(sha2::Sha256::digest(body.as_bytes())),
    );
    let request = DocumentsRequest {
        id: Uuid::new_v4(),
        account_id: account,
        docflow_id,
        certificate: cert,
        body,
        signed_info,
        signature: None,
        created: now,
        sent: false,
    };
    drop_oldest_unsent(store, docflow_id);
    let answer = render(&shared, &request);
    store.documents_requests.insert(request.id, request);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// Keeps fewer than [`MAX_UNSENT`] unsent requests on a docflow, dropping the oldest.
fn drop_oldest_unsent(store: &mut Store, docflow: Uuid) {
    let mut unsent: Vec<(DateTime<Utc>, Uuid)> = store
        .documents_requests
        .values()
        .filter(|r| r.docflow_id == docflow && !r.sent)
        .map(|r| (r.created, r.id))
        .collect();
    if unsent.len() < MAX_UNSENT {
        return;
    }
    unsent.sort();
    for (_, id) in unsent.iter().take(unsent.len() + 1 - MAX_UNSENT) {
        store.documents_requests.remove(id);
    }
}

fn find(
    store: &mut Store,
    account: Uuid,
    docflow: Uuid,
    id: Uuid,
) -> ApiResult<&mut DocumentsRequest> {
    store
        .documents_requests
        .get_mut(&id)
        .filter(|r| r.account_id == account && r.docflow_id == docflow)
        .ok_or_else(|| ApiError::not_found("documents request"))
}

/// `GET …/documents-requests/{requestId}`
async fn get_request(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, id)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    Ok(Json(render(
        &shared,
        find(&mut store, account, docflow, id)?,
    )))
}

/// `PUT …/documents-requests/{requestId}/signature` (octet-stream): the raw signature of
/// `data-to-sign` ("необработанная подпись", not CMS) by the request's certificate → 200
/// DocumentsRequest with the signature in `content` and `signature`.
async fn put_signature(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, id)): Path<(Uuid, Uuid, Uuid)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    let request = find(&mut store, account, docflow, id)?;
    if request.sent {
        return Err(ApiError::bad_request(
            "requestAlreadySent",
            "the documents request has been sent",
        ));
    }
    verify_raw(&request.certificate, request.signed_info.as_bytes(), &body).map_err(|why| {
        ApiError::bad_request(
            "invalidSignature",
            format!("not a raw signature of data-to-sign by the request's certificate: {why}"),
        )
    })?;
    request.signature = Some(body.to_vec());
    Ok(Json(render(&shared, request)))
}

/// `POST …/documents-requests/{requestId}/send` → the docflow. The sandbox's SFR answers at once:
/// its document lands in the docflow, plain, wanting the read mark, and the docflow becomes
/// `response-arrived` (proactive_ algorithm.rst: "Когда СФР обработает запрос…").
async fn send(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow_id, id)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let now = shared.clock.now();
    let mut guard = shared.lock();
    let store = &mut *guard;
    let request = find(store, account, docflow_id, id)?;
    if request.sent {
        return Err(ApiError::bad_request(
            "requestAlreadySent",
            "the documents request has already been sent",
        ));
    }
    if request.signature.is_none() {
        return Err(ApiError::bad_request(
            "requestNotSigned",
            "put the request's signature before sending it",
        ));
    }
    let mut docflow = awaiting(store, account, docflow_id)?.clone();
    let (doc_type, read_mark) = incoming(&docflow).ok_or_else(|| {
        ApiError::bad_request(
            "documentsRequestUnavailable",
            "not an incoming SEDO docflow",
        )
    })?;
    let message_id = Uuid::new_v4();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sedoMessage xmlns=\"urn:sandbox:sedo\" type=\"{doc_type}\">\
         <messageId>{message_id}</messageId><docflowId>{docflow_id}</docflowId><regNumber>{}</regNumber>\
         <insurerInn>{}</insurerInn><date>{}</date></sedoMessage>\n",
        docflow
            .description
            .str("registration-number")
            .unwrap_or_default(),
        docflow.inn,
        now.to_rfc3339(),
    );
    let content_id = shared.put_content(store, account, xml.as_bytes());
    docflow.documents.push(DocflowDocument {
        made: crate::state::Made::Stored,
        id: Uuid::new_v4(),
        origin: Origin::Authority,
        doc_type: format!("urn:document:{doc_type}").into(),
        filename: format!("{message_id}.xml"),
        content_type: "application/xml",
        content_id,
        size: xml.len() as u64,
        signatures: Vec::new(),
        signed_by: None,
        replies_due: vec![read_mark.into()],
        sealed: None,
        decrypted: true,
        sent: now,
    });
    docflow.updated = now;
    crate::flows::lifecycle::recompute(&mut docflow);
    store.push_event(&docflow, "document", now);
    if let Some(r) = store.documents_requests.get_mut(&id) {
        r.sent = true;
    }
    let body = render_docflow(&shared, &docflow, true);
    store.docflows.insert(docflow_id, Box::new(docflow));
    Ok(Json(body))
}

/// The key kinds whose raw signatures the sandbox checks.
enum Key {
    Ecdsa,
    Rsa,
}

const OID_EC: &str = "1.2.840.10045.2.1";
const OID_RSA: &str = "1.2.840.113549.1.1.1";

fn key_algorithm(der: &[u8]) -> Option<Key> {
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    match cert
        .tbs_certificate
        .subject_public_key_info
        .algorithm
        .oid
        .to_string()
        .as_str()
    {
        OID_EC => Some(Key::Ecdsa),
        OID_RSA => Some(Key::Rsa),
        _ => None,
    }
}

/// A raw signature of `data` (hashed with SHA-256) by the certificate's key: ECDSA P-256 (DER or
/// the 64-byte `r‖s` form), or RSA PKCS#1 v1.5. The sandbox's stand-in for the GOST raw
/// signatures of XMLDsig.
fn verify_raw(certificate: &[u8], data: &[u8], signature: &[u8]) -> Result<(), String> {
    let cert = x509_cert::Certificate::from_der(certificate).map_err(|e| e.to_string())?;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key = spki.subject_public_key.raw_bytes();
    match key_algorithm(certificate) {
        Some(Key::Ecdsa) => {
            use signature::Verifier;
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(|e| e.to_string())?;
            let sig = p256::ecdsa::Signature::from_der(signature)
                .or_else(|_| p256::ecdsa::Signature::from_slice(signature))
                .map_err(|_| "not an ECDSA signature".to_string())?;
            key.verify(data, &sig)
                .map_err(|_| "the signature does not match".to_string())
        }
        Some(Key::Rsa) => {
            use rsa::pkcs1::DecodeRsaPublicKey;
            let key = rsa::RsaPublicKey::from_pkcs1_der(key).map_err(|e| e.to_string())?;
            key.verify(
                rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                &sha2::Sha256::digest(data),
                signature,
            )
            .map_err(|_| "the signature does not match".to_string())
        }
        None => Err("unsupported key".into()),
    }
}

// ---- test tools

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SedoDocflowRequest {
    account_id: Option<Uuid>,
    /// The docflow type, with or without `urn:docflow:` (default `fss-sedo-pvso-notification`).
    #[serde(rename = "type")]
    docflow_type: Option<String>,
    /// The insurer's SFR registration number (default: the organization's INN).
    registration_number: Option<String>,
}

/// `POST /test-tools/v1/generate-sedo-docflow` `{account-id?, type?, registration-number?}`: an
/// incoming SFR SEDO docflow to the account's head organization, `received`, with no documents
/// until a documents request is sent.
pub async fn generate_docflow(
    State(shared): State<Arc<Shared>>,
    headers: axum::http::HeaderMap,
    JsonBody(req): JsonBody<SedoDocflowRequest>,
) -> ApiResult<Json<Value>> {
    crate::identity::auth::authorize(&shared, &headers)?;
    let name = req
        .docflow_type
        .as_deref()
        .map(|t| t.strip_prefix("urn:docflow:").unwrap_or(t))
        .unwrap_or("fss-sedo-pvso-notification")
        .to_string();
    let doc_type = format!("urn:docflow:{name}");
    if !INCOMING.iter().any(|(t, _, _)| *t == name) {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!(
                "type {name:?}: one of {}",
                INCOMING
                    .iter()
                    .map(|(t, _, _)| *t)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if let Some(n) = &req.registration_number
        && (n.len() != 10 || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("registration-number {n:?} must be 10 digits"),
        ));
    }
    let now = shared.clock.now();
    let mut store = shared.lock();
    let account = match req.account_id {
        Some(id) => store.account(id).cloned(),
        None => store.accounts.first().cloned(),
    }
    .ok_or_else(|| ApiError::not_found("account"))?;
    let org = store
        .organizations
        .iter()
        .find(|o| o.account_id == account.id && o.is_main)
        .cloned()
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let registration = req.registration_number.unwrap_or_else(|| org.inn.clone());
    let docflow = Docflow {
        seq: 0,
        id: Uuid::new_v4(),
        account_id: account.id,
        organization_id: org.id,
        doc_type: doc_type.into(),
        status: DocflowStatus::Received,
        success_state: SuccessState::Neutral,
        inn: org.inn.clone(),
        kpp: org.kpp.clone(),
        cu: String::new(),
        knd: None,
        okud: None,
        incoming: true,
        description: crate::state::Description::new(&json!({
            "registration-number": registration,
            "registration-number-sfr": registration,
        })),
        documents: Default::default(),
        created: now,
        updated: now,
        robot: None,
    };
    let id = docflow.id;
    store.push_event(&docflow, "document", now);
    store.insert_docflow(docflow);
    Ok(Json(json!({ "docflow-id": id, "account-id": account.id })))
}
