//! Cloud signing: certificates whose keys the sandbox holds (issued through test tools), used to
//! sign a draft's documents or a reply on the user's confirmation, in both generations the vendor
//! documented: SMS-like (a request id and a code — readable through test tools — confirmed at
//! `cloud-sign-confirm`, at most three attempts) and myDSS-like (a task that stays `running` with
//! `progress = AwaitingForConfirmation` until the user approves or denies in test tools, or it
//! times out). One operation at a time per draft or docflow (409).

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path};
use crate::identity::scope::AccountScope;
use crate::pki::{self, SandboxSigner, Subject};
use crate::state::Shared;
use crate::state::vocabulary::{DraftStatus, TaskState};
use crate::state::{CloudCertificate, ConfirmType, Operation, Target};
use crate::state::{Signature, Store, Task};

/// How long the holder has to confirm.
const CONFIRM_WINDOW_SECS: i64 = 300;
const MAX_ATTEMPTS: u32 = 3;

fn cloud_certificate(
    store: &Store,
    der: &[u8],
) -> Option<(Arc<SandboxSigner>, String, ConfirmType)> {
    let thumbprint = pki::thumbprint(der);
    store
        .cloud_certificates
        .iter()
        .find(|c| c.thumbprint == thumbprint)
        .map(|c| (c.signer.clone(), c.thumbprint.clone(), c.confirm))
}

/// The certificate a target is signed with: the draft's sender certificate, or the one the reply
/// was generated for.
fn target_certificate(store: &Store, account: Uuid, target: Target) -> ApiResult<Vec<u8>> {
    match target {
        Target::Draft(id) => {
            let draft = store
                .drafts
                .get(&id)
                .filter(|d| d.account_id == account)
                .ok_or_else(|| ApiError::not_found("draft"))?;
            let content = draft
                .meta
                .sender
                .as_ref()
                .and_then(|s| s.certificate.as_ref())
                .map(|c| c.content.clone())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "noCloudCertificate",
                        "the draft's sender has no certificate to sign with",
                    )
                })?;
            base64::engine::general_purpose::STANDARD
                .decode(content.trim())
                .map_err(|_| {
                    ApiError::bad_request(
                        "invalidCertificate",
                        "sender.certificate.content is not base64",
                    )
                })
        }
        Target::Reply { reply, .. } => {
            let r = store
                .replies
                .get(&reply)
                .filter(|r| r.account_id == account)
                .ok_or_else(|| ApiError::not_found("reply"))?;
            Ok(r.certificate.clone())
        }
        Target::PfrReply { reply, .. } => pfr_reply_certificate(store, account, reply),
        Target::Decrypt { docflow, document } => {
            let d = store
                .docflows
                .get(&docflow)
                .filter(|d| d.account_id == account)
                .ok_or_else(|| ApiError::not_found("docflow"))?;
            let doc = d
                .documents
                .iter()
                .find(|x| x.id == document)
                .ok_or_else(|| ApiError::not_found("document"))?;
            let sealed = doc.sealed.as_ref().ok_or_else(|| {
                ApiError::bad_request("notEncrypted", "the document is not encrypted")
            })?;
            store
                .cloud_certificates
                .iter()
                .map(|c| &c.signer.certificate_der)
                .find(|der| {
                    pki::describe_certificate(der)
                        .is_ok_and(|i| sealed.serials.contains(&i.serial_number))
                })
                .cloned()
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "notCloudCertificate",
                        "the document is not encrypted for a cloud certificate of the organization",
                    )
                })
        }
    }
}

