//! The documents of an inventory (опись, `urn:docflow:fns534-inventory`, the answer to a demand):
//! `…/docflows/{relatedDocflowId}/documents/{relatedDocumentId}/inventories/{inventoryId}/documents/{documentId}/…`.
//!
//! skbkontur/extern-api-docs docs/inventories/методы до описи.rst: an inventory is named by three
//! ids — its own docflow, the demand's docflow and the demand's attachment it answers — "поэтому
//! для работы с ней мы реализовали отдельные методы"; they are the docflow document methods one
//! level deeper (signatures, contents, cloud decryption, tasks, print, replies; cloud signing and
//! decryption as in docs/cloud/методы в inventory.rst). So every route here first checks that
//! the inventory answers that attachment — 404 otherwise, as `GET …/inventories/{inventoryId}`
//! answers — and then runs the docflow document operation on the inventory's docflow.
//!
//! Our assumption: the answers are those of the docflow document twins, links included (they name
//! the inventory's docflow as `/docflows/{inventoryId}/…`, which the sandbox serves too: an
//! inventory is a docflow, found by `GET …/docflows?type=fns534-inventory`); the vendor shows no
//! inventory answer to say otherwise. Cloud operations started here link their confirmation
//! under the inventory path the client called.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::api::cloud;
use crate::api::contents::deprecated_bytes;
use crate::api::docflows;
use crate::api::print;
use crate::api::replies;
use crate::formats::wire::{DecryptedContentRequest, GenerateReplyRequest, SendReplyRequest};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Deferred, JsonBody, Path, Query};
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::Target;
use crate::state::urns::INVENTORY_DOCFLOW;
use crate::state::{DocflowDocument, Store};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// account, related (demand) docflow, related document (its attachment), inventory, document.
type DocumentIds = (Uuid, Uuid, Uuid, Uuid, Uuid);
/// [`DocumentIds`] and one more (signature, task or reply).
type ItemIds = (Uuid, Uuid, Uuid, Uuid, Uuid, Uuid);
/// [`DocumentIds`], a reply and its task.
type ReplyTaskIds = (Uuid, Uuid, Uuid, Uuid, Uuid, Uuid, Uuid);

pub fn routes() -> Router<Arc<Shared>> {
    let d = "/v1/{account}/docflows/{docflow}/documents/{document}/inventories/{inventory}/documents/{inventory_document}";
    let r = format!("{d}/replies/{{reply}}");
    Router::new()
        .route(&format!("{d}/signatures"), get(signatures))
        .route(
            &format!("{d}/signatures/{{signature}}/content"),
            get(signature_content),
        )
        .route(&format!("{d}/tasks/{{task}}"), get(document_task))
        .route(
            &format!("{d}/decrypted-content"),
            get(get_decrypted).put(save_decrypted),
        )
        .route(&format!("{d}/encrypted-content"), get(get_encrypted))
        .route(&format!("{d}/decrypt-content"), post(decrypt))
        .route(
            &format!("{d}/decrypt-content-confirm"),
            post(decrypt_confirm),
        )
        .route(
            &format!("{d}/confirm-content-decryption"),
            post(confirm_decryption),
        )
        .route(&format!("{d}/print"), post(print_document))
        .route(&format!("{d}/generate-reply"), post(generate_reply))
        .route(&r, get(get_reply))
        .route(&format!("{r}/content"), put(put_reply_content))
        .route(&format!("{r}/signature"), put(put_reply_signature))
        .route(&format!("{r}/send"), post(send_reply))
        .route(&format!("{r}/cloud-sign"), post(cloud_sign_reply))
        .route(
            &format!("{r}/cloud-sign-confirm"),
            post(cloud_sign_reply_confirm),
        )
        .route(&format!("{r}/tasks/{{task}}"), get(reply_task))
}

