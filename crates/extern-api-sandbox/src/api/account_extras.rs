//! An account's people and powers of attorney: `GET /v1/{accountId}/users` and `…/employees`
//! (multi-user accounts, skbkontur/extern-api-docs docs/scenarios/org/mpr.rst "Сведения о
//! пользователе"), `GET /v1/{accountId}/warrants` (docs/accounts/методы API для доверенностей.rst:
//! "the warrants of every organization of the authorized user"; the C# SDK's
//! Models/Warrants/*.cs and ApiLevel/Models/Responses/Warrants/WarrantList.cs for the shape).
//!
//! A fresh account has no warrants. The sandbox keeps them in the store
//! ([`crate::state::Store::warrants`]); `POST /test-tools/v1/issue-warrant` issues one, as the
//! vendor's test stand registers a machine-readable warrant for an organization.
//! A representative's draft names one by `additional-info.machine-readable-warrant-id`, and the
//! draft check holds the draft to it ([`crate::check::warrant`]).

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path, Query};
use crate::identity::auth::Caller;
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::Warrant;
use crate::state::{Account, Store};

/// Warrants per page when `take` is not given, and at most (the sandbox's bound; the vendor
/// states none for this list).
const DEFAULT_TAKE: i64 = 100;
const MAX_TAKE: i64 = 1000;

/// Warrants the sandbox keeps per account, at most.
const MAX_WARRANTS: usize = 1000;

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/{account}/users", get(users))
        .route("/v1/{account}/employees", get(employees))
        .route("/v1/{account}/warrants", get(warrants))
        .route("/test-tools/v1/issue-warrant", post(issue_warrant))
}

/// `true`/`false` in any case (the C# SDK prints `bool` as `True`/`False` in queries).
pub(crate) fn flag(name: &str, value: Option<&str>) -> ApiResult<bool> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::bad_request(
            "invalidQuery",
            format!("{name}={other:?}: expected true or false"),
        )),
    }
}

/// The user's login certificates: the certificates the sandbox issued whose INN logs this user in
/// (a certificate login picks the account of the first organization with the certificate's INN,
/// see [`crate::identity::logins`]).
fn login_certificates(store: &Store, login: &str) -> Vec<Value> {
    store
        .signers
        .iter()
        .filter(|c| {
            c.info
                .inn
                .as_deref()
                .and_then(|inn| crate::identity::logins::user_of_inn(store, inn))
                .is_some_and(|user| user == login)
        })
        .map(|c| {
            json!({
                "thumbprint": c.info.thumbprint,
                "fio": c.info.common_name,
                "expired-at": c.info.not_after.to_rfc3339(),
            })
        })
        .collect()
}

/// A user's name: the sandbox knows no more of a user than the name on their login certificate.
fn fio(certificates: &[Value]) -> Value {
    certificates
        .first()
        .map(|c| c["fio"].clone())
        .unwrap_or(Value::Null)
}

fn organization_ids(store: &Store, account: Uuid) -> Vec<Uuid> {
    store
        .organizations
        .iter()
        .filter(|o| o.account_id == account)
        .map(|o| o.id)
        .collect()
}

/// `GET /v1/{accountId}/users`: every user of the account, once per account they belong to
/// among those the caller sees ("as many times as they have accounts", with the login, the
/// name, the login certificates and the access rights: docs/scenarios/org/mpr.rst). The vendor
/// publishes no example of this answer (OpaqueObject): the field names are ours — `users` with
/// `login`, `fio`, `account-id`, `role`, `login-certificates[{thumbprint, fio, expired-at}]` and
/// `access-rights{restricted, organization-ids, form-knds}`. Every sandbox user is an admin
/// with unrestricted rights (as `GET /v1` shows `role: admin`).
async fn users(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path(account): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let logins = store
        .account(account)
        .map(|a| a.users.clone())
        .ok_or_else(|| ApiError::not_found("account"))?;
    let visible: Vec<&Account> = store
        .accounts
        .iter()
        .filter(|a| a.users.contains(&caller.login))
        .collect();
    let mut users = Vec::new();
    for login in &logins {
        let certificates = login_certificates(&store, login);
        for a in visible.iter().filter(|a| a.users.contains(login)) {
            users.push(json!({
                "login": login,
                "fio": fio(&certificates),
                "account-id": a.id,
                "role": "admin",
                "login-certificates": certificates,
                "access-rights": {
                    "restricted": false,
                    "organization-ids": organization_ids(&store, a.id),
                    "form-knds": [],
                },
            }));
        }
    }
    Ok(Json(json!({ "users": users })))
}