/// Starts an operation: answers `CloudOperationInit`.
pub fn start(shared: &Shared, account: Uuid, target: Target, base: &str) -> ApiResult<Value> {
    let now = shared.clock.now();
    let mut store = shared.lock();
    let der = target_certificate(&store, account, target)?;
    let Some((_, thumbprint, confirm)) = cloud_certificate(&store, &der) else {
        return Err(ApiError::bad_request(
            "notCloudCertificate",
            "the certificate is not a cloud certificate: its key is not held by the service",
        ));
    };
    // One operation at a time per draft, and per docflow for replies.
    let busy = store.cloud_operations.values().any(|op| {
        op.expires > now
            && match (op.target, target) {
                (Target::Draft(a), Target::Draft(b)) => a == b,
                (Target::Reply { docflow: a, .. }, Target::Reply { docflow: b, .. }) => a == b,
                (Target::PfrReply { docflow: a, .. }, Target::PfrReply { docflow: b, .. }) => {
                    a == b
                }
                (Target::Decrypt { docflow: a, .. }, Target::Decrypt { docflow: b, .. }) => a == b,
                _ => false,
            }
    });
    if busy {
        return Err(ApiError::conflict(
            "userHasUnconfirmedOperation",
            "another cloud operation is awaiting confirmation here",
        ));
    }
    if let Target::Draft(id) = target
        && store.drafts.get(&id).is_some_and(|d| d.busy_task.is_some())
    {
        return Err(ApiError::conflict(
            "concurrentApiTaskActive",
            "There is an active concurrent operation",
        ));
    }
    let request_id = Uuid::new_v4().simple().to_string();
    let code = format!("{:06}", rand_code());
    let task = (confirm == ConfirmType::MyDss).then(|| {
        let (owner, kind) = match target {
            Target::Draft(id) => (id, "urn:task-type:cloud-sign"),
            Target::Reply { reply, .. } => (reply, "urn:task-type:cloud-sign"),
            Target::PfrReply { reply, .. } => (reply, "urn:task-type:cloud-sign"),
            Target::Decrypt { document, .. } => (document, "urn:task-type:cloud-decrypt"),
        };
        let t = Task {
            id: Uuid::new_v4(),
            account_id: account,
            owner,
            kind,
            state: TaskState::Running,
            result: None,
            error: None,
            progress: Some("AwaitingForConfirmation"),
        };
        store.tasks.insert(t.id, t.clone());
        t.id
    });
    if let Target::Draft(id) = target
        && let Some(d) = store.drafts.get_mut(&id)
    {
        d.busy_task = Some(task.unwrap_or_default());
    }
    store.cloud_operations.insert(
        request_id.clone(),
        Operation {
            request_id: request_id.clone(),
            account_id: account,
            target,
            thumbprint,
            code,
            attempts: 0,
            expires: now + Duration::seconds(CONFIRM_WINDOW_SECS),
            task,
        },
    );
    let documents: Vec<Value> = match target {
        Target::Draft(id) => store.drafts[&id].documents.iter().map(|d| json!({ "rel": "document", "href": shared.url(&format!("{}/documents/{}", crate::views::draft_path(account, id), d.id)) })).collect(),
        Target::Reply { .. } | Target::PfrReply { .. } => {
            vec![json!({ "rel": "reply", "href": shared.url(base) })]
        }
        Target::Decrypt { .. } => vec![json!({ "rel": "document", "href": shared.url(base) })],
    };
    // A decryption is confirmed at `confirm-content-decryption` (docs/inventories/методы до
    // описи.rst, POST ConfirmationDecryptDocument), a signing at `cloud-sign-confirm`.
    let confirm_at = match target {
        Target::Decrypt { .. } => "confirm-content-decryption",
        _ => "cloud-sign-confirm",
    };
    let mut answer = json!({
        "request-id": request_id,
        "confirm-type": match confirm { ConfirmType::Sms => "sms", ConfirmType::MyDss => "myDSS" },
        "documents-to-sign": documents,
        "links": [{ "rel": "confirm", "href": shared.url(&format!("{base}/{confirm_at}?requestId={request_id}")) }],
    });
    if let Some(t) = task {
        answer["task-id"] = json!(t);
    }
    Ok(answer)
}

fn rand_code() -> u32 {
    use rand_core::RngCore;
    rand_core::OsRng.next_u32() % 1_000_000
}