/// 403 for an account not the caller's; 404 unless `inventory` is an inventory answering
/// `document` of `docflow` (the same test as `GET …/inventories/{inventoryId}`).
fn check_inventory(
    shared: &Shared,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
    inventory: Uuid,
) -> ApiResult<()> {
    let store = shared.lock();
    let found = crate::api::docflow_search::related(
        &store,
        account,
        docflow,
        document,
        Some(INVENTORY_DOCFLOW),
    )
    .any(|d| d.id == inventory);
    if found {
        Ok(())
    } else {
        Err(ApiError::not_found("inventory"))
    }
}

/// 404 unless `reply` was generated for `document` of the inventory `docflow` (the cloud routes
/// of the docflow twins look the reply up by its id alone).
fn check_reply(
    shared: &Shared,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
    reply: Uuid,
) -> ApiResult<()> {
    shared
        .lock()
        .replies
        .get(&reply)
        .filter(|r| r.account_id == account && r.docflow_id == docflow && r.document_id == document)
        .map(|_| ())
        .ok_or_else(|| ApiError::not_found("reply"))
}

/// The path of an inventory document, for the links of the cloud operations started on it.
fn document_base(
    (account, docflow, document, inventory, inventory_document): DocumentIds,
) -> String {
    format!(
        "/v1/{account}/docflows/{docflow}/documents/{document}/inventories/{inventory}/documents/{inventory_document}"
    )
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
}

/// A document of a docflow of `account` (404 `docflow` / `document`).
fn find_document(
    store: &Store,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
) -> ApiResult<std::borrow::Cow<'_, DocflowDocument>> {
    docflows::find_document(docflows::find(store, account, docflow)?, document)
}

/// A stored content as the deprecated getters answer it: a base64 JSON string, at most
/// 32 MB (see [`deprecated_bytes`]).
fn capped_base64(shared: &Shared, store: &Store, content: Uuid) -> ApiResult<Json<Value>> {
    let bytes = deprecated_bytes(shared, store, content)?;
    Ok(Json(json!(B64.encode(bytes))))
}

/// `GET …/documents/{documentId}/decrypted-content` (deprecated) of any docflow: the plain
/// content, base64. "Наличие расшифрованного контента возможно не для всех документов": a
/// document from the authorities has none until it is decrypted — 404 (our assumption of the
/// status).
pub(crate) fn decrypted_content(
    shared: &Shared,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let doc = find_document(&store, account, docflow, document)?;
    if !doc.decrypted {
        return Err(ApiError::not_found("decrypted content"));
    }
    capped_base64(shared, &store, doc.content_id)
}

/// `GET …/documents/{documentId}/encrypted-content` (deprecated) of any docflow: the encrypted
/// variant (CMS EnvelopedData of the archive), base64 — "Чтобы получить контент, его нужно
/// конвертировать и дешифровать … В результате вы получите архив" (docs/inventories/методы до
/// описи.rst). A document kept only plain (the operator's) has none: 404.
pub(crate) fn encrypted_content(
    shared: &Shared,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let sealed = find_document(&store, account, docflow, document)?
        .sealed
        .as_ref()
        .map(|s| s.content_id)
        .ok_or_else(|| ApiError::not_found("encrypted content"))?;
    capped_base64(shared, &store, sealed)
}

/// `unzip` of `decrypt-content-confirm` (skbkontur/extern-java-sdk DocflowsApi
/// `cloudDecryptDocumentConfirm`, `@Query("unzip") boolean`): absent is `false`.
fn unzip_query(query: Option<&str>) -> ApiResult<bool> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalidQuery", e.to_string()))?;
    match pairs
        .iter()
        .find(|(k, _)| k == "unzip")
        .map(|(_, v)| v.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::bad_request(
            "invalidQuery",
            format!("unzip={other:?}: expected true or false"),
        )),
    }
}

