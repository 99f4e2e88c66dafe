//! The rest of a docflow's operations (skbkontur/extern-api-docs docs/dc/методы API для ДО.rst):
//! requisites edited with JSON Patch (`PATCH Docflow`: a comment, or a letter moved into the
//! demands table; `PATCH Document`: a demand's requisites), the deprecated content getters, the
//! Java SDK's name for the cloud decryption confirm, and the recognition of a demand.
//!
//! Document requisites live beside the store (see [`Shared::document_requisites`]): documents are
//! rendered while the store is locked. A demand attachment's requisites start from what the
//! demand asks (its docflow description's `attachments-requisites`).

use std::borrow::Cow;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use base64::Engine;
use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::api::cloud;
use crate::api::contents::{MAX_DEPRECATED_CONTENT, deprecated_bytes};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path};
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::Target;
use crate::state::urns::DEMAND_ATTACHMENT;
use crate::state::{Docflow, DocflowDocument, Store};
use crate::views::{render_docflow, render_document, requisites, supports_recognition};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Comment colours (DemandAttachmentRequisites.cs, `CommentColor`).
const COLORS: &[&str] = &["none", "red", "violet", "gray", "yellow", "green", "blue"];

/// A comment's text, at most (the vendor states no limit; the sandbox bounds what it keeps).
const MAX_TEXT: usize = 4000;
const MAX_LABELS: usize = 50;

pub fn routes() -> Router<Arc<Shared>> {
    let df = "/v1/{account}/docflows/{docflow}";
    let doc = "/v1/{account}/docflows/{docflow}/documents/{document}";
    Router::new()
        // A static segment: axum matches it ahead of `docflows/{docflowId}`.
        .route(
            "/v1/{account}/docflows/demands-assignees",
            get(demands_assignees),
        )
        .route(df, patch(patch_docflow))
        .route(doc, patch(patch_document))
        .route(&format!("{doc}/decrypted-content"), get(decrypted_content))
        .route(&format!("{doc}/encrypted-content"), get(encrypted_content))
        .route(
            &format!("{doc}/decrypt-content-confirm"),
            post(decrypt_confirm),
        )
        .route(&format!("{doc}/recognize"), post(recognize))
}

// ---- demands assignees

/// The namespace of the ids the sandbox gives its users as demand assignees (UUID v5 of the login).
const ASSIGNEE_NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_0c1e_5d2a_4e59_9a57_2f0c_8e3d_a001);

/// `GET /v1/{accountId}/docflows/demands-assignees` (skbkontur/extern-api-docs docs/dc/методы API
/// для ДО.rst, `GET DemandsAssigness`: "Метод вернет список ответственных за работу с
/// требованиями указанной учетной записи"). The page shows no answer and the description types
/// it as an object (OpaqueObject), so the list goes as `{"assignees": [...]}`, each item in the
/// shape of a demand attachment's `assignees` requisite (`{id, email, first-name, middle-name,
/// last-name}`: the vendor's Postman collection, DemandAttachmentRequisites) — the value `PATCH
/// Document` takes for `assignees`.
///
/// Our assumptions: the assignees are the account's users; a user's id is a UUID v5 of their
/// login, the e-mail is the login when it is one, and the name is the one on their login
/// certificate ("Фамилия Имя Отчество") when they have one.
async fn demands_assignees(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let logins = store
        .account(account)
        .map(|a| a.users.clone())
        .ok_or_else(|| ApiError::not_found("account"))?;
    let assignees: Vec<Value> = logins
        .iter()
        .map(|login| {
            let mut v = json!({ "id": Uuid::new_v5(&ASSIGNEE_NAMESPACE, login.as_bytes()) });
            if login.contains('@') {
                v["email"] = json!(login);
            }
            let name = store
                .signers
                .iter()
                .filter(|c| {
                    c.info
                        .inn
                        .as_deref()
                        .and_then(|inn| crate::identity::logins::user_of_inn(&store, inn))
                        .is_some_and(|user| &user == login)
                })
                .map(|c| c.info.common_name.clone())
                .next();
            let parts: Vec<&str> = name.as_deref().unwrap_or("").split_whitespace().collect();
            for (field, part) in ["last-name", "first-name", "middle-name"]
                .iter()
                .zip(&parts)
            {
                v[*field] = json!(part);
            }
            v
        })
        .collect();
    Ok(Json(json!({ "assignees": assignees })))
}

