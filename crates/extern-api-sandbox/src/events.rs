//! `GET /v1/events?take&fromId`: every docflow state change of the caller's accounts, in a stable
//! order from `0_0`, with opaque ids and `next-event-id` to continue from.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::docflows::docflow_path;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::shared::Shared;

/// Events per page when `take` is not given, and at most.
const DEFAULT_TAKE: usize = 100;
const MAX_TAKE: usize = 1000;

/// The opaque id of the event with sequence number `seq` (`0_0` is the start of the feed).
pub fn event_id(seq: u64) -> String {
    format!("{seq:x}_{seq:x}")
}

fn parse_event_id(id: &str) -> Option<u64> {
    let (a, b) = id.split_once('_')?;
    let seq = u64::from_str_radix(a, 16).ok()?;
    (u64::from_str_radix(b, 16).ok()? == seq).then_some(seq)
}

#[derive(Deserialize)]
pub struct EventsQuery {
    take: Option<i64>,
    #[serde(rename = "fromId")]
    from_id: Option<String>,
}

/// `GET /v1/events`
pub async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<EventsQuery>,
) -> ApiResult<Json<Value>> {
    let take = match q.take {
        None => DEFAULT_TAKE,
        Some(n) if n >= 0 => (n as usize).min(MAX_TAKE),
        Some(n) => {
            return Err(ApiError::bad_request(
                "invalidQuery",
                format!("take={n}: must not be negative"),
            ));
        }
    };
    let from_id = q.from_id.unwrap_or_else(|| event_id(0));
    let from = parse_event_id(&from_id).ok_or_else(|| {
        ApiError::bad_request(
            "invalidQuery",
            format!("fromId={from_id:?} is not an event id"),
        )
    })?;
    let store = shared.lock();
    let accounts: Vec<uuid::Uuid> = store
        .accounts
        .iter()
        .filter(|a| a.users.contains(&caller.login))
        .map(|a| a.id)
        .collect();
    // Events are numbered 1, 2, … in order: the first after `from` is at index `from`.
    let start = (from as usize).min(store.events.len());
    let page: Vec<Value> = store.events[start..]
        .iter()
        .filter(|e| accounts.contains(&e.account_id))
        .take(take)
        .map(|e| {
            let docflow = store.docflows.get(&e.docflow_id);
            json!({
                "id": event_id(e.seq),
                "inn": docflow.map(|d| d.inn.as_str()),
                "kpp": docflow.map(|d| d.kpp.as_str()),
                "docflow-type": docflow.map(|d| d.doc_type.as_str()),
                "docflow-link": { "rel": "docflow", "href": shared.url(&docflow_path(e.account_id, e.docflow_id)) },
                "new-state": format!("urn:transaction:{}", e.new_state),
                "event-date-time": e.at.to_rfc3339(),
                "docflow-id": e.docflow_id,
                "account-id": e.account_id,
            })
        })
        .collect();
    let next = page
        .last()
        .and_then(|e| e["id"].as_str())
        .map(String::from)
        .unwrap_or(from_id.clone());
    Ok(Json(json!({
        "first-event-id": from_id,
        "next-event-id": next,
        "requested-count": take,
        "returned-count": page.len(),
        "api-events": page,
    })))
}
