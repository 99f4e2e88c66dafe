//! `GET /v1/{accountId}/docflows`: the documented filters, stable paging (`take` capped at
//! 1000), and the types that stay hidden unless asked for by name.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Path;
use crate::identity::scope::AccountScope;
use crate::state::Docflow;
use crate::state::Shared;
use crate::state::vocabulary::DocflowStatus;
use crate::views::render_docflow;

/// The largest page the API returns.
pub const MAX_TAKE: usize = 1000;

/// Listed only when the `type` filter names them.
fn hidden_by_default(t: &str) -> bool {
    let nss = t.strip_prefix("urn:docflow:").unwrap_or(t);
    matches!(
        nss,
        "business-registration"
            | "fns534-cu-broadcast"
            | "stat-cu-broadcast"
            | "fns534-inventory"
            | "fss-warrant-management"
    ) || nss.starts_with("fss-sedo-")
}

#[derive(Default)]
struct Filter {
    types: Vec<String>,
    success_states: Vec<String>,
    finished: Option<bool>,
    incoming: Option<bool>,
    skip: usize,
    take: usize,
    inn: Option<String>,
    kpp: Option<String>,
    org: Option<Uuid>,
    descending: bool,
    created: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    updated: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    knd: Option<String>,
    okud: Option<String>,
    okpo: Option<String>,
    cu: Option<String>,
    form_name: Option<String>,
    /// A demand's number (its description's `demand-number`).
    demand_number: Option<String>,
    period: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

fn bad(name: &str, value: &str, why: &str) -> ApiError {
    ApiError::bad_request("invalidQuery", format!("{name}={value:?}: {why}"))
}

fn parse_bool(name: &str, v: &str) -> ApiResult<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad(name, v, "expected true or false")),
    }
}

/// A date-time with or without an offset (UTC when none), or a date.
fn parse_time(name: &str, v: &str) -> ApiResult<DateTime<Utc>> {
    use chrono::{NaiveDate, NaiveDateTime, TimeZone};
    let v = v.trim();
    chrono::DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|t| Utc.from_utc_datetime(&t))
        })
        .or_else(|_| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(|d| Utc.from_utc_datetime(&d.and_time(Default::default())))
        })
        .map_err(|_| bad(name, v, "expected an ISO-8601 date or date-time"))
}

fn parse(query: &str) -> ApiResult<Filter> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|e| ApiError::bad_request("invalidQuery", e.to_string()))?;
    let mut f = Filter {
        take: 100,
        ..Filter::default()
    };
    let (mut period_from, mut period_to) = (None, None);
    for (name, v) in &pairs {
        match name.as_str() {
            "type" => f.types.push(format!(
                "urn:docflow:{}",
                v.strip_prefix("urn:docflow:").unwrap_or(v)
            )),
            "successState" => f.success_states.push(
                v.strip_prefix("urn:docflow-state:")
                    .unwrap_or(v)
                    .to_string(),
            ),
            "finished" => f.finished = Some(parse_bool(name, v)?),
            "incoming" => f.incoming = Some(parse_bool(name, v)?),
            "skip" => {
                f.skip = v
                    .parse()
                    .map_err(|_| bad(name, v, "expected a non-negative integer"))?
            }
            "take" => {
                f.take = v
                    .parse::<usize>()
                    .map_err(|_| bad(name, v, "expected a non-negative integer"))?
                    .min(MAX_TAKE)
            }
            "innKpp" => {
                let (inn, kpp) = v
                    .split_once('-')
                    .map(|(i, k)| (i, Some(k)))
                    .unwrap_or((v, None));
                let digits =
                    |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
                let ok = match kpp {
                    Some(k) => digits(inn, 10) && k.len() == 9,
                    None => digits(inn, 12) || digits(inn, 10),
                };
                if !ok {
                    return Err(bad(
                        name,
                        v,
                        "expected INN-KPP (1234567890-123456789) or a 12-digit INN",
                    ));
                }
                f.inn = Some(inn.into());
                f.kpp = kpp.map(String::from);
            }
            "orgId" => f.org = Some(v.parse().map_err(|_| bad(name, v, "expected a GUID"))?),
            "orderBy" => {
                f.descending = match v.to_ascii_lowercase().as_str() {
                    "descending" => true,
                    "ascending" => false,
                    _ => return Err(bad(name, v, "expected ascending or descending")),
                }
            }
            "createdFrom" => f.created.0 = Some(parse_time(name, v)?),
            "createdTo" => f.created.1 = Some(parse_time(name, v)?),
            "updatedFrom" => f.updated.0 = Some(parse_time(name, v)?),
            "updatedTo" => f.updated.1 = Some(parse_time(name, v)?),
            "periodFrom" => period_from = Some(parse_time(name, v)?),
            "periodTo" => period_to = Some(parse_time(name, v)?),
            "knd" => f.knd = Some(v.clone()),
            "okud" => f.okud = Some(v.clone()),
            "okpo" => f.okpo = Some(v.clone()),
            "cu" => f.cu = Some(v.clone()),
            "formName" => f.form_name = Some(v.to_lowercase()),
            "demandsOnReports" | "forAllUsers" => {
                parse_bool(name, v)?;
            }
            "demandNumber" => f.demand_number = Some(v.clone()),
            // Filters on data the sandbox's docflows do not carry yet (a Social Fund registration
            // number, a PFR letter's category): accepted and not applied.
            "regNumber" | "pfrLetterCategory" => {}
            _ => {}
        }
    }
    f.period = match (period_from, period_to) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        _ => {
            return Err(ApiError::bad_request(
                "invalidQuery",
                "periodFrom and periodTo go together",
            ));
        }
    };
    Ok(f)
}

