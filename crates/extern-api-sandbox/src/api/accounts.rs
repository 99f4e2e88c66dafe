//! Accounts (`/v1`, `/v1/{accountId}`) and their organizations.

use std::sync::Arc;

use crate::formats::wire::{
    CreateAccountRequest, CreateOrganizationRequest, UpdateOrganizationRequest,
};
use crate::identity::scope::AccountScope;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path, Query};
use crate::identity::auth::Caller;
use crate::state::Shared;
use crate::state::{Account, Organization};

fn render_account(shared: &Shared, a: &Account) -> Value {
    json!({
        "id": a.id,
        "inn": a.inn,
        "kpp": a.kpp,
        "organization-name": a.name,
        "name": a.name,
        "role": "admin",
        "products": [{ "name": "extern" }],
        "links": [{ "rel": "self", "href": shared.url(&format!("/v1/{}", a.id)) }],
    })
}

fn render_org(shared: &Shared, o: &Organization) -> Value {
    json!({
        "id": o.id,
        "general": {
            "inn": o.inn, "kpp": o.kpp, "name": o.name, "is-main-org": o.is_main,
            "links": [{ "rel": "self", "href": shared.url(&format!("/v1/{}/organizations/{}", o.account_id, o.id)) }],
        },
    })
}

fn check_inn_kpp(inn: &str, kpp: Option<&str>) -> ApiResult<()> {
    let digits =
        |s: &str, n: &[usize]| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(inn, &[10, 12]) {
        return Err(ApiError::bad_request(
            "invalidInn",
            format!("INN {inn:?} must be 10 or 12 digits"),
        ));
    }
    if let Some(kpp) = kpp.filter(|k| !k.is_empty())
        && kpp.len() != 9
    {
        return Err(ApiError::bad_request(
            "invalidKpp",
            format!("KPP {kpp:?} must be 9 characters"),
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct Paging {
    skip: Option<usize>,
    take: Option<usize>,
    inn: Option<String>,
    kpp: Option<String>,
}

/// `GET /v1`
pub async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Query(p): Query<Paging>,
) -> Json<Value> {
    let store = shared.lock();
    let mine: Vec<&Account> = store
        .accounts
        .iter()
        .filter(|a| a.users.contains(&caller.login))
        .collect();
    let (skip, take) = (p.skip.unwrap_or(0), p.take.unwrap_or(100));
    Json(json!({
        "skip": skip, "take": take, "total-count": mine.len(),
        "accounts": mine.iter().skip(skip).take(take).map(|a| render_account(&shared, a)).collect::<Vec<_>>(),
    }))
}

/// `POST /v1`
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    JsonBody(req): JsonBody<CreateAccountRequest>,
) -> ApiResult<Response> {
    check_inn_kpp(&req.inn, req.kpp.as_deref())?;
    let account = Account {
        id: Uuid::new_v4(),
        inn: req.inn.clone(),
        kpp: req.kpp.clone().unwrap_or_default(),
        name: req.organization_name.clone(),
        users: vec![caller.login.clone()],
    };
    let mut store = shared.lock();
    store.organizations.push(Organization {
        id: Uuid::new_v4(),
        account_id: account.id,
        inn: account.inn.clone(),
        kpp: account.kpp.clone(),
        name: account.name.clone(),
        is_main: true,
    });
    let body = render_account(&shared, &account);
    store.accounts.push(account);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /v1/{accountId}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    if shared.lock().account(id).is_none() {
        return Err(ApiError::not_found("account"));
    }
    crate::identity::scope::check_account(&shared, &caller, id)?;
    let store = shared.lock();
    Ok(Json(render_account(
        &shared,
        store
            .account(id)
            .ok_or_else(|| ApiError::not_found("account"))?,
    )))
}

/// `DELETE /v1/{accountId}`
pub async fn delete(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    store.accounts.retain(|a| a.id != id);
    store.organizations.retain(|o| o.account_id != id);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/{accountId}/organizations`
pub async fn organizations(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let orgs: Vec<&Organization> = store
        .organizations
        .iter()
        .filter(|o| {
            o.account_id == account
                && p.inn.as_ref().is_none_or(|i| *i == o.inn)
                && p.kpp.as_ref().is_none_or(|k| *k == o.kpp)
        })
        .collect();
    let (skip, take) = (p.skip.unwrap_or(0), p.take.unwrap_or(100));
    Ok(Json(json!({
        "skip": skip, "take": take, "total-count": orgs.len(),
        "organizations": orgs.iter().skip(skip).take(take).map(|o| render_org(&shared, o)).collect::<Vec<_>>(),
    })))
}

/// `POST /v1/{accountId}/organizations`
pub async fn create_organization(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
    JsonBody(req): JsonBody<CreateOrganizationRequest>,
) -> ApiResult<Response> {
    check_inn_kpp(&req.inn, req.kpp.as_deref())?;
    let mut store = shared.lock();
    let kpp = req.kpp.clone().unwrap_or_default();
    if store
        .organizations
        .iter()
        .any(|o| o.account_id == account && o.inn == req.inn && o.kpp == kpp)
    {
        return Err(ApiError::conflict(
            "organizationAlreadyExists",
            "the account already has this organization",
        ));
    }
    let org = Organization {
        id: Uuid::new_v4(),
        account_id: account,
        inn: req.inn.clone(),
        kpp,
        name: req.name.clone(),
        is_main: false,
    };
    let body = render_org(&shared, &org);
    store.organizations.push(org);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

fn org_mut(
    store: &mut crate::state::Store,
    account: Uuid,
    id: Uuid,
) -> ApiResult<&mut Organization> {
    store
        .organizations
        .iter_mut()
        .find(|o| o.account_id == account && o.id == id)
        .ok_or_else(|| ApiError::not_found("organization"))
}

/// `GET /v1/{accountId}/organizations/{orgId}`
pub async fn get_organization(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let mut store = shared.lock();
    Ok(Json(render_org(&shared, org_mut(&mut store, account, id)?)))
}

/// `PUT /v1/{accountId}/organizations/{orgId}` (only the name changes)
pub async fn update_organization(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
    JsonBody(req): JsonBody<UpdateOrganizationRequest>,
) -> ApiResult<Json<Value>> {
    if req.name.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalidName",
            "the name must not be empty",
        ));
    }
    let mut store = shared.lock();
    let org = org_mut(&mut store, account, id)?;
    org.name = req.name.clone();
    Ok(Json(render_org(&shared, org)))
}

/// `DELETE /v1/{accountId}/organizations/{orgId}`
pub async fn delete_organization(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let mut store = shared.lock();
    if org_mut(&mut store, account, id)?.is_main {
        return Err(ApiError::bad_request(
            "cannotDeleteMainOrganization",
            "the account's head organization cannot be deleted",
        ));
    }
    store.organizations.retain(|o| o.id != id);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/{accountId}/certificates`: the signers issued for the account's organizations.
pub async fn certificates(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    use base64::Engine;
    let store = shared.lock();
    let inns: Vec<&str> = store
        .organizations
        .iter()
        .filter(|o| o.account_id == account)
        .map(|o| o.inn.as_str())
        .collect();
    let now = shared.clock.now();
    let certs: Vec<Value> = store
        .signers
        .iter()
        .filter(|c| c.info.inn.as_deref().is_some_and(|i| inns.contains(&i)))
        .map(|c| {
            json!({
                "fio": c.info.common_name,
                "inn": c.info.inn,
                "kpp": c.kpp,
                "is-valid": now >= c.info.not_before && now <= c.info.not_after,
                "is-cloud": store.cloud_certificates.iter().any(|cc| cc.thumbprint == c.info.thumbprint),
                "is-qualified": false,
                "content": base64::engine::general_purpose::STANDARD.encode(&c.der),
                "thumbprint": c.info.thumbprint,
                "serial-number": c.info.serial_number,
                "expired-at": c.info.not_after.to_rfc3339(),
            })
        })
        .collect();
    Ok(Json(
        json!({ "skip": 0, "take": certs.len(), "total-count": certs.len(), "certificates": certs }),
    ))
}