// ---- requisites

fn store_requisites(shared: &Shared, doc: Uuid, v: Value) {
    shared
        .document_requisites
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(doc, v);
    shared.count_change();
}

// ---- JSON Patch

/// One JSON Patch operation (RFC 6902), as the C# SDK sends `JsonPatchDocument` operations.
#[derive(Deserialize)]
struct PatchOp {
    op: String,
    path: String,
    #[serde(default)]
    value: Option<Value>,
}

/// Every name a requisite path or value may use, in the wire's kebab-case.
const NAMES: &[&str] = &[
    "description",
    "requisites",
    "comment",
    "text",
    "color",
    "labels",
    "name",
    "assignees",
    "id",
    "email",
    "first-name",
    "middle-name",
    "last-name",
    "demand-number",
    "demand-knd",
    "demand-date",
    "demand-status",
    "receipt-deadline-date",
    "reply-deadline-date",
    "demand-inn-list",
    "tax-department-name",
    "tax-event-name",
];

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A path segment or key under its wire name: the C# `JsonPatchDocument` writes paths in lower
/// case without dashes (`/description/requisites/demandnumber`), a PascalCase body says `Text`.
fn canonical(name: &str) -> String {
    let s = squash(name);
    NAMES
        .iter()
        .find(|n| squash(n) == s)
        .map(|n| n.to_string())
        .unwrap_or_else(|| name.to_string())
}

fn canonical_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (canonical(&k), canonical_keys(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(canonical_keys).collect()),
        other => other,
    }
}

/// The segments of a path under `/description/requisites`.
fn requisite_path(path: &str) -> ApiResult<Vec<String>> {
    let segments: Vec<String> = path
        .strip_prefix('/')
        .unwrap_or("")
        .split('/')
        .map(|s| canonical(&s.replace("~1", "/").replace("~0", "~")))
        .collect();
    match segments.as_slice() {
        [d, r, rest @ ..] if d == "description" && r == "requisites" => Ok(rest.to_vec()),
        _ => Err(ApiError::bad_request(
            "invalidPatch",
            format!("{path:?}: only /description/requisites/… can be changed"),
        )),
    }
}

fn step<'a>(cur: &'a mut Value, segment: &str) -> Result<&'a mut Value, String> {
    match cur {
        Value::Object(m) => m
            .get_mut(segment)
            .ok_or_else(|| format!("{segment} does not exist")),
        Value::Array(a) => segment
            .parse::<usize>()
            .ok()
            .and_then(|i| a.get_mut(i))
            .ok_or_else(|| format!("no item {segment}")),
        _ => Err(format!("{segment}: not an object or a list")),
    }
}

/// Applies one operation to `target` (the requisites object). As on the service's typed model,
/// every requisite exists (maybe empty): `replace` and `remove` of an absent one are accepted.
fn apply(
    target: &mut Value,
    rest: &[String],
    op: &str,
    value: Option<Value>,
) -> Result<(), String> {
    let value = match op {
        "add" | "replace" => Some(canonical_keys(
            value.ok_or_else(|| format!("{op} needs a value"))?,
        )),
        "remove" => None,
        other => return Err(format!("op {other:?}: add, replace or remove")),
    };
    let Some((last, parents)) = rest.split_last() else {
        *target = value.unwrap_or_else(|| json!({}));
        return Ok(());
    };
    let parent = parents.iter().try_fold(target, |cur, s| step(cur, s))?;
    match parent {
        Value::Object(m) => {
            match value {
                Some(v) => {
                    m.insert(last.clone(), v);
                }
                None => {
                    m.remove(last);
                }
            }
            Ok(())
        }
        Value::Array(a) => {
            let index = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .map_err(|_| format!("{last}: not a list index"))?
            };
            match (op, value) {
                ("add", Some(v)) if index <= a.len() => a.insert(index, v),
                ("replace", Some(v)) if index < a.len() => a[index] = v,
                ("remove", None) if index < a.len() => {
                    a.remove(index);
                }
                _ => return Err(format!("no item {last}")),
            }
            Ok(())
        }
        _ => Err(format!("{last}: its parent is not an object or a list")),
    }
}