/// Signs what the operation targets (the holder confirmed) and releases its locks.
fn complete(shared: &Shared, store: &mut Store, op: &Operation) -> ApiResult<Vec<Value>> {
    let signer = store
        .cloud_certificates
        .iter()
        .find(|c| c.thumbprint == op.thumbprint)
        .map(|c| c.signer.clone())
        .ok_or_else(|| {
            ApiError::bad_request("notCloudCertificate", "the cloud certificate is gone")
        })?;
    let info = pki::describe_certificate(&signer.certificate_der)
        .map_err(|e| ApiError::bad_request("invalidCertificate", e.to_string()))?;
    let mut signed = Vec::new();
    match op.target {
        Target::Draft(id) => {
            let contents: Vec<(Uuid, Vec<u8>)> = store.drafts[&id]
                .documents
                .iter()
                .filter_map(|d| {
                    let content = d.content_id.and_then(|c| store.contents.get(&c))?;
                    Some((d.id, content.bytes().ok()?))
                })
                .collect();
            let draft = store.drafts.get_mut(&id).expect("checked at start");
            for (doc, bytes) in contents {
                let sig = Signature {
                    id: Uuid::new_v4(),
                    bytes: signer.sign_detached(&bytes).into(),
                    thumbprint: op.thumbprint.clone().into(),
                    title: info.title().into(),
                    signer_type: "organization-representative",
                };
                if let Some(d) = draft.documents.iter_mut().find(|d| d.id == doc) {
                    d.signatures.retain(|s| *s.thumbprint != *op.thumbprint);
                    d.signatures.push(sig);
                    signed.push(json!({ "rel": "document", "href": shared.url(&format!("{}/documents/{doc}", crate::views::draft_path(op.account_id, id))) }));
                }
            }
            draft.busy_task = None;
            draft.status = DraftStatus::New;
        }
        Target::Reply { reply, .. } => {
            let r = store
                .replies
                .get_mut(&reply)
                .ok_or_else(|| ApiError::not_found("reply"))?;
            r.signature = Some(signer.sign_detached(&r.content));
            signed.push(json!({ "rel": "reply", "href": reply.to_string() }));
        }
        Target::PfrReply { reply, .. } => {
            signed.extend(cloud_sign_documents(shared, store, reply, &signer)?);
        }
        Target::Decrypt { docflow, document } => {
            let key = signer.rsa_key().ok_or_else(|| {
                ApiError::bad_request("notCloudCertificate", "the cloud key cannot decrypt")
            })?;
            let d = store
                .docflows
                .get(&docflow)
                .ok_or_else(|| ApiError::not_found("docflow"))?;
            let doc = d
                .documents
                .iter()
                .find(|x| x.id == document)
                .ok_or_else(|| ApiError::not_found("document"))?;
            let sealed = doc
                .sealed
                .as_ref()
                .map(|s| s.content_id)
                .and_then(|c| shared.content(store, c))
                .and_then(|c| c.head(usize::MAX).ok())
                .unwrap_or_default();
            let plain = crate::pki::sealing::open(key, &sealed)
                .map_err(|e| ApiError::bad_request("decryptionFailed", e))?;
            let plain_id = crate::state::memory_content(store, op.account_id, &plain);
            if let Some(d) = store.docflows.get_mut(&docflow) {
                d.documents.update(document, |doc| {
                    doc.content_id = plain_id;
                    doc.decrypted = true;
                });
            }
            signed.push(json!({ "rel": "decrypted-content", "href": shared.url(&format!("/v1/{}/contents/{plain_id}", op.account_id)), "content-id": plain_id }));
        }
    }
    Ok(signed)
}

fn release(store: &mut Store, op: &Operation) {
    if let Target::Draft(id) = op.target
        && let Some(d) = store.drafts.get_mut(&id)
    {
        d.busy_task = None;
    }
}

