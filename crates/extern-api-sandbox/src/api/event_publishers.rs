//! The events feed's publishers (skbkontur/extern-api-docs docs/dc/лента событий ДО.rst):
//! "reading the feed is like a subscription: users are the sources that publish changes, the
//! integrator is the subscriber". A user becomes a publisher when their admin shares the
//! account's events with the integrator's service (`POST /v1/{accountId}/share-events`, see
//! [`crate::api::events::share`]) and gets "a unique publisher id"; `GET /v1/event-publishers` lists
//! the subscriber's publishers, `DELETE /v1/event-publishers/{publisherId}` unsubscribes.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Path;
use crate::identity::auth::Caller;
use crate::state::Publisher;
use crate::state::Shared;

/// Docflow types and forms a filter may name, at most (the sandbox's bound).
const MAX_FILTER_ITEMS: usize = 200;

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/event-publishers", get(list))
        .route("/v1/event-publishers/{publisher}", delete(remove))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct EventsFilter {
    #[serde(default)]
    docflow_types: Vec<String>,
    #[serde(default)]
    document_forms: Vec<DocumentForm>,
}

#[derive(Deserialize)]
struct DocumentForm {
    knd: Option<String>,
    okud: Option<String>,
}

/// The `events-filter` of a share request body (`{docflow-types: [urn], document-forms:
/// [{knd, okud}]}`, the C# SDK's ShareEventsRequest), checked: docflow types are
/// `urn:docflow:` URNs, a form names a KND or an OKUD.
fn filter(body: &[u8]) -> ApiResult<Option<Value>> {
    let Some(raw) = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("events-filter").cloned())
        .filter(|v| !v.is_null())
    else {
        return Ok(None);
    };
    let f: EventsFilter = serde_json::from_value(raw.clone())
        .map_err(|e| ApiError::bad_request("invalidRequest", format!("events-filter: {e}")))?;
    if f.docflow_types.len() + f.document_forms.len() > MAX_FILTER_ITEMS {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("events-filter names more than {MAX_FILTER_ITEMS} types and forms"),
        ));
    }
    if let Some(t) = f
        .docflow_types
        .iter()
        .find(|t| !t.starts_with("urn:docflow:"))
    {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("events-filter.docflow-types: {t:?} is not a docflow type URN"),
        ));
    }
    if f.document_forms.iter().any(|d| {
        d.knd.as_deref().unwrap_or("").is_empty() && d.okud.as_deref().unwrap_or("").is_empty()
    }) {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "events-filter.document-forms: a form names a knd or an okud",
        ));
    }
    Ok(Some(raw))
}

/// Records a share: the caller becomes (or stays) a publisher of `subscriber`'s feed, with the
/// filter of this request. Sharing again from another account adds that account and keeps the
/// publisher id.
pub(crate) fn record(
    shared: &Shared,
    caller: &Caller,
    account: Uuid,
    subscriber: &str,
    body: &[u8],
) -> ApiResult<()> {
    let filter = filter(body)?;
    let now = shared.clock.now();
    let mut store = shared.lock();
    match store
        .event_publishers
        .iter_mut()
        .find(|p| p.login == caller.login && p.subscriber == subscriber)
    {
        Some(p) => {
            if !p.accounts.contains(&account) {
                p.accounts.push(account);
            }
            p.filter = filter;
        }
        None => store.event_publishers.push(Publisher {
            id: Uuid::new_v4(),
            login: caller.login.clone(),
            subscriber: subscriber.to_string(),
            accounts: vec![account],
            filter,
            since: now,
        }),
    }
    Ok(())
}

/// `GET /v1/event-publishers`: the publishers of the calling service's feed. The vendor shows
/// no answer (OpaqueObject): `event-publishers[{id, login, account-ids, events-filter,
/// shared-at}]` are our names.
async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
) -> Json<Value> {
    let store = shared.lock();
    let publishers: Vec<Value> = store
        .event_publishers
        .iter()
        .filter(|p| p.subscriber == caller.client_id)
        .map(|p| {
            json!({
                "id": p.id,
                "login": p.login,
                "account-ids": p.accounts,
                "events-filter": p.filter,
                "shared-at": p.since.to_rfc3339(),
            })
        })
        .collect();
    Json(json!({ "event-publishers": publishers }))
}

/// `DELETE /v1/event-publishers/{publisherId}`: the calling service unsubscribes from a
/// publisher (204); a publisher it does not have is 404.
async fn remove(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(publisher): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    let before = store.event_publishers.len();
    store
        .event_publishers
        .retain(|p| !(p.id == publisher && p.subscriber == caller.client_id));
    if store.event_publishers.len() == before {
        return Err(ApiError::not_found("event publisher"));
    }
    Ok(StatusCode::NO_CONTENT)
}