fn patched(current: &Value, ops: Vec<PatchOp>) -> ApiResult<Map<String, Value>> {
    let mut v = if current.is_object() {
        current.clone()
    } else {
        json!({})
    };
    for op in ops {
        let rest = requisite_path(&op.path)?;
        apply(&mut v, &rest, op.op.to_ascii_lowercase().as_str(), op.value)
            .map_err(|why| ApiError::bad_request("invalidPatch", format!("{}: {why}", op.path)))?;
    }
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::bad_request(
            "invalidPatch",
            "requisites must stay an object",
        )),
    }
}

fn invalid(key: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalidRequisites", format!("{key}: {why}"))
}

fn text(key: &str, v: &Value, max: usize) -> ApiResult<Value> {
    match v.as_str() {
        Some(s) if !s.trim().is_empty() && s.chars().count() <= max => Ok(json!(s)),
        _ => Err(invalid(
            key,
            format!("a non-empty string of at most {max} characters"),
        )),
    }
}

/// One of `allowed`, matched without case or dashes (`InProgress` → `in-progress`).
fn one_of(key: &str, v: &Value, allowed: &[&str]) -> ApiResult<Value> {
    let given = v.as_str().map(squash).unwrap_or_default();
    allowed
        .iter()
        .find(|a| squash(a) == given)
        .map(|a| json!(a))
        .ok_or_else(|| invalid(key, format!("one of {}", allowed.join(", "))))
}

/// `{text, color}` (DemandAttachmentRequisites.cs, `Comment`); colour `none` when not given.
fn comment(v: &Value) -> ApiResult<Value> {
    let m = v
        .as_object()
        .ok_or_else(|| invalid("comment", "an object {text, color}"))?;
    if let Some(k) = m.keys().find(|k| *k != "text" && *k != "color") {
        return Err(invalid("comment", format!("unknown field {k}")));
    }
    let color = match m.get("color") {
        None | Some(Value::Null) => json!("none"),
        Some(c) => one_of("comment.color", c, COLORS)?,
    };
    Ok(
        json!({ "text": text("comment.text", m.get("text").unwrap_or(&Value::Null), MAX_TEXT)?, "color": color }),
    )
}

/// The requisites after a patch: what changed (added, replaced or removed) must be editable and
/// valid; what did not change stays as it was. Empty values are left out.
fn validate(
    before: &Value,
    after: Map<String, Value>,
    editable: &dyn Fn(&str, &Value) -> ApiResult<Value>,
) -> ApiResult<Value> {
    let old = before.as_object().cloned().unwrap_or_default();
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(after.keys()).collect();
    let mut out = Map::new();
    for key in keys {
        let (was, now) = (old.get(key), after.get(key));
        let value = if was == now {
            now.cloned().unwrap_or(Value::Null)
        } else {
            editable(key, now.unwrap_or(&Value::Null))?
        };
        if !value.is_null() {
            out.insert(key.clone(), value);
        }
    }
    Ok(Value::Object(out))
}

fn read_only(key: &str) -> ApiError {
    ApiError::bad_request("readOnlyRequisite", format!("{key} cannot be changed"))
}