/// `POST …/documents/{documentId}/decrypt-content-confirm?requestId=&code=&unzip=` of any
/// docflow: confirms a cloud decryption with the SMS code and "возвращает расшифрованный контент
/// документа" (docs/inventories/методы до описи.rst, POST DecryptDocumentConfirmation) as a
/// base64 JSON string (the C# InventoriesClient reads `byte[]`). What is decrypted is the
/// archive the encrypted variant holds; `unzip=true` answers the file inside it.
pub(crate) fn decrypt_confirm_content(
    shared: &Shared,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
    query: Option<&str>,
) -> ApiResult<Json<Value>> {
    let unzip = unzip_query(query)?;
    cloud::confirm(
        shared,
        account,
        Target::Decrypt { docflow, document },
        query,
    )?;
    let store = shared.lock();
    let doc = find_document(&store, account, docflow, document)?;
    let plain = deprecated_bytes(shared, &store, doc.content_id)?;
    let bytes = if unzip {
        plain
    } else {
        crate::formats::compression::Compression::of(shared.config.older_forms)
            .pack(&doc.filename, &plain)
            .map_err(internal)?
    };
    Ok(Json(json!(B64.encode(bytes))))
}

// ---- handlers: the inventory checked, then the docflow document operation

/// `GET …/signatures` (skbkontur/extern-java-sdk InventoryApi `getInventorySignatures`).
async fn signatures(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc)): Path<DocumentIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    docflows::signatures(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc)),
    )
    .await
}

/// `GET …/signatures/{signatureId}/content`: base64 in a JSON string (GET GetSignatureContent).
async fn signature_content(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc, sig)): Path<ItemIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    docflows::signature_content(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc, sig)),
    )
    .await
}

/// `GET …/tasks/{apiTaskId}`: the document's print and cloud decryption tasks (GET
/// InventoryDocflowDocumentTask).
async fn document_task(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc, task)): Path<ItemIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    cloud::document_task(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc, task)),
    )
    .await
}

/// `GET …/decrypted-content` (GET GetDecryptedDocumentContent, deprecated).
async fn get_decrypted(
    State(shared): State<Arc<Shared>>,
    AccountScope(_caller): AccountScope,
    Path((account, df, doc, inv, idoc)): Path<DocumentIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    decrypted_content(&shared, account, inv, idoc)
}

/// `PUT …/decrypted-content` `{content-id}`: the subscriber stores what it decrypted.
async fn save_decrypted(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc)): Path<DocumentIds>,
    JsonBody(req): JsonBody<DecryptedContentRequest>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    docflows::save_decrypted(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc)),
        JsonBody(req),
    )
    .await
}

/// `GET …/encrypted-content` (GET GetEncryptedDocumentContent, deprecated).
async fn get_encrypted(
    State(shared): State<Arc<Shared>>,
    AccountScope(_caller): AccountScope,
    Path((account, df, doc, inv, idoc)): Path<DocumentIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    encrypted_content(&shared, account, inv, idoc)
}

/// `POST …/decrypt-content` (POST InitDecryptDocument): a cloud decryption with the cloud
/// certificate the document is encrypted for — an SMS code to confirm, or a myDSS task to poll
/// at `…/tasks/{taskId}`. The C# client posts `{certificate-base64}`; the description declares no
/// body, and the sandbox needs none.
async fn decrypt(
    State(shared): State<Arc<Shared>>,
    AccountScope(_caller): AccountScope,
    Path(ids @ (account, df, doc, inv, idoc)): Path<DocumentIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    Ok(Json(cloud::start(
        &shared,
        account,
        Target::Decrypt {
            docflow: inv,
            document: idoc,
        },
        &document_base(ids),
    )?))
}

/// `POST …/decrypt-content-confirm?requestId=&code=&unzip=`: the decrypted content itself.
async fn decrypt_confirm(
    State(shared): State<Arc<Shared>>,
    AccountScope(_caller): AccountScope,
    Path((account, df, doc, inv, idoc)): Path<DocumentIds>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    decrypt_confirm_content(&shared, account, inv, idoc, q.as_deref())
}

