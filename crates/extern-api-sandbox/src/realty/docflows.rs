//! `/realty/v1/docflows`: create by type, get, send, signatures on statements, files; and the
//! contents store (`/realty/v1/contents`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::cadastre::{is_cadastral_number, is_snils};
use super::error::{RealtyError, RealtyResult};
use super::extract::Path;
use super::view::{push_news, render, xml_escape};
use crate::state::Shared;
use crate::state::Store;
use crate::state::realty::{RealtyDocflow, RealtyFile, Session, Signatory, Stage};

/// The docflow types (path slugs), with the spellings the vendor's pages also use.
const TYPES: &[(&str, &str)] = &[
    ("object_request", "object_request"),
    ("right_movement_request", "right_movement_request"),
    ("encumbrance_request", "encumbrance_request"),
    ("ecumbrance_request", "encumbrance_request"),
    (
        "cessation_encumbrance_request",
        "cessation_encumbrance_request",
    ),
    (
        "equity_agreement_registration_request",
        "equity_agreement_registration_request",
    ),
    ("right_assignment_request", "right_assignment_request"),
    ("additional_package_request", "additional_package_request"),
    ("additional_packet_request", "additional_package_request"),
    ("action_request", "action_request"),
];

/// Registrations that change rights: they need the object and at least one participant.
const REGISTRATIONS: &[&str] = &[
    "right_movement_request",
    "encumbrance_request",
    "cessation_encumbrance_request",
    "equity_agreement_registration_request",
    "right_assignment_request",
];

fn find<'a>(store: &'a Store, session: &Session, id: Uuid) -> RealtyResult<&'a RealtyDocflow> {
    store
        .realty
        .docflows
        .get(&id)
        .filter(|d| d.account_id == session.account_id)
        .ok_or_else(|| RealtyError::not_found("docflow"))
}

fn find_mut<'a>(
    store: &'a mut Store,
    session: &Session,
    id: Uuid,
) -> RealtyResult<&'a mut RealtyDocflow> {
    store
        .realty
        .docflows
        .get_mut(&id)
        .filter(|d| d.account_id == session.account_id)
        .ok_or_else(|| RealtyError::not_found("docflow"))
}