/// PATCH Docflow: a comment on any docflow but a demand ("добавить комментарий к
/// документообороту, кроме … demand"); `demand-knd` on an incoming FNS letter moves it into the
/// demands table.
fn docflow_requisite(docflow_type: &str, key: &str, v: &Value) -> ApiResult<Value> {
    match key {
        "comment" if docflow_type == crate::state::urns::FNS_DEMAND => Err(ApiError::bad_request(
            "invalidRequisites",
            "a demand's comments go on its documents (PATCH …/documents/{documentId})",
        )),
        "comment" if v.is_null() => Ok(Value::Null),
        "comment" => comment(v),
        "demand-knd" if docflow_type != crate::state::urns::CU_LETTER => {
            Err(ApiError::bad_request(
                "invalidRequisites",
                "only an incoming FNS letter (fns534-cu-letter) moves into the demands table",
            ))
        }
        "demand-knd" if v.is_null() => Ok(Value::Null),
        "demand-knd" => match v.as_str() {
            Some(k) if k.len() == 7 && k.bytes().all(|b| b.is_ascii_digit()) => Ok(json!(k)),
            _ => Err(invalid("demand-knd", "a KND of 7 digits")),
        },
        other => Err(read_only(other)),
    }
}

/// PATCH Document: a demand's `comment`, `labels`, `demand-number`, `assignees`,
/// `demand-status` and `demand-date` ("Изменение реквизитов документа требования").
fn document_requisite(key: &str, v: &Value) -> ApiResult<Value> {
    if v.is_null() {
        return match key {
            "comment" | "labels" | "assignees" | "demand-date" => Ok(Value::Null),
            "demand-number" | "demand-status" => Err(invalid(key, "is required")),
            other => Err(read_only(other)),
        };
    }
    match key {
        "comment" => comment(v),
        "labels" => {
            let items = v
                .as_array()
                .filter(|a| a.len() <= MAX_LABELS)
                .ok_or_else(|| invalid(key, format!("a list of at most {MAX_LABELS} {{name}}")))?;
            items
                .iter()
                .map(|l| {
                    let name = l.get("name").unwrap_or(&Value::Null);
                    Ok(json!({ "name": text("labels.name", name, 200)? }))
                })
                .collect::<ApiResult<Vec<Value>>>()
                .map(Value::Array)
        }
        "demand-number" => text(key, v, 100),
        "assignees" => {
            // "На данный момент список может быть либо пустым, либо состоять из одного ответственного".
            let items = v
                .as_array()
                .filter(|a| a.len() <= 1)
                .ok_or_else(|| invalid(key, "a list of at most one {id, email, first-name, …}"))?;
            items
                .iter()
                .map(|a| {
                    let m = a
                        .as_object()
                        .ok_or_else(|| invalid("assignees", "an object"))?;
                    let id = m
                        .get("id")
                        .and_then(Value::as_str)
                        .and_then(|s| s.parse::<Uuid>().ok())
                        .ok_or_else(|| invalid("assignees.id", "a GUID"))?;
                    let mut out = json!({ "id": id });
                    for f in ["email", "first-name", "middle-name", "last-name"] {
                        match m.get(f) {
                            None | Some(Value::Null) => {}
                            Some(s) => out[f] = text(&format!("assignees.{f}"), s, 200)?,
                        }
                    }
                    if let Some(k) = m.keys().find(|k| {
                        !["id", "email", "first-name", "middle-name", "last-name"]
                            .contains(&k.as_str())
                    }) {
                        return Err(invalid("assignees", format!("unknown field {k}")));
                    }
                    Ok(out)
                })
                .collect::<ApiResult<Vec<Value>>>()
                .map(Value::Array)
        }
        "demand-status" => one_of(key, v, &["in-progress", "done"]),
        "demand-date" => v
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(|d| json!(d.to_string()))
            .ok_or_else(|| invalid(key, "a date yyyy-MM-dd")),
        other => Err(read_only(other)),
    }
}

fn find_docflow(store: &Store, account: Uuid, id: Uuid) -> ApiResult<&Docflow> {
    store
        .docflows
        .get(&id)
        .map(Box::as_ref)
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("docflow"))
}

fn find_document(d: &Docflow, id: Uuid) -> ApiResult<Cow<'_, DocflowDocument>> {
    d.documents
        .iter()
        .find(|x| x.id == id)
        .ok_or_else(|| ApiError::not_found("document"))
}

