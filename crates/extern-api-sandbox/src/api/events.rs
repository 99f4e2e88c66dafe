//! `GET /v1/events?take&fromId`: every docflow state change of the caller's accounts, in a stable
//! order from `0_0`, with opaque ids and `next-event-id` to continue from.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Query;
use crate::identity::auth::Caller;
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::views::docflow_path;

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
) -> ApiResult<Response> {
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
    // "0" is the feed's start as docs/examples/лента событий ДО.rst reads it (`fromId=0`).
    let from = (from_id == "0")
        .then_some(0)
        .or_else(|| parse_event_id(&from_id))
        .ok_or_else(|| {
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
    let page: Vec<ApiEvent> = store.events[start..]
        .iter()
        .zip(start as u64 + 1..)
        .filter_map(|(e, seq)| Some((e, seq, store.docflow_by_seq(e.docflow)?)))
        .filter(|(_, _, d)| accounts.contains(&d.account_id))
        .take(take)
        .map(|(e, seq, docflow)| ApiEvent {
            id: event_id(seq),
            inn: Some(docflow.inn.as_str()),
            kpp: Some(docflow.kpp.as_str()),
            docflow_type: Some(docflow.doc_type.as_ref()),
            docflow_link: Link {
                rel: "docflow",
                href: shared.url(&docflow_path(docflow.account_id, docflow.id)),
            },
            new_state: format!("urn:transaction:{}", e.new_state.as_str()),
            event_date_time: crate::state::clock::wire_time(e.at),
            docflow_id: docflow.id,
            account_id: docflow.account_id,
        })
        .collect();
    let next = page.last().map_or(from_id.clone(), |e| e.id.clone());
    // Rendered while the store is borrowed: the page borrows its strings from it.
    let body = serde_json::to_vec(&EventsPage {
        first_event_id: &from_id,
        next_event_id: &next,
        requested_count: take,
        returned_count: page.len(),
        api_events: &page,
    })
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    Ok((
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response())
}

/// A page of the feed as the service spells it. Typed rather than built as a `Value`: pages of
/// a thousand events are the hottest answer of a monitor's catch-up.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct EventsPage<'a> {
    first_event_id: &'a str,
    next_event_id: &'a str,
    requested_count: usize,
    returned_count: usize,
    api_events: &'a [ApiEvent<'a>],
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ApiEvent<'a> {
    id: String,
    inn: Option<&'a str>,
    kpp: Option<&'a str>,
    docflow_type: Option<&'a str>,
    docflow_link: Link,
    new_state: String,
    event_date_time: String,
    docflow_id: uuid::Uuid,
    account_id: uuid::Uuid,
}

#[derive(Serialize)]
struct Link {
    rel: &'static str,
    href: String,
}

#[derive(Deserialize)]
pub struct ShareRequest {
    subscriber: Option<String>,
}

/// `POST /v1/{accountId}/share-events` `{subscriber}`: lets an integrator's service read the
/// account's events. The subscriber must be a known service (the C# SDK's End2End tests: an
/// unknown or missing one is 400). The caller becomes a publisher of that service's feed (see
/// [`crate::api::event_publishers`]); the sandbox has one feed per caller, so nothing else changes.
pub async fn share(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    crate::http::extract::Path(account): crate::http::extract::Path<uuid::Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<axum::http::StatusCode> {
    let subscriber = serde_json::from_slice::<ShareRequest>(&body)
        .ok()
        .and_then(|r| r.subscriber)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("invalidRequest", "subscriber is required"))?;
    if subscriber != shared.config.client_id {
        return Err(ApiError::bad_request(
            "subscriberNotFound",
            format!("no service {subscriber:?} to share events with"),
        ));
    }
    crate::api::event_publishers::record(&shared, &caller, account, &subscriber, &body)?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