/// `GET /v1/{accountId}/employees`: the people who work for the account's organizations
/// (docs/accounts/методы API для сотрудников.rst: "the list of employees of the organization").
/// The sandbox's people are the account's users, each of whom works with every organization of
/// the account: one entry per organization and user. No example is published (OpaqueObject):
/// `employees[{organization-id, login, fio}]` are our names.
async fn employees(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let logins = store
        .account(account)
        .map(|a| a.users.clone())
        .ok_or_else(|| ApiError::not_found("account"))?;
    let people: Vec<(String, Value)> = logins
        .iter()
        .map(|l| (l.clone(), fio(&login_certificates(&store, l))))
        .collect();
    let employees: Vec<Value> = organization_ids(&store, account)
        .into_iter()
        .flat_map(|org| {
            people.iter().map(
                move |(login, fio)| json!({ "organization-id": org, "login": login, "fio": fio }),
            )
        })
        .collect();
    Ok(Json(json!({ "employees": employees })))
}

#[derive(Deserialize)]
struct WarrantsQuery {
    skip: Option<i64>,
    take: Option<i64>,
    #[serde(rename = "forAllUsers")]
    for_all_users: Option<String>,
}

fn render_warrant(store: &Store, w: &Warrant) -> Value {
    let org = store
        .organizations
        .iter()
        .find(|o| o.id == w.organization_id);
    let mut out = Map::new();
    if let Some(d) = w.date_begin {
        out.insert("date-begin".into(), json!(d.format("%Y-%m-%d").to_string()));
    }
    if let Some(d) = w.date_end {
        out.insert("date-end".into(), json!(d.format("%Y-%m-%d").to_string()));
    }
    if let Some(n) = &w.number {
        out.insert("number".into(), json!(n));
    }
    out.insert("permissions".into(), json!(w.permissions));
    out.insert("sender".into(), w.sender.clone());
    out.insert(
        "issuer".into(),
        json!({ "issuer-organization": {
            "name": org.map(|o| o.name.as_str()),
            "inn": org.map(|o| o.inn.as_str()),
            "kpp": org.map(|o| o.kpp.as_str()).filter(|k| !k.is_empty()),
        }}),
    );
    Value::Object(out)
}

