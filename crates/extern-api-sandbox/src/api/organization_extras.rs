//! An organization's settings beyond its name (skbkontur/extern-api-docs
//! docs/accounts/методы API для организаций.rst): the signer chosen for a control unit
//! (`POST UpdateSigner`), the search of its subscriptions to control units
//! (`POST ControlUnitSubscriptions`; the C# SDK's OrganizationsClient and
//! Models/…/ControlUnitSubscriptions/*.cs) and the Gosuslugi authorization of an employee for MVD
//! notifications (`POST Gosuslugi Auth`; docs/scenarios/MVD/mvd-notification.rst).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path};
use crate::identity::scope::AccountScope;
use crate::state::GosuslugiAuthorization;
use crate::state::Shared;
use crate::state::vocabulary::SuccessState;
use crate::state::{Docflow, Organization, Store};

/// The docflow of a SEDO provider subscription (docs/scenarios/SFR/FSS/sedo-subscription.rst).
const SUBSCRIPTION_DOCFLOW: &str = "urn:docflow:fss-sedo-provider-subscription";
const SUBSCRIBE: &str =
    "urn:document:fss-sedo-provider-subscription-subscribe-request-for-registration-number";
const UNSUBSCRIBE: &str =
    "urn:document:fss-sedo-provider-subscription-unsubscribe-request-for-registration-number";

/// "The API key on Gosuslugi, 32 characters" (mvd-notification.rst).
const GOSUSLUGI_UID_LEN: usize = 32;
/// "The signature file lives 18 hours after the request" (методы API для организаций.rst).
const GOSUSLUGI_SIGNATURE_HOURS: i64 = 18;
/// Gosuslugi authorizations kept per organization, at most (the sandbox's bound).
const MAX_AUTHORIZATIONS: usize = 100;
/// The largest signer setting kept (the sandbox's bound).
const MAX_SIGNER_SETTING: usize = 64 * 1024;

pub fn routes() -> Router<Arc<Shared>> {
    let org = "/v1/{account}/organizations/{org}";
    Router::new()
        .route(&format!("{org}/update-signer"), post(update_signer))
        .route(
            &format!("{org}/control-unit-subscriptions"),
            post(control_unit_subscriptions),
        )
        .route(&format!("{org}/gosuslugi-auth"), post(gosuslugi_auth))
}

/// The organization `org` of `account`, or 404.
fn organization(store: &Store, account: Uuid, org: Uuid) -> ApiResult<Organization> {
    store
        .organizations
        .iter()
        .find(|o| o.account_id == account && o.id == org)
        .cloned()
        .ok_or_else(|| ApiError::not_found("organization"))
}

/// `POST /v1/{accountId}/organizations/{orgId}/update-signer`: "choose the certificate and the
/// signer type for reporting to a control unit". The vendor publishes neither the body's fields
/// nor an example (OpaqueObject, 200/204 declared): the sandbox takes any JSON object, keeps the
/// last one as the organization's signer setting and answers 204. What the fields mean is not
/// checked — our assumption, for want of a description.
async fn update_signer(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, org)): Path<(Uuid, Uuid)>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    organization(&store, account, org)?;
    if !body.is_object() {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "the body must be a JSON object",
        ));
    }
    if body.to_string().len() > MAX_SIGNER_SETTING {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "the signer setting is too large",
        ));
    }
    store.organization_settings.entry(org).or_default().signer = Some(body);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct SubscriptionSearch {
    control_unit_subscription_type: Option<String>,
    registration_number: Option<String>,
    skip: Option<i64>,
    take: Option<i64>,
}

/// One registration number's subscription as the docflows tell it.
struct Subscription {
    number: String,
    is_sfr: bool,
    status: &'static str,
}