/// Every person in the options (an object with `surname`, `name` and `snils`), with its JSON path.
fn persons(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            if map.contains_key("surname") && map.contains_key("name") && map.contains_key("snils")
            {
                out.push((path.to_string(), v.clone()));
                return;
            }
            for (k, x) in map {
                persons(x, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                persons(x, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn full_name(person: &Value) -> String {
    ["surname", "name", "patronymic"]
        .iter()
        .filter_map(|k| person[*k].as_str())
        .filter(|s| !s.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `POST /realty/v1/docflows/{docflowType}` `{requestId?, options}`: 200 and `queued` when
/// nothing is required of the subscriber, 201 and `suspended` with signature requirements.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    Path(slug): Path<String>,
    body: axum::body::Bytes,
) -> RealtyResult<Response> {
    let Some((_, kind)) = TYPES.iter().find(|(s, _)| *s == slug) else {
        return Err(RealtyError::validation(
            "docflowType",
            format!("unknown docflow type {slug:?}"),
        ));
    };
    let req: Value = serde_json::from_slice(&body)
        .map_err(|e| RealtyError::validation("api", format!("the body is not JSON: {e}")))?;
    let options = req.get("options").cloned().unwrap_or(Value::Null);
    if !options.is_object() {
        return Err(RealtyError::validation(
            "options",
            "options must be an object",
        ));
    }
    let camel = camel(kind);
    let request_id = req
        .get("requestId")
        .and_then(Value::as_str)
        .map(String::from);
    let now = shared.clock.now();
    let mut store = shared.lock();
    // A repeated requestId answers the docflow it created (safe retries of a create).
    if let Some(r) = &request_id
        && let Some(d) = store
            .realty
            .docflows
            .values()
            .find(|d| d.account_id == session.account_id && d.request_id.as_ref() == Some(r))
    {
        let status = if d.stage == Stage::AwaitingSignatures {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        return Ok((status, Json(render(&shared, d))).into_response());
    }
    let id = Uuid::new_v4();
    let mut signatories = Vec::new();
    let mut files = Vec::new();
    if *kind == "object_request" {
        let t = options["type"].as_str().unwrap_or_default();
        if !["info", "base", "ownership"].contains(&t) {
            return Err(RealtyError::validation(
                &format!("{camel}.options.type"),
                format!("type must be info, base or ownership, not {t:?}"),
            ));
        }
        let n = options["cadastralNumber"].as_str().unwrap_or_default();
        if !is_cadastral_number(n) {
            return Err(RealtyError::validation(
                &format!("{camel}.options.cadastralNumber"),
                format!("{n:?} is not a cadastral number (AA:BB:CCCCCC:K)"),
            ));
        }
    } else {
        if REGISTRATIONS.contains(kind) {
            let n = options["object"]["cadastralNumber"]
                .as_str()
                .unwrap_or_default();
            if !is_cadastral_number(n) {
                return Err(RealtyError::validation(
                    &format!("{camel}.options.object.cadastralNumber"),
                    format!("{n:?} is not a cadastral number (AA:BB:CCCCCC:K)"),
                ));
            }
        }
        if *kind == "action_request" {
            let action = options["actionType"].as_str().unwrap_or_default();
            if !["cancel", "suspend", "resume"].contains(&action) {
                return Err(RealtyError::validation(
                    &format!("{camel}.options.actionType"),
                    format!("actionType must be cancel, suspend or resume, not {action:?}"),
                ));
            }
        }
        if matches!(*kind, "action_request" | "additional_package_request") {
            let target = options["docflowId"]
                .as_str()
                .and_then(|s| Uuid::parse_str(s).ok())
                .filter(|id| {
                    store
                        .realty
                        .docflows
                        .get(id)
                        .is_some_and(|d| d.account_id == session.account_id)
                });
            if target.is_none() {
                return Err(RealtyError::validation(
                    &format!("{camel}.options.docflowId"),
                    "docflowId must name a docflow of this account",
                ));
            }
        }
        let mut found = Vec::new();
        persons(&options, &format!("{camel}.options"), &mut found);
        if found.is_empty() && REGISTRATIONS.contains(kind) {
            return Err(RealtyError::validation(
                &format!("{camel}.options"),
                "a registration needs its participants (persons with surname, name and snils)",
            ));
        }
        // Every participant is checked before anything is stored for any of them.
        for (path, person) in &found {
            let snils = person["snils"].as_str().unwrap_or_default();
            if !is_snils(snils) {
                return Err(RealtyError::validation(
                    &format!("{path}.snils"),
                    format!("{snils:?} is not a SNILS (11 digits with a valid check number)"),
                ));
            }
        }
        for (_, person) in found {
            let snils = person["snils"].as_str().unwrap_or_default();
            let name = full_name(&person);
            let statement = statement_xml(id, kind, &name, snils, &options, now);
            let content_id = shared.put_content(&mut store, session.account_id, &statement);
            let file_id = Uuid::new_v4();
            files.push(RealtyFile {
                id: file_id,
                kind: "statement".into(),
                content_id,
                signatures: Vec::new(),
            });
            signatories.push(Signatory {
                person,
                full_name: name,
                statement: file_id,
            });
        }
    }
    let docflow = RealtyDocflow {
        id,
        account_id: session.account_id,
        user_id: session.user_id,
        docflow_type: kind.to_string(),
        request_id,
        options,
        stage: if signatories.is_empty() {
            Stage::Queued
        } else {
            Stage::AwaitingSignatures
        },
        signatories,
        payments: Vec::new(),
        files,
        results: Vec::new(),
        error: None,
        paused: false,
    };
    Ok(insert(&shared, &mut store, docflow, now))
}

fn insert(
    shared: &Shared,
    store: &mut Store,
    docflow: RealtyDocflow,
    now: DateTime<Utc>,
) -> Response {
    let status = if docflow.stage == Stage::AwaitingSignatures {
        StatusCode::CREATED
    } else {
        super::robot::schedule(shared, &mut store.realty, docflow.id, now);
        StatusCode::OK
    };
    let body = render(shared, &docflow);
    push_news(shared, &mut store.realty, &docflow, now);
    store.realty.docflows.insert(docflow.id, docflow);
    (status, Json(body)).into_response()
}

/// `right_movement_request` → `rightMovementRequest`, as error targets spell request paths.
fn camel(slug: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in slug.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The statement a participant signs (the sandbox's own small XML).
fn statement_xml(
    docflow: Uuid,
    kind: &str,
    name: &str,
    snils: &str,
    options: &Value,
    at: DateTime<Utc>,
) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<statement docflowId=\"{docflow}\" type=\"{kind}\" date=\"{}\">\
         <applicant name=\"{}\" snils=\"{}\"/><object cadastralNumber=\"{}\"/></statement>\n",
        at.format("%Y-%m-%d"),
        xml_escape(name),
        xml_escape(snils),
        xml_escape(options["object"]["cadastralNumber"].as_str().unwrap_or_default()),
    )
    .into_bytes()
}

/// `GET /realty/v1/docflows/{docflowId}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    Path(id): Path<Uuid>,
) -> RealtyResult<Json<Value>> {
    let store = shared.lock();
    Ok(Json(render(&shared, find(&store, &session, id)?)))
}

/// `POST /realty/v1/docflows/{docflowId}`: sends a docflow whose statements are all signed.
pub async fn send(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    Path(id): Path<Uuid>,
) -> RealtyResult<Json<Value>> {
    let now = shared.clock.now();
    let mut store = shared.lock();
    let d = find_mut(&mut store, &session, id)?;
    match d.stage {
        Stage::AwaitingSignatures => {
            if let Some((i, s)) = d
                .signatories
                .iter()
                .enumerate()
                .find(|(_, s)| d.file(s.statement).is_none_or(|f| f.signatures.is_empty()))
            {
                return Err(RealtyError::validation(
                    &format!("requirements.signature[{i}]"),
                    format!("the statement of {} is not signed", s.full_name),
                ));
            }
            d.stage = Stage::Queued;
        }
        Stage::Queued => {}
        _ => {
            return Err(RealtyError::validation(
                "api",
                format!(
                    "the docflow is {} and waits for nothing to be sent",
                    d.state()
                ),
            ));
        }
    }
    let d = d.clone();
    super::robot::schedule(&shared, &mut store.realty, id, now);
    push_news(&shared, &mut store.realty, &d, now);
    Ok(Json(json!({
        "requestId": d.request_id,
        "docflowId": d.id,
        "docflowType": d.docflow_type,
        "state": d.state(),
    })))
}

/// `POST …/files/{fileId}/signatures`: the body is a detached CMS signature of the statement.
pub async fn add_signature(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    Path((id, file)): Path<(Uuid, Uuid)>,
    body: axum::body::Bytes,
) -> RealtyResult<StatusCode> {
    attach(&shared, &session, id, file, body.to_vec())?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/files/{fileId}/signatures/{signatureId}`: a signature uploaded to `/contents` before.
pub async fn add_signature_by_content(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    Path((id, file, content)): Path<(Uuid, Uuid, Uuid)>,
) -> RealtyResult<StatusCode> {
    let bytes = {
        let store = shared.lock();
        read_content(&store, &session, content)?
    };
    attach(&shared, &session, id, file, bytes)?;
    Ok(StatusCode::CREATED)
}

fn read_content(store: &Store, session: &Session, id: Uuid) -> RealtyResult<Vec<u8>> {
    store
        .contents
        .get(&id)
        .filter(|c| c.account_id == session.account_id)
        .ok_or_else(|| RealtyError::not_found("content"))?
        .bytes()
        .map_err(|e| {
            RealtyError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "api",
                e.to_string(),
            )
        })
}

/// Stores a signature on a statement: it must be CMS whose certificate the sandbox issued.
/// Whether it signs this statement, by this participant, Rosreestr checks after sending.
fn attach(
    shared: &Shared,
    session: &Session,
    id: Uuid,
    file: Uuid,
    signature: Vec<u8>,
) -> RealtyResult<()> {
    let mut store = shared.lock();
    let d = find(&store, session, id)?;
    if d.stage != Stage::AwaitingSignatures {
        return Err(RealtyError::validation(
            "api",
            format!(
                "the docflow is {}: signatures are taken while it waits for them",
                d.state()
            ),
        ));
    }
    let f = d.file(file).ok_or_else(|| RealtyError::not_found("file"))?;
    if f.kind != "statement" {
        return Err(RealtyError::validation(
            "fileId",
            "only statements are signed",
        ));
    }
    if crate::pki::signer_certificate(&signature).is_err() {
        return Err(RealtyError::validation(
            "signature",
            "the body is not a CMS signature carrying its certificate",
        ));
    }
    let content_id = shared.put_content(&mut store, session.account_id, &signature);
    let d = find_mut(&mut store, session, id)?;
    if let Some(f) = d.files.iter_mut().find(|f| f.id == file) {
        f.signatures.push((Uuid::new_v4(), content_id));
    }
    Ok(())
}

/// `GET …/files/{fileId}`: a statement, a result file or any of their signatures, raw.
pub async fn get_file(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    Path((id, file)): Path<(Uuid, Uuid)>,
) -> RealtyResult<Response> {
    let store = shared.lock();
    let d = find(&store, &session, id)?;
    let (content_id, kind) = d
        .files
        .iter()
        .find_map(|f| {
            if f.id == file {
                return Some((f.content_id, f.kind.as_str()));
            }
            f.signatures
                .iter()
                .find(|(sid, _)| *sid == file)
                .map(|(_, c)| (*c, "signature"))
        })
        .ok_or_else(|| RealtyError::not_found("file"))?;
    let content_type = match kind {
        "signature" => "application/x-pkcs7-signature",
        k if k.ends_with(":pdf") => "application/pdf",
        k if k.ends_with("outdoc") => "application/zip",
        _ => "application/xml",
    };
    let bytes = read_content(&store, &session, content_id)?;
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

/// Content types `/realty/v1/contents` takes.
const CONTENT_TYPES: &[&str] = &[
    "application/pdf",
    "application/xml",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
];

/// `POST /realty/v1/contents`: raw bytes → 201 `{id, contentLink}` and `Location`.
pub async fn upload(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> RealtyResult<Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !CONTENT_TYPES.contains(&essence) {
        return Err(RealtyError::validation(
            "Content-Type",
            format!(
                "{content_type:?} is not one of {}",
                CONTENT_TYPES.join(", ")
            ),
        ));
    }
    if body.is_empty() {
        return Err(RealtyError::validation("api", "the content is empty"));
    }
    let id = {
        let mut store = shared.lock();
        shared.put_content(&mut store, session.account_id, &body)
    };
    let link = shared.url(&format!("/realty/v1/contents/{id}"));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, link.clone())],
        Json(json!({ "id": id, "contentLink": link })),
    )
        .into_response())
}

/// `GET /realty/v1/contents/{contentId}`
pub async fn download(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    Path(id): Path<Uuid>,
) -> RealtyResult<Vec<u8>> {
    let store = shared.lock();
    read_content(&store, &session, id)
}