/// `GET /v1/{accountId}/warrants?skip&take&forAllUsers`: the warrants of the account's
/// organizations in the C# SDK's `WarrantList` shape: `warrants` and, for each of them,
/// `organization-warrant-informations[{organization-id, inn, kpp, organization-name, warrant}]`.
/// Without `forAllUsers=true` only the caller's own warrants are listed (the C# SDK's
/// AccountsClient passes the flag as for certificates). Paging counts warrants.
async fn warrants(
    State(shared): State<Arc<Shared>>,
    AccountScope(caller): AccountScope,
    Path(account): Path<Uuid>,
    Query(q): Query<WarrantsQuery>,
) -> ApiResult<Json<Value>> {
    let all = flag("forAllUsers", q.for_all_users.as_deref())?;
    let skip = q.skip.unwrap_or(0);
    let take = q.take.unwrap_or(DEFAULT_TAKE);
    if skip < 0 || !(0..=MAX_TAKE).contains(&take) {
        return Err(ApiError::bad_request(
            "invalidQuery",
            format!("skip must not be negative and take must be 0…{MAX_TAKE}"),
        ));
    }
    let store = shared.lock();
    let mine: Vec<&Warrant> = store
        .warrants
        .iter()
        .filter(|w| w.account_id == account && (all || w.login == caller.login))
        .collect();
    let page: Vec<&Warrant> = mine
        .iter()
        .skip(skip as usize)
        .take(take as usize)
        .copied()
        .collect();
    let warrants: Vec<Value> = page.iter().map(|w| render_warrant(&store, w)).collect();
    let informations: Vec<Value> = page
        .iter()
        .zip(&warrants)
        .map(|(w, rendered)| {
            let org = store
                .organizations
                .iter()
                .find(|o| o.id == w.organization_id);
            json!({
                "organization-id": w.organization_id,
                "inn": org.map(|o| o.inn.as_str()),
                "kpp": org.map(|o| o.kpp.as_str()),
                "organization-name": org.map(|o| o.name.as_str()),
                "warrant": rendered,
            })
        })
        .collect();
    Ok(Json(json!({
        "skip": skip,
        "take": take,
        "total-count": mine.len(),
        "warrants": warrants,
        "organization-warrant-informations": informations,
        "links": [],
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct IssueWarrant {
    organization_id: Option<Uuid>,
    number: Option<String>,
    date_begin: Option<String>,
    date_end: Option<String>,
    #[serde(default)]
    permissions: Vec<i64>,
    sender_individual: Option<Map<String, Value>>,
    sender_organization: Option<Map<String, Value>>,
}

fn date(name: &str, v: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    v.map(|s| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(
                "invalidRequest",
                format!("{name} {s:?} is not a yyyy-MM-dd date"),
            )
        })
    })
    .transpose()
}

/// `POST /test-tools/v1/issue-warrant` `{organization-id, number, date-begin, date-end,
/// permissions, sender-individual | sender-organization}` → 201 `{id, warrant}`: the warrant's id
/// (what a draft's `machine-readable-warrant-id` names) and the warrant as `GET …/warrants` lists
/// it. A sandbox tool (the vendor registers warrants outside the API):
/// the caller must belong to the organization's account; the warrant is theirs. The organization
/// is the principal (the payer a representative files for); `sender-organization` or
/// `sender-individual` (with its `inn`) names the representative the draft check expects as the
/// sender and signer ([`crate::check::warrant`]).
async fn issue_warrant(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    JsonBody(req): JsonBody<IssueWarrant>,
) -> ApiResult<Response> {
    let organization_id = req
        .organization_id
        .ok_or_else(|| ApiError::bad_request("invalidRequest", "organization-id is required"))?;
    let account_id = shared
        .lock()
        .organizations
        .iter()
        .find(|o| o.id == organization_id)
        .map(|o| o.account_id)
        .ok_or_else(|| ApiError::not_found("organization"))?;
    crate::identity::scope::check_account(&shared, &caller, account_id)?;
    let sender = match (req.sender_individual, req.sender_organization) {
        (Some(i), None) => json!({ "sender-individual": i }),
        (None, Some(o)) => json!({ "sender-organization": o }),
        _ => {
            return Err(ApiError::bad_request(
                "invalidRequest",
                "exactly one of sender-individual and sender-organization is required",
            ));
        }
    };
    if sender.to_string().len() > 16 * 1024 {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "the sender is too large",
        ));
    }
    let (date_begin, date_end) = (
        date("date-begin", req.date_begin.as_deref())?,
        date("date-end", req.date_end.as_deref())?,
    );
    if let (Some(b), Some(e)) = (date_begin, date_end)
        && e < b
    {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "date-end precedes date-begin",
        ));
    }
    let warrant = Warrant {
        id: Uuid::new_v4(),
        account_id,
        organization_id,
        login: caller.login.clone(),
        number: req.number.map(|n| n.chars().take(100).collect()),
        date_begin,
        date_end,
        permissions: req.permissions.into_iter().take(100).collect(),
        sender,
    };
    let mut store = shared.lock();
    if store
        .warrants
        .iter()
        .filter(|w| w.account_id == account_id)
        .count()
        >= MAX_WARRANTS
    {
        return Err(ApiError::conflict(
            "tooManyWarrants",
            format!("the sandbox keeps at most {MAX_WARRANTS} warrants per account"),
        ));
    }
    let body = json!({ "id": warrant.id, "warrant": render_warrant(&store, &warrant) });
    store.warrants.push(warrant);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