/// `PATCH /v1/{accountId}/docflows/{docflowId}` `[{op, path, value}]` → the docflow.
async fn patch_docflow(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    JsonBody(ops): JsonBody<Vec<PatchOp>>,
) -> ApiResult<Json<Value>> {
    let now = shared.clock.now();
    let mut store = shared.lock();
    let d = find_docflow(&store, account, id)?;
    let before = d.description.get("requisites").unwrap_or(Value::Null);
    let after = patched(&before, ops)?;
    let doc_type = d.doc_type.clone();
    let requisites = validate(&before, after, &|k, v| docflow_requisite(&doc_type, k, v))?;
    let d = store
        .docflows
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found("docflow"))?;
    if d.description.edit(|m| {
        m.insert("requisites".into(), requisites);
    }) {
        d.updated = now;
    }
    Ok(Json(render_docflow(&shared, d, true)))
}

/// `PATCH …/documents/{documentId}` `[{op, path, value}]` → the document (demand attachments).
async fn patch_document(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    JsonBody(ops): JsonBody<Vec<PatchOp>>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let d = find_docflow(&store, account, id)?;
    let document = find_document(d, doc)?;
    if document.doc_type != DEMAND_ATTACHMENT {
        return Err(ApiError::bad_request(
            "requisitesNotEditable",
            format!(
                "{}: only a demand's requisites (fns534-demand-attachment) can be changed",
                document.doc_type
            ),
        ));
    }
    let before = requisites(&shared, d, &document);
    let after = patched(&before, ops)?;
    let next = validate(&before, after, &document_requisite)?;
    store_requisites(&shared, doc, next);
    Ok(Json(render_document(&shared, d, &document)))
}

/// The decrypted content as the document's description announces it: `compressed`, so zipped
/// (as the vendor's Java SDK reads it: PfrReportDssTestScenarioIT unzips what
/// `getDecryptedContent` answers when `description.compressed` is true).
fn packed(shared: &Shared, doc: &DocflowDocument, plain: &[u8]) -> ApiResult<Vec<u8>> {
    crate::formats::compression::Compression::of(shared.config.older_forms)
        .pack(&doc.filename, plain)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

/// `GET …/documents/{documentId}/decrypted-content` (deprecated) → base64 string; 404 while the
/// document is not decrypted.
async fn decrypted_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let document = find_document(find_docflow(&store, account, id)?, doc)?;
    if !document.decrypted {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "notFound",
            "the document has no decrypted content yet: decrypt it first",
        ));
    }
    let plain = deprecated_bytes(&shared, &store, document.content_id)?;
    Ok(Json(json!(B64.encode(packed(&shared, &document, &plain)?))))
}

/// `GET …/documents/{documentId}/encrypted-content` (deprecated) → base64 of the encrypted
/// variant; 404 for a document that has none.
async fn encrypted_content(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let document = find_document(find_docflow(&store, account, id)?, doc)?;
    let sealed = document.sealed.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "notFound",
            "the document has no encrypted content",
        )
    })?;
    Ok(Json(json!(B64.encode(deprecated_bytes(
        &shared,
        &store,
        sealed.content_id
    )?))))
}

/// `POST …/documents/{documentId}/decrypt-content-confirm?requestId=&code=&unzip=` (the Java
/// SDK's cloudDecryptDocumentConfirm): confirms the cloud decryption like
/// `confirm-content-decryption` and answers the decrypted bytes, base64 — unzipped when
/// `unzip=true`, else as the compressed variant holds them.
async fn decrypt_confirm(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, docflow, document)): Path<(Uuid, Uuid, Uuid)>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalidQuery", e.to_string()))?;
    let unzip = match pairs
        .iter()
        .find(|(k, _)| k == "unzip")
        .map(|(_, v)| v.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalidQuery",
                format!("unzip={other:?}: expected true or false"),
            ));
        }
    };
    cloud::confirm(
        &shared,
        account,
        Target::Decrypt { docflow, document },
        q.as_deref(),
    )?;
    let store = shared.lock();
    let doc = find_document(find_docflow(&store, account, docflow)?, document)?;
    let plain = deprecated_bytes(&shared, &store, doc.content_id)?;
    let bytes = if unzip {
        plain
    } else {
        packed(&shared, &doc, &plain)?
    };
    Ok(Json(json!(B64.encode(bytes))))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RecognizeRequest {
    content_id: Uuid,
}