/// `…/cloud-sign-confirm?requestId=&code=`: the SMS code.
pub fn confirm(
    shared: &Shared,
    account: Uuid,
    target: Target,
    query: Option<&str>,
) -> ApiResult<Value> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalidQuery", e.to_string()))?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (Some(request_id), Some(code)) = (get("requestId"), get("code")) else {
        return Err(ApiError::bad_request(
            "invalidQuery",
            "requestId and code are required",
        ));
    };
    let now = shared.clock.now();
    let mut store = shared.lock();
    let op = store
        .cloud_operations
        .get(&request_id)
        .filter(|o| o.account_id == account && o.target == target)
        .cloned()
        .ok_or_else(|| ApiError::not_found("cloud operation"))?;
    if op.task.is_some() {
        return Err(ApiError::bad_request(
            "confirmInApp",
            "this operation is confirmed in the myDSS app: poll its task",
        ));
    }
    if op.expires <= now {
        store.cloud_operations.remove(&request_id);
        release(&mut store, &op);
        return Err(ApiError::bad_request(
            "timeout",
            "the confirmation window has passed (Timeout)",
        ));
    }
    if op.code != code {
        let attempts = op.attempts + 1;
        if attempts >= MAX_ATTEMPTS {
            store.cloud_operations.remove(&request_id);
            release(&mut store, &op);
            return Err(ApiError::bad_request(
                "exceededConfirmationAttemptsCount",
                "the code was wrong too many times (ExceededConfirmationAttemptsCount)",
            ));
        }
        if let Some(o) = store.cloud_operations.get_mut(&request_id) {
            o.attempts = attempts;
        }
        return Err(ApiError::bad_request(
            "wrongConfirmationCode",
            format!("wrong code; {} attempts left", MAX_ATTEMPTS - attempts),
        ));
    }
    store.cloud_operations.remove(&request_id);
    let signed = complete(shared, &mut store, &op)?;
    Ok(json!({ "signed-documents": signed }))
}

/// Fails the myDSS operations whose window passed.
pub fn expire(store: &mut Store, now: DateTime<Utc>) {
    let expired: Vec<Operation> = store
        .cloud_operations
        .values()
        .filter(|o| o.expires <= now)
        .cloned()
        .collect();
    for op in expired {
        store.cloud_operations.remove(&op.request_id);
        release(store, &op);
        if let Some(t) = op.task.and_then(|t| store.tasks.get_mut(&t)) {
            t.state = TaskState::Failed;
            t.progress = Some("Timeout");
            t.error = Some(
                json!({ "id": "urn:error:externapi:cloudOperationTimeout", "status-code": 400, "message": "the holder did not confirm in time (Timeout)" }),
            );
        }
    }
}

// ---- handlers

fn draft_base(account: Uuid, draft: Uuid) -> String {
    crate::views::draft_path(account, draft)
}

fn reply_base(account: Uuid, docflow: Uuid, document: Uuid, reply: Uuid) -> String {
    format!(
        "{}/documents/{document}/replies/{reply}",
        crate::views::docflow_path(account, docflow)
    )
}

/// `POST …/drafts/{draftId}/cloud-sign`
pub async fn sign_draft(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, draft)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    Ok(Json(start(
        &shared,
        account,
        Target::Draft(draft),
        &draft_base(account, draft),
    )?))
}

/// `POST …/drafts/{draftId}/cloud-sign-confirm?requestId=&code=`
pub async fn confirm_draft(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, draft)): Path<(Uuid, Uuid)>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    Ok(Json(confirm(
        &shared,
        account,
        Target::Draft(draft),
        q.as_deref(),
    )?))
}

/// `POST …/replies/{replyId}/cloud-sign`
pub async fn sign_reply(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, document, reply)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    Ok(Json(start(
        &shared,
        account,
        Target::Reply { docflow, reply },
        &reply_base(account, docflow, document, reply),
    )?))
}