/// The registration number a subscription docflow is about, and whether it is an SFR one: the
/// draft's `payer.registration-number-sfr` or `…-fss` (the number the contract's document was
/// built for, see [`crate::formats::contracts`]), else the `РегНомер` of the document itself.
fn subscription_number(store: &Store, d: &Docflow, doc_content: Uuid) -> Option<(String, bool)> {
    let draft = d
        .description
        .str("original-draft-id")
        .and_then(|s| s.parse::<Uuid>().ok())
        .and_then(|id| store.drafts.get(&id))
        .and_then(|draft| draft.meta.payer.as_ref());
    if let Some(p) = draft {
        if let Some(n) = p.registration_number_sfr.clone().filter(|n| !n.is_empty()) {
            return Some((n, true));
        }
        if let Some(n) = p.registration_number_fss.clone().filter(|n| !n.is_empty()) {
            return Some((n, false));
        }
    }
    let bytes = store.contents.get(&doc_content)?.head(64 * 1024).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let (_, rest) = text.split_once("РегНомер=\"")?;
    let (number, _) = rest.split_once('"')?;
    (!number.is_empty()).then(|| (number.to_string(), false))
}

/// The status a subscription docflow gives its number (C# SubscriptionStatus, kebab-case): a
/// subscription request `subscribed` once the SFR answers positively, `subscribe-failed` on a
/// refusal, `subscribe-in-progress` meanwhile; an unsubscription likewise `unsubscribed`,
/// `unsubscribe-in-progress`, and on a refusal the number stays `subscribed` (our reading).
fn subscription_status(d: &Docflow, subscribe: bool) -> &'static str {
    match (subscribe, d.success_state) {
        (true, SuccessState::Successful) => "subscribed",
        (true, SuccessState::Failed) => "subscribe-failed",
        (true, _) => "subscribe-in-progress",
        (false, SuccessState::Successful) => "unsubscribed",
        (false, SuccessState::Failed) => "subscribed",
        (false, _) => "unsubscribe-in-progress",
    }
}

/// Each registration number's latest subscription docflow of the organization, in the order
/// the numbers were first subscribed.
fn subscriptions(store: &Store, org: Uuid) -> Vec<Subscription> {
    let mut out: Vec<Subscription> = Vec::new();
    for d in store
        .docflow_order
        .iter()
        .filter_map(|id| store.docflows.get(id))
        .filter(|d| d.organization_id == org && d.doc_type == SUBSCRIPTION_DOCFLOW)
    {
        let Some(doc) = d
            .documents
            .iter()
            .find(|x| x.doc_type == SUBSCRIBE || x.doc_type == UNSUBSCRIBE)
        else {
            continue;
        };
        let Some((number, is_sfr)) = subscription_number(store, d, doc.content_id) else {
            continue;
        };
        let status = subscription_status(d, doc.doc_type == SUBSCRIBE);
        match out.iter_mut().find(|s| s.number == number) {
            Some(s) => {
                s.status = status;
                s.is_sfr = is_sfr;
            }
            None => out.push(Subscription {
                number,
                is_sfr,
                status,
            }),
        }
    }
    out
}

/// `POST /v1/{accountId}/organizations/{orgId}/control-unit-subscriptions`
/// `{control-unit-subscription-type: fss-sedo, registration-number?, skip?, take?}` →
/// `{items: [{is-sfr, registration-number, subscription-status}], total-count}` (the C# SDK's
/// SedoSubscriptionSearchRequest and OrganizationSedoSubscriptionResponse). The organization's
/// subscriptions are its `fss-sedo-provider-subscription` docflows (the operator subscribes to
/// an organization's registration number by sending one: sedo-subscription.rst); the SEDO
/// provider subscription every test account comes with names no number and is not listed.
/// `fss-sedo` is the only type the vendor names; another is a bad request. `take` defaults to
/// 1000 and is at most 1000 (our bounds, as for the reports tables).
async fn control_unit_subscriptions(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, org)): Path<(Uuid, Uuid)>,
    JsonBody(req): JsonBody<SubscriptionSearch>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    organization(&store, account, org)?;
    match req.control_unit_subscription_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("fss-sedo") || t.eq_ignore_ascii_case("FssSedo") => {}
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalidRequest",
                format!("control-unit-subscription-type {other:?}: expected fss-sedo"),
            ));
        }
        None => {
            return Err(ApiError::bad_request(
                "invalidRequest",
                "control-unit-subscription-type is required (fss-sedo)",
            ));
        }
    }
    let (skip, take) = (req.skip.unwrap_or(0), req.take.unwrap_or(1000));
    if skip < 0 || !(0..=1000).contains(&take) {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "skip must not be negative and take must be 0…1000",
        ));
    }
    let found: Vec<Subscription> = subscriptions(&store, org)
        .into_iter()
        .filter(|s| {
            req.registration_number
                .as_deref()
                .filter(|n| !n.is_empty())
                .is_none_or(|n| n == s.number)
        })
        .collect();
    let items: Vec<Value> = found
        .iter()
        .skip(skip as usize)
        .take(take as usize)
        .map(|s| {
            json!({
                "is-sfr": s.is_sfr,
                "registration-number": s.number,
                "subscription-status": s.status,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items, "total-count": found.len() })))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct GosuslugiAuth {
    gosuslugi_uid: Option<String>,
    base64_signature_content: Option<String>,
}