fn matches(f: &Filter, d: &Docflow) -> bool {
    let in_range = |t: DateTime<Utc>,
                    (from, to): (Option<DateTime<Utc>>, Option<DateTime<Utc>>)| {
        from.is_none_or(|f| t >= f) && to.is_none_or(|x| t <= x)
    };
    (if f.types.is_empty() {
        !hidden_by_default(&d.doc_type)
    } else {
        f.types.iter().any(|t| *t == d.doc_type)
    }) && (f.success_states.is_empty()
        || f.success_states
            .iter()
            .any(|s| s == d.success_state.as_str()))
        && f.finished
            .is_none_or(|x| x == (d.status == DocflowStatus::Finished))
        && f.incoming.is_none_or(|x| x == d.incoming)
        && f.inn.as_ref().is_none_or(|i| *i == d.inn)
        && f.kpp.as_ref().is_none_or(|k| *k == d.kpp)
        && f.org.is_none_or(|o| o == d.organization_id)
        && in_range(d.created, f.created)
        && in_range(d.updated, f.updated)
        && f.knd.as_ref().is_none_or(|k| d.knd.as_ref() == Some(k))
        && f.okud.as_ref().is_none_or(|k| d.okud.as_ref() == Some(k))
        && f.okpo
            .as_ref()
            .is_none_or(|k| d.description.str("okpo").as_ref() == Some(k))
        && f.cu.as_ref().is_none_or(|c| *c == d.cu)
        && f.demand_number
            .as_ref()
            .is_none_or(|n| d.description.str("demand-number").as_ref() == Some(n))
        && f.form_name
            .as_ref()
            .is_none_or(|n| d.description.text().to_lowercase().contains(n.as_str()))
        && f.period.is_none_or(|(from, to)| {
            use chrono::Datelike;
            let year = d
                .description
                .str("period-year")
                .and_then(|y| y.parse::<i32>().ok());
            year.is_some_and(|y| y >= from.year() && y <= to.year())
        })
}

/// `GET /v1/{accountId}/docflows`
pub async fn search(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Value>> {
    let f = parse(query.as_deref().unwrap_or(""))?;
    let store = shared.lock();
    let ordered: Box<dyn Iterator<Item = &Uuid>> = if f.descending {
        Box::new(store.docflow_order.iter().rev())
    } else {
        Box::new(store.docflow_order.iter())
    };
    let mut total = 0usize;
    let mut page = Vec::new();
    for id in ordered {
        let Some(d) = store.docflows.get(id) else {
            continue;
        };
        if d.account_id != account || !matches(&f, d) {
            continue;
        }
        if total >= f.skip && page.len() < f.take {
            page.push(render_docflow(&shared, d, false));
        }
        total += 1;
    }
    Ok(Json(
        json!({ "skip": f.skip, "take": f.take, "total-count": total, "docflows-page-item": page }),
    ))
}

/// Docflows answering one incoming document (inventories, letters), newest last.
pub(crate) fn related<'a>(
    store: &'a crate::state::Store,
    account: Uuid,
    docflow: Uuid,
    document: Uuid,
    only: Option<&'a str>,
) -> impl Iterator<Item = &'a Docflow> + 'a {
    let (df, doc) = (docflow.to_string(), document.to_string());
    store
        .docflow_order
        .iter()
        .filter_map(|id| store.docflows.get(id).map(Box::as_ref))
        .filter(move |d| {
            d.account_id == account
                && only.is_none_or(|t| d.doc_type == t)
                && d.description.str("related-docflow-id").as_ref() == Some(&df)
                && d.description.str("related-document-id").as_ref() == Some(&doc)
        })
}

fn page(shared: &Shared, items: Vec<&Docflow>) -> Value {
    json!({ "skip": 0, "take": items.len(), "total-count": items.len(), "docflows-page-item": items.iter().map(|d| render_docflow(shared, d, false)).collect::<Vec<_>>() })
}

/// `GET …/docflows/{relatedDocflowId}/documents/{relatedDocumentId}/related`
pub async fn related_docflows(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    Ok(Json(page(
        &shared,
        related(&store, account, df, doc, None).collect(),
    )))
}

/// `GET …/docflows/{relatedDocflowId}/documents/{relatedDocumentId}/inventories`
pub async fn inventories(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    Ok(Json(page(
        &shared,
        related(
            &store,
            account,
            df,
            doc,
            Some(crate::state::urns::INVENTORY_DOCFLOW),
        )
        .collect(),
    )))
}

/// `GET …/inventories/{inventoryId}`
pub async fn inventory(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, df, doc, id)): Path<(Uuid, Uuid, Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let store = shared.lock();
    let d = related(
        &store,
        account,
        df,
        doc,
        Some(crate::state::urns::INVENTORY_DOCFLOW),
    )
    .find(|d| d.id == id)
    .ok_or_else(|| ApiError::not_found("inventory"))?;
    Ok(Json(render_docflow(&shared, d, true)))
}