/// `POST …/replies/{replyId}/cloud-sign-confirm?requestId=&code=`
pub async fn confirm_reply(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, _document, reply)): Path<(Uuid, Uuid, Uuid, Uuid)>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    Ok(Json(confirm(
        &shared,
        account,
        Target::Reply { docflow, reply },
        q.as_deref(),
    )?))
}

/// `GET …/replies/{replyId}/tasks/{taskId}`
pub async fn reply_task(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, _docflow, _document, reply, task)): Path<(Uuid, Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    expire(&mut store, shared.clock.now());
    let t = store
        .tasks
        .get(&task)
        .filter(|t| t.account_id == account && t.owner == reply)
        .ok_or_else(|| ApiError::not_found("task"))?;
    Ok(Json(crate::views::render_task(t)))
}

/// `POST …/documents/{documentId}/decrypt-content`: cloud decryption of a document.
pub async fn decrypt_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, document)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let base = format!(
        "{}/documents/{document}",
        crate::views::docflow_path(account, docflow)
    );
    Ok(Json(start(
        &shared,
        account,
        Target::Decrypt { docflow, document },
        &base,
    )?))
}

/// `POST …/documents/{documentId}/confirm-content-decryption?requestId=&code=`
pub async fn confirm_decryption(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, document)): Path<(Uuid, Uuid, Uuid)>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let answer = confirm(
        &shared,
        account,
        Target::Decrypt { docflow, document },
        q.as_deref(),
    )?;
    Ok(Json(
        json!({ "decrypted-documents": answer["signed-documents"] }),
    ))
}

/// `GET …/documents/{documentId}/tasks/{taskId}`: a document's task (cloud decryption).
pub async fn document_task(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, _docflow, document, task)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    expire(&mut store, shared.clock.now());
    let t = store
        .tasks
        .get(&task)
        .filter(|t| t.account_id == account && t.owner == document)
        .ok_or_else(|| ApiError::not_found("task"))?;
    Ok(Json(crate::views::render_task(t)))
}

// ---- test tools

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CloudCertificateRequest {
    inn: String,
    kpp: Option<String>,
    fio: Option<String>,
    confirm_type: ConfirmType,
}