/// `POST /v1/{accountId}/organizations/{orgId}/gosuslugi-auth`
/// `{gosuslugi-uid, base64-signature-content}`: stores an employee's Gosuslugi authorization.
/// As the vendor describes it: the API key has 32 characters; the signature is a detached PKCS#7
/// over the key's UTF-8 bytes, made with a certificate that carries the organization's INN, and
/// it lives 18 hours (методы API для организаций.rst, "Авторизация на Госуслугах";
/// mvd-notification.rst). A new signature for the same key refreshes the authorization. The
/// answer is 204 (200 and 204 are declared, none shown; nothing is returned).
async fn gosuslugi_auth(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, org)): Path<(Uuid, Uuid)>,
    JsonBody(req): JsonBody<GosuslugiAuth>,
) -> ApiResult<StatusCode> {
    let organization = organization(&shared.lock(), account, org)?;
    let uid = req
        .gosuslugi_uid
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("invalidRequest", "gosuslugi-uid is required"))?;
    if uid.chars().count() != GOSUSLUGI_UID_LEN {
        return Err(ApiError::bad_request(
            "invalidGosuslugiUid",
            format!("gosuslugi-uid must be the employee's {GOSUSLUGI_UID_LEN}-character API key"),
        ));
    }
    let signature = req
        .base64_signature_content
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("invalidRequest", "base64-signature-content is required")
        })?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(signature.trim())
        .map_err(|e| {
            ApiError::bad_request(
                "invalidRequest",
                format!("base64-signature-content is not base64: {e}"),
            )
        })?;
    let now = shared.clock.now();
    let info = shared
        .ca
        .verify_detached(&signature, uid.as_bytes(), now)
        .map_err(|e| ApiError::bad_request("invalidSignature", e.to_string()))?;
    if info.inn.as_deref() != Some(organization.inn.as_str()) {
        return Err(ApiError::bad_request(
            "certificateInnMismatch",
            format!(
                "the signer's INN ({}) is not the organization's ({})",
                info.inn.as_deref().unwrap_or("none"),
                organization.inn
            ),
        ));
    }
    let authorization = GosuslugiAuthorization {
        uid,
        expires: now + chrono::Duration::hours(GOSUSLUGI_SIGNATURE_HOURS),
    };
    let mut store = shared.lock();
    let settings = store.organization_settings.entry(org).or_default();
    settings
        .gosuslugi
        .retain(|a| a.uid != authorization.uid && a.expires > now);
    if settings.gosuslugi.len() >= MAX_AUTHORIZATIONS {
        return Err(ApiError::conflict(
            "tooManyAuthorizations",
            format!(
                "the sandbox keeps at most {MAX_AUTHORIZATIONS} Gosuslugi authorizations per organization"
            ),
        ));
    }
    settings.gosuslugi.push(authorization);
    Ok(StatusCode::NO_CONTENT)
}
