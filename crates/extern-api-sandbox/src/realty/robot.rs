//! Rosreestr's robot, on the sandbox clock: extracts go queued → sent → completed (or `error`
//! for a cadastral number of the test pattern); registrations go queued → sent (signatures
//! checked: each statement signed by its participant) → suspended with the state fee → (paid
//! through the test tools) sent → completed with the registration's result files.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::cadastre::is_missing_object;
use super::view::{push_news, xml_escape};
use crate::state::Shared;
use crate::state::Store;
use crate::state::realty::{Payment, RealtyDocflow, RealtyFile, RealtyStore, Stage};

/// The state fee per participant, in roubles (a string on the wire, as `summ` is).
const FEE: &str = "2000";

/// The robot acts on `id` after the configured delay.
pub fn schedule(shared: &Shared, realty: &mut RealtyStore, id: Uuid, now: DateTime<Utc>) {
    let delay = Duration::from_millis(shared.config.robots.receipt_ms);
    let at = now + chrono::Duration::from_std(delay).unwrap_or_default();
    realty.queue.insert((at, id));
}

/// Applies every step due at `now`.
pub fn run_due(shared: &Shared, store: &mut Store, now: DateTime<Utc>) {
    while let Some(&(at, id)) = store.realty.queue.first() {
        if at > now {
            break;
        }
        store.realty.queue.pop_first();
        let Some(mut d) = store.realty.docflows.remove(&id) else {
            continue;
        };
        if d.paused {
            // Resuming schedules it again.
            store.realty.docflows.insert(id, d);
            continue;
        }
        let before = d.stage;
        let again = step(shared, store, &mut d, at);
        if d.stage != before {
            push_news(shared, &mut store.realty, &d, at);
        }
        store.realty.docflows.insert(id, d);
        if again {
            schedule(shared, &mut store.realty, id, at);
        }
    }
}

/// One step; whether the robot acts again by itself.
fn step(shared: &Shared, store: &mut Store, d: &mut RealtyDocflow, at: DateTime<Utc>) -> bool {
    match d.stage {
        Stage::Queued if d.signatories.is_empty() => {
            d.stage = Stage::Processing;
            true
        }
        Stage::Queued => {
            d.stage = Stage::Checking;
            true
        }
        Stage::Checking => {
            if let Some(error) = signature_error(shared, store, d, at) {
                d.error = Some(error);
                d.stage = Stage::Failed;
                return false;
            }
            d.payments = (0..d.signatories.len())
                .map(|i| Payment {
                    uin: uin(d.id, i),
                    summ: FEE.into(),
                })
                .collect();
            d.stage = Stage::AwaitingPayment;
            false
        }
        Stage::Processing => {
            let number = d.options["cadastralNumber"]
                .as_str()
                .or(d.options["object"]["cadastralNumber"].as_str())
                .unwrap_or_default()
                .to_string();
            if d.docflow_type == "object_request" && is_missing_object(&number) {
                d.error = Some(json!({
                    "code": "objectNotFound",
                    "message": format!("Объект с кадастровым номером {number} не найден в ЕГРН"),
                    "target": "objectRequest.options.cadastralNumber",
                    "errors": [],
                }));
                d.stage = Stage::Failed;
                return false;
            }
            if d.docflow_type == "action_request" {
                act(shared, store, d, at);
            }
            results(shared, store, d, &number, at);
            d.stage = Stage::Completed;
            false
        }
        _ => false,
    }
}