/// What a demand file says: `Документ/@НомТреб`, `@ДатаДок`, `@КНД` and the INNs it names.
struct Recognized {
    number: String,
    knd: Option<String>,
    date: Option<NaiveDate>,
    inns: Vec<String>,
}

fn decode(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    if head.contains("windows-1251") {
        encoding_rs::WINDOWS_1251
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Reads a demand of the FNS format (the sandbox's own demands are such files); `None` when the
/// file names no demand number.
fn read_demand(bytes: &[u8]) -> Option<Recognized> {
    use quick_xml::events::Event;
    let text = decode(bytes);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut found = Recognized {
        number: String::new(),
        knd: None,
        date: None,
        inns: Vec::new(),
    };
    for _ in 0..100_000 {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let attr = |key: &str| -> Option<String> {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key.as_bytes())
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                };
                if e.local_name().as_ref() == "Документ".as_bytes() && found.number.is_empty()
                {
                    found.number = attr("НомТреб").unwrap_or_default();
                    found.knd = attr("КНД");
                    found.date = attr("ДатаДок")
                        .and_then(|d| NaiveDate::parse_from_str(&d, "%d.%m.%Y").ok());
                }
                for key in ["ИННЮЛ", "ИННФЛ"] {
                    if let Some(inn) = attr(key)
                        && !found.inns.contains(&inn)
                        && found.inns.len() < 100
                    {
                        found.inns.push(inn);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    (!found.number.trim().is_empty()).then_some(found)
}

/// `POST …/documents/{documentId}/recognize` `{content-id}` → RecognizeResult (RecognizeResult.cs):
/// the demand's number, KND, date and INN list from the file in the contents service, with the
/// deadlines that follow from its date (6 working days for the receipt, 10 for the answer, as the
/// sandbox's demands set them). "Результат запроса запишется в метаинформацию документа": the
/// document's requisites take it.
async fn recognize(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id, doc)): Path<(Uuid, Uuid, Uuid)>,
    JsonBody(req): JsonBody<RecognizeRequest>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let d = find_docflow(&store, account, id)?;
    let document = find_document(d, doc)?;
    if !supports_recognition(&document) {
        return Err(ApiError::bad_request(
            "recognitionUnsupported",
            format!(
                "{}: only a demand (fns534-demand-attachment) is recognized",
                document.doc_type
            ),
        ));
    }
    let content = shared
        .content(&store, req.content_id)
        .filter(|c| c.account_id == account && c.is_complete())
        .ok_or_else(|| {
            ApiError::bad_request(
                "contentNotFound",
                format!("content {} does not exist or is incomplete", req.content_id),
            )
        })?;
    let bytes = content
        .head(MAX_DEPRECATED_CONTENT as usize)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let bytes = crate::formats::compression::unpack(&bytes, MAX_DEPRECATED_CONTENT)
        .map_err(|e| ApiError::bad_request("recognitionFailed", e))?;
    let found = read_demand(&bytes).ok_or_else(|| {
        ApiError::bad_request(
            "recognitionFailed",
            "no demand number was found in the file",
        )
    })?;
    let at = |days: u32| {
        found.date.map(|day| {
            crate::api::demands::working_days_after(day.and_time(NaiveTime::MIN).and_utc(), days)
                .date_naive()
                .to_string()
        })
    };
    let result = json!({
        "demand-number": found.number,
        "demand-knd": found.knd,
        "demand-date": found.date.map(|d| d.to_string()),
        "receipt-deadline-date": at(6),
        "reply-deadline-date": at(10),
        "demand-inn-list": found.inns,
    });
    let mut next = requisites(&shared, d, &document);
    if let (Value::Object(m), Value::Object(r)) = (&mut next, &result) {
        for (k, v) in r {
            if !v.is_null() {
                m.insert(k.clone(), v.clone());
            }
        }
    }
    store_requisites(&shared, doc, next);
    Ok(Json(result))
}