/// `POST /test-tools/v1/generate-cloud-certificate` `{inn, kpp?, fio?, confirm-type: sms|myDSS}`:
/// a certificate whose key stays in the sandbox.
pub async fn generate_certificate(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CloudCertificateRequest>,
) -> ApiResult<Json<Value>> {
    crate::identity::auth::authorize(&shared, &headers)?;
    if !(req.inn.len() == 10 || req.inn.len() == 12) || !req.inn.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(ApiError::bad_request(
            "invalidInn",
            format!("inn {:?} must be 10 or 12 digits", req.inn),
        ));
    }
    let organization = shared
        .lock()
        .organizations
        .iter()
        .find(|o| o.inn == req.inn)
        .map(|o| o.name.clone());
    // RSA: the sandbox's stand-in for the vendor's GOST cloud keys, able to sign and to decrypt.
    let subject = Subject {
        inn: req.inn.clone(),
        kpp: req.kpp.clone(),
        fio: req.fio.unwrap_or_else(|| "Облачный Подписант".into()),
        organization,
        ogrn: None,
    };
    let ca = shared.clone();
    let signer = Arc::new(
        tokio::task::spawn_blocking(move || ca.ca.rsa_signer(&subject))
            .await
            .map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            })?,
    );
    let der = signer.certificate_der.clone();
    let info = pki::describe_certificate(&der)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let mut store = shared.lock();
    store.signers.push(crate::state::SignerCertificate {
        der: der.clone(),
        info: info.clone(),
        kpp: req.kpp,
    });
    store.cloud_certificates.push(CloudCertificate {
        signer,
        thumbprint: info.thumbprint.clone(),
        confirm: req.confirm_type,
    });
    Ok(Json(
        json!({ "certificate": base64::engine::general_purpose::STANDARD.encode(&der), "thumbprint": info.thumbprint }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PendingQuery {
    request_id: String,
}

/// `GET /test-tools/v1/cloud-confirmation-code?request-id=`: the SMS code the holder would get.
pub async fn code(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    crate::http::extract::Query(q): crate::http::extract::Query<PendingQuery>,
) -> ApiResult<Json<Value>> {
    crate::identity::auth::authorize(&shared, &headers)?;
    let store = shared.lock();
    let op = store
        .cloud_operations
        .get(&q.request_id)
        .ok_or_else(|| ApiError::not_found("cloud operation"))?;
    Ok(Json(
        json!({ "request-id": op.request_id, "code": op.code }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AppAnswer {
    request_id: String,
    #[serde(default)]
    deny: bool,
}

/// `POST /test-tools/v1/confirm-cloud-operation` `{request-id, deny?}`: the holder approves (or
/// denies) a myDSS operation in the app.
pub async fn answer_in_app(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AppAnswer>,
) -> ApiResult<Json<Value>> {
    crate::identity::auth::authorize(&shared, &headers)?;
    let mut store = shared.lock();
    let op = store
        .cloud_operations
        .get(&req.request_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("cloud operation"))?;
    let Some(task) = op.task else {
        return Err(ApiError::bad_request(
            "notInApp",
            "this operation is confirmed with an SMS code",
        ));
    };
    store.cloud_operations.remove(&req.request_id);
    let outcome = if req.deny {
        release(&mut store, &op);
        Err(
            json!({ "id": "urn:error:externapi:cloudOperationCanceledByUser", "status-code": 400, "message": "the holder denied the operation (CanceledByUser)" }),
        )
    } else {
        complete(&shared, &mut store, &op)
            .map(|signed| json!({ "progress": "Completed", "signed-documents": signed }))
            .map_err(|e| e.body())
    };
    let t = store
        .tasks
        .get_mut(&task)
        .expect("created with the operation");
    match outcome {
        Ok(result) => {
            t.state = TaskState::Succeed;
            t.progress = Some("Completed");
            t.result = Some(result);
        }
        Err(error) => {
            t.state = TaskState::Failed;
            t.progress = Some(if req.deny {
                "CanceledByUser"
            } else {
                "Crashed"
            });
            t.error = Some(error);
        }
    }
    Ok(Json(
        json!({ "request-id": req.request_id, "approved": !req.deny }),
    ))
}

/// The certificate a cloud signing of the reply uses; every document must have its decrypted
/// content, which is what gets signed.
pub(crate) fn pfr_reply_certificate(
    store: &Store,
    account: Uuid,
    reply: Uuid,
) -> ApiResult<Vec<u8>> {
    let r = store
        .pfr_replies
        .get(&reply)
        .filter(|r| r.account_id == account)
        .ok_or_else(|| ApiError::not_found("reply"))?;
    if r.sent {
        return Err(ApiError::bad_request(
            "replyAlreadySent",
            "the reply has been sent",
        ));
    }
    if r.documents.iter().any(|d| d.decrypted.is_none()) {
        return Err(ApiError::bad_request(
            "decryptedContentRequired",
            "store the decrypted content of every reply document before signing",
        ));
    }
    Ok(r.certificate.clone())
}

/// Signs every document of the reply (the holder confirmed); answers the signed links.
pub(crate) fn cloud_sign_documents(
    shared: &Shared,
    store: &mut Store,
    reply: Uuid,
    signer: &SandboxSigner,
) -> ApiResult<Vec<Value>> {
    let r = store
        .pfr_replies
        .get_mut(&reply)
        .ok_or_else(|| ApiError::not_found("reply"))?;
    for d in &mut r.documents {
        let content = d.decrypted.as_deref().ok_or_else(|| {
            ApiError::bad_request(
                "decryptedContentRequired",
                "a reply document lost its decrypted content",
            )
        })?;
        d.signature = Some(signer.sign_detached(content));
    }
    Ok(vec![
        json!({ "rel": "reply", "href": shared.url(&crate::views::pfr_reply_path(r)) }),
    ])
}