/// What a completed `action_request` does to its docflow: cancel ends it in `error`, suspend
/// holds its robot, resume lets it go on.
fn act(shared: &Shared, store: &mut Store, action: &RealtyDocflow, at: DateTime<Utc>) {
    let Some(target) = action.options["docflowId"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
    else {
        return;
    };
    let kind = action.options["actionType"].as_str().unwrap_or_default();
    let cause = action.options["cause"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let Some(d) = store.realty.docflows.get_mut(&target) else {
        return;
    };
    if matches!(d.stage, Stage::Completed | Stage::Failed) {
        return;
    }
    match kind {
        "cancel" => {
            d.stage = Stage::Failed;
            d.paused = false;
            d.error = Some(json!({
                "code": "cancelled",
                "message": format!("Отменено по заявлению: {cause}"),
                "target": "api",
                "errors": [],
            }));
            let d = d.clone();
            push_news(shared, &mut store.realty, &d, at);
        }
        "suspend" => d.paused = true,
        "resume" if d.paused => {
            d.paused = false;
            schedule(shared, &mut store.realty, target, at);
        }
        _ => {}
    }
}

/// The first statement not signed by its participant with a valid signature, as an error.
fn signature_error(
    shared: &Shared,
    store: &Store,
    d: &RealtyDocflow,
    at: DateTime<Utc>,
) -> Option<Value> {
    for (i, s) in d.signatories.iter().enumerate() {
        let file = d.file(s.statement)?;
        let statement = store.contents.get(&file.content_id)?;
        let signed = file.signatures.iter().any(|(_, sig)| {
            let Some(sig) = store.contents.get(sig).and_then(|c| c.bytes().ok()) else {
                return false;
            };
            statement
                .reader()
                .ok()
                .and_then(|r| shared.ca.verify_detached(&sig, r, at).ok())
                .is_some_and(|info| info.common_name.trim().eq_ignore_ascii_case(&s.full_name))
        });
        if !signed {
            return Some(json!({
                "code": "signature",
                "message": format!("Заявление {} не подписано им или подпись недействительна", s.full_name),
                "target": format!("requirements.signature[{i}]"),
                "errors": [],
            }));
        }
    }
    None
}

/// A 20-digit payment identifier (УИН), stable for a docflow and participant.
fn uin(id: Uuid, i: usize) -> String {
    let n = id.as_u128().wrapping_add(i as u128) % 10u128.pow(12);
    format!("32100000{n:012}")
}

/// `POST /test-tools/v1/realty/pay {uin}`: the payment Rosreestr sees; when a docflow's fees are
/// all paid, it goes on to completion.
pub async fn pay(
    axum::extract::State(shared): axum::extract::State<std::sync::Arc<Shared>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<axum::Json<Value>, super::error::RealtyError> {
    use super::error::RealtyError;
    crate::identity::auth::authorize(&shared, &headers)
        .map_err(|_| RealtyError::unauthorized("the test tools want X-Kontur-Apikey"))?;
    let req: Value = serde_json::from_slice(&body)
        .map_err(|e| RealtyError::validation("api", format!("the body is not JSON: {e}")))?;
    let uin = req["uin"].as_str().unwrap_or_default().to_string();
    let now = shared.clock.now();
    let mut store = shared.lock();
    let store = &mut *store;
    let Some(d) = store
        .realty
        .docflows
        .values_mut()
        .find(|d| d.stage == Stage::AwaitingPayment && d.payments.iter().any(|p| p.uin == uin))
    else {
        return Err(RealtyError::not_found("unpaid charge with this uin"));
    };
    store.realty.paid.insert(uin.clone());
    let id = d.id;
    let all_paid = d
        .payments
        .iter()
        .all(|p| store.realty.paid.contains(&p.uin));
    if all_paid {
        d.stage = Stage::Processing;
        let snapshot = d.clone();
        schedule(&shared, &mut store.realty, id, now);
        push_news(&shared, &mut store.realty, &snapshot, now);
    }
    Ok(axum::Json(
        json!({ "uin": uin, "docflowId": id, "allPaid": all_paid }),
    ))
}

/// Result files, each signed by Rosreestr: an extract's XML, PDF and the `outdoc` ZIP of both,
/// or a registration's extract and notice.
fn results(
    shared: &Shared,
    store: &mut Store,
    d: &mut RealtyDocflow,
    number: &str,
    at: DateTime<Utc>,
) {
    let ownership = d.options["type"].as_str() == Some("ownership");
    let what = if ownership {
        "extract_ownership"
    } else {
        "extract_info"
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<extract type=\"{what}\" date=\"{}\">\
         <object cadastralNumber=\"{}\" type=\"flat\" area=\"54.3\"/>\
         <right type=\"ownership\" registered=\"{}\"/></extract>\n",
        at.format("%Y-%m-%d"),
        xml_escape(number),
        at.format("%Y-%m-%d"),
    )
    .into_bytes();
    let pdf =
        crate::formats::pdf::one_page(&format!("EGRN {what} {number} {}", at.format("%Y-%m-%d")));
    let mut made: Vec<(String, Vec<u8>)> = if d.docflow_type == "object_request" {
        // Built in memory from two small files: it cannot fail short of running out of memory.
        let zip = crate::formats::compression::archive(&[
            (&format!("{what}.xml"), &xml),
            (&format!("{what}.pdf"), &pdf),
        ])
        .unwrap_or_default();
        vec![
            (format!("egrn:{what}:xml"), xml),
            (format!("{what}:pdf"), pdf),
            ("egrn:outdoc".into(), zip),
        ]
    } else {
        vec![
            ("egrn:extract_info:xml".into(), xml),
            ("registration_notice:pdf".into(), pdf),
        ]
    };
    for (kind, bytes) in made.drain(..) {
        let content_id = shared.put_content(store, d.account_id, &bytes);
        let signature = shared.inspection.sign_detached(&bytes);
        let signature_id = shared.put_content(store, d.account_id, &signature);
        let file = RealtyFile {
            id: Uuid::new_v4(),
            kind,
            content_id,
            signatures: vec![(Uuid::new_v4(), signature_id)],
        };
        d.results.push(file.id);
        d.files.push(file);
    }
}