/// `POST …/confirm-content-decryption?requestId=&code=` (POST ConfirmationDecryptDocument): "метод
/// возвращает ссылку на расшифрованный контент документа".
async fn confirm_decryption(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc)): Path<DocumentIds>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    cloud::confirm_decryption(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc)),
        RawQuery(q),
    )
    .await
}

/// `POST …/print?deferred=true` `{content-id}` (POST GetDocumentPrint): a `docflowPrint` task.
async fn print_document(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc)): Path<DocumentIds>,
    Query(q): Query<Deferred>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    print::docflow_document(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc)),
        Query(q),
        body,
    )
    .await
}

/// `POST …/generate-reply?documentType=` `{certificate-base64}` (POST CreateReplyDocument): 201
/// and the reply, e.g. the receipt `fns534-inventory-receipt` on the inspection's KV or UO.
async fn generate_reply(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc)): Path<DocumentIds>,
    RawQuery(q): RawQuery,
    JsonBody(body): JsonBody<GenerateReplyRequest>,
) -> ApiResult<Response> {
    check_inventory(&shared, account, df, doc, inv)?;
    replies::generate(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc)),
        RawQuery(q),
        JsonBody(body),
    )
    .await
}

/// `GET …/replies/{replyId}` (GET GetReplyDocument).
async fn get_reply(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc, reply)): Path<ItemIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    replies::get(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc, reply)),
    )
    .await
}

/// `PUT …/replies/{replyId}/content`: raw bytes (PUT SaveReplyDocumentContent).
async fn put_reply_content(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc, reply)): Path<ItemIds>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    replies::put_content(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc, reply)),
        body,
    )
    .await
}

/// `PUT …/replies/{replyId}/signature`: the raw detached signature (PUT SaveReplyDocumentSignature).
async fn put_reply_signature(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc, reply)): Path<ItemIds>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    replies::put_signature(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc, reply)),
        body,
    )
    .await
}

/// `POST …/replies/{replyId}/send` `{sender-ip}` (POST SendReplyDocument; the C# client's PUT is
/// refused, the docs say POST): the inventory docflow, moved on.
async fn send_reply(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc, reply)): Path<ItemIds>,
    JsonBody(body): JsonBody<SendReplyRequest>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    replies::send(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc, reply)),
        JsonBody(body),
    )
    .await
}

/// `POST …/replies/{replyId}/cloud-sign` (POST SignReplyDocument): signing with the cloud
/// certificate the reply was generated for — an SMS code, or a myDSS task (docs/cloud/методы в
/// inventory.rst: `TaskId`, `ConfirmType = myDSS`).
async fn cloud_sign_reply(
    State(shared): State<Arc<Shared>>,
    AccountScope(_caller): AccountScope,
    Path((account, df, doc, inv, idoc, reply)): Path<ItemIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    check_reply(&shared, account, inv, idoc, reply)?;
    let base = format!(
        "{}/replies/{reply}",
        document_base((account, df, doc, inv, idoc))
    );
    Ok(Json(cloud::start(
        &shared,
        account,
        Target::Reply {
            docflow: inv,
            reply,
        },
        &base,
    )?))
}

/// `POST …/replies/{replyId}/cloud-sign-confirm?requestId=&code=` (POST SignConfirmReplyDocument).
async fn cloud_sign_reply_confirm(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc, reply)): Path<ItemIds>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    check_reply(&shared, account, inv, idoc, reply)?;
    cloud::confirm_reply(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc, reply)),
        RawQuery(q),
    )
    .await
}

/// `GET …/replies/{replyId}/tasks/{apiTaskId}` (GET DocflowReplyDocumentTask): the myDSS signing.
async fn reply_task(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path((account, df, doc, inv, idoc, reply, task)): Path<ReplyTaskIds>,
) -> ApiResult<Json<Value>> {
    check_inventory(&shared, account, df, doc, inv)?;
    check_reply(&shared, account, inv, idoc, reply)?;
    cloud::reply_task(
        State(shared),
        AccountScope(caller),
        Path((account, inv, idoc, reply, task)),
    )
    .await
}
