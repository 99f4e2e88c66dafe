//! The reporting table (skbkontur/extern-api-docs docs/accounts/методы API для таблицы
//! отчетности.rst; the C# SDK's ReportsTablesClient and Models/ReportsTables/*): the forms an
//! organization files, their deadlines with the state of each, the docflows behind a deadline,
//! and the payments that follow from the forms.
//!
//! What is the vendor's: the routes and queries, the shapes (`FormInfo`, `ReportInfo`,
//! `DeadlineInfo`, `ReportsTableDocflow`, `PaymentInfo`, `PaymentPeriod`), the enums
//! (`PeriodEnum`, `ReportDeadlineStatus`, `ReportDocflowStatus`, kebab-case), the windows
//! (three months back and ahead by default), the paging of organizations (skip 0, take 1000,
//! at most 1000), and that a payment by a form has the form's id.
//!
//! What is ours: the calendar. The forms are the FNS reports the sandbox knows
//! ([`crate::api::handbooks::FNS_FORMS`]; the demand it lists is not filed), each with the periodicity
//! and deadline the Tax Code gives it; a form's id is its KND read as a number; a deadline is
//! the day's midnight UTC. A deadline's state comes from the organization's outgoing
//! `fns534-report` docflows of the form's KND for that period (their description's
//! `period-end`; a report that states no period counts for the last period that ended before
//! it was sent).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path, Query};
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::vocabulary::SuccessState;
use crate::state::{Docflow, Organization, Store};

/// Organizations per page by default and at most (SearchReportsRequest.cs, SearchPaymentsRequest.cs).
const MAX_TAKE: i64 = 1000;
/// The widest window the sandbox lays out (our bound: the vendor states none).
const MAX_WINDOW_YEARS: u32 = 10;

pub fn routes() -> Router<Arc<Shared>> {
    let rt = "/v1/{account}/reports-tables";
    Router::new()
        .route(&format!("{rt}/search"), post(search))
        .route(&format!("{rt}/search-payments"), post(search_payments))
        .route(&format!("{rt}/{{org}}/forms"), get(forms))
        .route(
            &format!("{rt}/{{org}}/report-docflows"),
            get(report_docflows),
        )
}

/// How often a form is filed or a payment made (C# `PeriodEnum`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Periodicity {
    Yearly,
    Quarterly,
    Monthly,
}

impl Periodicity {
    fn wire(self) -> &'static str {
        match self {
            Self::Yearly => "yearly",
            Self::Quarterly => "quarterly",
            Self::Monthly => "monthly",
        }
    }

    fn per_year(self) -> u32 {
        match self {
            Self::Yearly => 1,
            Self::Quarterly => 4,
            Self::Monthly => 12,
        }
    }

    /// The last day of period `n` (1-based) of `year`.
    fn period_end(self, year: i32, n: u32) -> Option<NaiveDate> {
        let last_month = n.checked_mul(12 / self.per_year())?;
        first_of_month_after(year, last_month)?.pred_opt()
    }
}

/// The first day of the month after `month` of `year` (`month` 12 gives January next year).
fn first_of_month_after(year: i32, month: u32) -> Option<NaiveDate> {
    if month >= 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
}

/// A form's schedule: due on `day` of the month after its period, the year's last period on
/// `annual` (month, day) of the next year when the Tax Code gives it more time.
struct Schedule {
    knd: &'static str,
    periodicity: Periodicity,
    day: u32,
    annual: Option<(u32, u32)>,
}

/// The filing calendar of the FNS forms the sandbox knows (НК РФ: accounting statements by
/// 31 March; VAT, insurance contributions and 6-NDFL by the 25th after the quarter, 6-NDFL for
/// the year by 25 February; profit tax by the 25th, for the year by 25 March).
const SCHEDULES: &[Schedule] = &[
    Schedule {
        knd: "0710099",
        periodicity: Periodicity::Yearly,
        day: 31,
        annual: Some((3, 31)),
    },
    Schedule {
        knd: "1151001",
        periodicity: Periodicity::Quarterly,
        day: 25,
        annual: None,
    },
    Schedule {
        knd: "1151006",
        periodicity: Periodicity::Quarterly,
        day: 25,
        annual: Some((3, 25)),
    },
    Schedule {
        knd: "1151100",
        periodicity: Periodicity::Quarterly,
        day: 25,
        annual: Some((2, 25)),
    },
    Schedule {
        knd: "1151111",
        periodicity: Periodicity::Quarterly,
        day: 25,
        annual: None,
    },
];

/// Payments that follow from a form (C# PaymentInfo: "a payment by a form has the form's id"):
/// the tax, its periodicity, how many payments a period has and on which day of the months
/// after it they are due (НК РФ since 2023: the 28th; VAT in three parts over the quarter after;
/// profit tax for the year by 28 March).
struct Payment {
    knd: &'static str,
    full_name: &'static str,
    short_name: &'static str,
    periodicity: Periodicity,
    parts: u32,
    annual: Option<(u32, u32)>,
}

const PAYMENT_DAY: u32 = 28;

const PAYMENTS: &[Payment] = &[
    Payment {
        knd: "1151001",
        full_name: "Налог на добавленную стоимость",
        short_name: "НДС",
        periodicity: Periodicity::Quarterly,
        parts: 3,
        annual: None,
    },
    Payment {
        knd: "1151006",
        full_name: "Налог на прибыль организаций",
        short_name: "Налог на прибыль",
        periodicity: Periodicity::Quarterly,
        parts: 1,
        annual: Some((3, 28)),
    },
    Payment {
        knd: "1151100",
        full_name: "Налог на доходы физических лиц",
        short_name: "НДФЛ",
        periodicity: Periodicity::Monthly,
        parts: 1,
        annual: None,
    },
    Payment {
        knd: "1151111",
        full_name: "Страховые взносы",
        short_name: "Страховые взносы",
        periodicity: Periodicity::Monthly,
        parts: 1,
        annual: None,
    },
];

/// A form of the table.
struct Form {
    knd: &'static str,
    schedule: &'static Schedule,
}

impl Form {
    fn id(&self) -> i64 {
        self.knd.parse().unwrap_or_default()
    }

    /// The deadline of period `n` of `year`.
    fn deadline(&self, year: i32, n: u32) -> Option<NaiveDate> {
        let s = self.schedule;
        if n == s.periodicity.per_year()
            && let Some((month, day)) = s.annual
        {
            return NaiveDate::from_ymd_opt(year + 1, month, day);
        }
        let end = s.periodicity.period_end(year, n)?;
        let after = first_of_month_after(end.year(), end.month())?;
        NaiveDate::from_ymd_opt(after.year(), after.month(), s.day)
    }

    fn info(&self) -> Value {
        let (full, short) = crate::formats::forms::names(self.knd);
        json!({
            "form-full-name": full,
            "form-short-name": short,
            "form-id": self.id(),
            "knd": self.knd,
            "periodicity": self.schedule.periodicity.wire(),
        })
    }
}

/// The forms an organization files: the FNS forms the sandbox knows that have a schedule.
fn forms_list() -> Vec<Form> {
    crate::api::handbooks::FNS_FORMS
        .iter()
        .filter_map(|&(knd, _)| {
            SCHEDULES
                .iter()
                .find(|s| s.knd == knd)
                .map(|schedule| Form { knd, schedule })
        })
        .collect()
}

fn midnight(d: NaiveDate) -> String {
    d.and_time(chrono::NaiveTime::MIN).and_utc().to_rfc3339()
}

/// `2024-01-01T00:00:00Z`, `2024-01-01T00:00:00+05:00`, `2024-01-01T00:00:00` (the C# SDK's
/// unspecified-kind `DateTime`, read as UTC), `2024-01-01`.
fn parse_time(name: &str, v: &str) -> ApiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f").map(|t| t.and_utc()))
        .or_else(|_| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| {
            ApiError::bad_request("invalidRequest", format!("{name} {v:?} is not a date-time"))
        })
}

/// The window `[from, to]`: three months back and ahead of now by default.
fn window(
    now: DateTime<Utc>,
    (from_name, from): (&str, Option<&str>),
    (to_name, to): (&str, Option<&str>),
) -> ApiResult<(NaiveDate, NaiveDate)> {
    let from = match from {
        Some(v) => parse_time(from_name, v)?,
        None => now.checked_sub_months(Months::new(3)).unwrap_or(now),
    }
    .date_naive();
    let to = match to {
        Some(v) => parse_time(to_name, v)?,
        None => now.checked_add_months(Months::new(3)).unwrap_or(now),
    }
    .date_naive();
    if to < from {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("{to_name} precedes {from_name}"),
        ));
    }
    if from
        .checked_add_months(Months::new(12 * MAX_WINDOW_YEARS))
        .is_none_or(|limit| to > limit)
    {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("the sandbox lays out at most {MAX_WINDOW_YEARS} years at once"),
        ));
    }
    Ok((from, to))
}

/// The organizations asked for (all of the account's when none are named), one page of them.
fn organizations(
    store: &Store,
    account: Uuid,
    ids: Option<&[Uuid]>,
    skip: Option<i64>,
    take: Option<i64>,
) -> ApiResult<(Vec<Organization>, usize, i64, i64)> {
    let (skip, take) = (skip.unwrap_or(0), take.unwrap_or(MAX_TAKE));
    if skip < 0 || !(0..=MAX_TAKE).contains(&take) {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("skip must not be negative and take must be 0…{MAX_TAKE}"),
        ));
    }
    let mine = |o: &&Organization| o.account_id == account;
    let chosen: Vec<Organization> = match ids.filter(|ids| !ids.is_empty()) {
        None => store.organizations.iter().filter(mine).cloned().collect(),
        Some(ids) => {
            let mut out: Vec<Organization> = Vec::new();
            for id in ids {
                let org = store
                    .organizations
                    .iter()
                    .filter(mine)
                    .find(|o| o.id == *id)
                    .ok_or_else(|| ApiError::not_found("organization"))?;
                if !out.iter().any(|o| o.id == org.id) {
                    out.push(org.clone());
                }
            }
            out
        }
    };
    let total = chosen.len();
    let page = chosen
        .into_iter()
        .skip(skip as usize)
        .take(take as usize)
        .collect();
    Ok((page, total, skip, take))
}

/// The last day of the period a report covers (see the module's note).
fn reported_period_end(d: &Docflow, form: &Form) -> Option<NaiveDate> {
    if let Some(end) = d
        .description
        .str("period-end")
        .and_then(|s| s.get(..10).map(str::to_string))
        .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
    {
        return Some(end);
    }
    let sent = d.created.date_naive();
    let p = form.schedule.periodicity;
    (sent.year() - 1..=sent.year())
        .rev()
        .flat_map(|y| (1..=p.per_year()).rev().map(move |n| (y, n)))
        .filter_map(|(y, n)| p.period_end(y, n))
        .find(|end| *end < sent)
}

/// The organization's reports of `form` for the period ending `end`, oldest first.
fn reports<'a>(store: &'a Store, org: Uuid, form: &Form, end: NaiveDate) -> Vec<&'a Docflow> {
    store
        .docflow_order
        .iter()
        .filter_map(|id| store.docflows.get(id).map(Box::as_ref))
        .filter(|d| {
            d.organization_id == org
                && !d.incoming
                && d.doc_type == crate::state::urns::FNS_REPORT
                && d.knd.as_deref() == Some(form.knd)
                && reported_period_end(d, form) == Some(end)
        })
        .collect()
}

fn accepted(d: &Docflow) -> bool {
    matches!(
        d.success_state,
        SuccessState::Successful | SuccessState::Warning
    )
}

/// A deadline's state (C# ReportDeadlineStatus) from the reports of its period.
fn deadline_status(reports: &[&Docflow], deadline: NaiveDate, today: NaiveDate) -> &'static str {
    let Some((latest, earlier)) = reports.split_last() else {
        return if today > deadline {
            "not-sent-after-deadline"
        } else {
            "not-sent"
        };
    };
    let late = latest.created.date_naive() > deadline;
    let accepted_before = earlier.iter().any(|d| accepted(d));
    match latest.success_state {
        SuccessState::Successful if late => "accepted-after-deadline",
        SuccessState::Successful => "accepted",
        SuccessState::Warning => "accepted-with-rebuke",
        SuccessState::Failed if accepted_before => "accepted-with-warning",
        SuccessState::Failed => "declined",
        _ if accepted_before => "accepted-with-sent",
        _ if late => "sent-after-deadline",
        _ => "sent",
    }
}

/// A docflow's state in the table (C# ReportDocflowStatus).
fn docflow_status(d: &Docflow) -> &'static str {
    match d.success_state {
        SuccessState::Successful => "accepted",
        SuccessState::Warning => "accepted-with-rebuke",
        SuccessState::Failed => "declined",
        _ => "sent",
    }
}

/// Every period of `form` whose deadline falls in `[from, to]`: (deadline, year, number).
fn deadlines(form: &Form, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, i32, u32)> {
    let per_year = form.schedule.periodicity.per_year();
    (from.year() - 2..=to.year())
        .flat_map(|y| (1..=per_year).map(move |n| (y, n)))
        .filter_map(|(y, n)| form.deadline(y, n).map(|d| (d, y, n)))
        .filter(|(d, _, _)| *d >= from && *d <= to)
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct SearchReports {
    organization_ids: Option<Vec<Uuid>>,
    date_from: Option<String>,
    date_to: Option<String>,
    include_deleted: Option<Value>,
    skip: Option<i64>,
    take: Option<i64>,
}

/// `include-deleted`/`includeDeleted`: a boolean. The sandbox hides no forms, so it changes
/// nothing.
fn include_deleted(v: Option<&Value>) -> ApiResult<()> {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(_)) => Ok(()),
        Some(Value::String(s)) => {
            crate::api::account_extras::flag("includeDeleted", Some(s)).map(|_| ())
        }
        Some(other) => Err(ApiError::bad_request(
            "invalidRequest",
            format!("include-deleted {other}: expected true or false"),
        )),
    }
}

/// `POST /v1/{accountId}/reports-tables/search` `{organization-ids, date-from, date-to,
/// include-deleted, skip, take}` → `{reports-tables: [{organization-id, forms: [{form-info,
/// deadlines: [{deadline, period-year, period-number, status}]}]}]}`: the deadlines in the
/// window of each form of each organization asked for (all of the account's when none are
/// named; one not in the account is 404).
async fn search(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
    JsonBody(req): JsonBody<SearchReports>,
) -> ApiResult<Json<Value>> {
    include_deleted(req.include_deleted.as_ref())?;
    let now = shared.clock.now();
    let (from, to) = window(
        now,
        ("date-from", req.date_from.as_deref()),
        ("date-to", req.date_to.as_deref()),
    )?;
    let store = shared.lock();
    let (orgs, _, _, _) = organizations(
        &store,
        account,
        req.organization_ids.as_deref(),
        req.skip,
        req.take,
    )?;
    let forms = forms_list();
    let tables: Vec<Value> = orgs
        .iter()
        .map(|org| {
            let forms: Vec<Value> = forms
                .iter()
                .map(|form| {
                    let deadlines: Vec<Value> = deadlines(form, from, to)
                        .into_iter()
                        .map(|(deadline, year, n)| {
                            let sent = form
                                .schedule
                                .periodicity
                                .period_end(year, n)
                                .map(|end| reports(&store, org.id, form, end))
                                .unwrap_or_default();
                            json!({
                                "deadline": midnight(deadline),
                                "period-year": year,
                                "period-number": n,
                                "status": deadline_status(&sent, deadline, now.date_naive()),
                            })
                        })
                        .collect();
                    json!({ "form-info": form.info(), "deadlines": deadlines })
                })
                .collect();
            json!({ "organization-id": org.id, "forms": forms })
        })
        .collect();
    Ok(Json(json!({ "reports-tables": tables })))
}

#[derive(Deserialize)]
struct FormsQuery {
    #[serde(rename = "includeDeleted")]
    include_deleted: Option<String>,
}

/// `GET /v1/{accountId}/reports-tables/{orgId}/forms?includeDeleted` → `{forms: [FormInfo]}`.
async fn forms(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, org)): Path<(Uuid, Uuid)>,
    Query(q): Query<FormsQuery>,
) -> ApiResult<Json<Value>> {
    crate::api::account_extras::flag("includeDeleted", q.include_deleted.as_deref())?;
    organizations(
        &shared.lock(),
        account,
        Some(std::slice::from_ref(&org)),
        None,
        None,
    )?;
    let forms: Vec<Value> = forms_list().iter().map(Form::info).collect();
    Ok(Json(json!({ "forms": forms })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocflowsQuery {
    form_id: Option<String>,
    deadline: Option<String>,
    period_year: Option<String>,
    period_number: Option<String>,
}

fn required<'a>(name: &str, v: &'a Option<String>) -> ApiResult<&'a str> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::bad_request("invalidQuery", format!("{name} is required")))
}

fn number<T: std::str::FromStr>(name: &str, v: &Option<String>) -> ApiResult<T> {
    let s = required(name, v)?;
    s.parse()
        .map_err(|_| ApiError::bad_request("invalidQuery", format!("{name}={s:?} is not a number")))
}

/// `GET /v1/{accountId}/reports-tables/{orgId}/report-docflows?formId&deadline&periodYear&periodNumber`
/// → `{docflows: [{docflow-id, organization-short-name, form, recipient, send-date,
/// correction-number, report-status}]}`: the organization's reports of the form for that period,
/// oldest first. All four are required (ReportsTablesClient.GetReportDocflowsAsync); `deadline`
/// must be a date-time but the period alone names the cell (our reading: the client echoes the
/// deadline it was given, possibly in another time zone). An unknown form is 404, a period
/// number outside the form's periodicity 400.
async fn report_docflows(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, org)): Path<(Uuid, Uuid)>,
    Query(q): Query<DocflowsQuery>,
) -> ApiResult<Json<Value>> {
    let form_id: i64 = number("formId", &q.form_id)?;
    parse_time("deadline", required("deadline", &q.deadline)?)?;
    let year: i32 = number("periodYear", &q.period_year)?;
    let n: u32 = number("periodNumber", &q.period_number)?;
    let store = shared.lock();
    let (orgs, _, _, _) = organizations(
        &store,
        account,
        Some(std::slice::from_ref(&org)),
        None,
        None,
    )?;
    let organization = orgs
        .first()
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let forms = forms_list();
    let form = forms
        .iter()
        .find(|f| f.id() == form_id)
        .ok_or_else(|| ApiError::not_found("form"))?;
    let per_year = form.schedule.periodicity.per_year();
    if !(1..=per_year).contains(&n) || !(1900..=9999).contains(&year) {
        return Err(ApiError::bad_request(
            "invalidQuery",
            format!("periodNumber must be 1…{per_year} and periodYear a year"),
        ));
    }
    let end = form
        .schedule
        .periodicity
        .period_end(year, n)
        .ok_or_else(|| ApiError::bad_request("invalidQuery", "no such period"))?;
    let info = form.info();
    let docflows: Vec<Value> = reports(&store, org, form, end)
        .into_iter()
        .map(|d| {
            json!({
                "docflow-id": d.id,
                "organization-short-name": organization.name,
                "form": info,
                "recipient": (!d.cu.is_empty()).then_some(d.cu.as_str()),
                "send-date": crate::state::clock::wire_time(d.created),
                "correction-number": d.description.get("correction-number").and_then(|n| n.as_i64()),
                "report-status": docflow_status(d),
            })
        })
        .collect();
    Ok(Json(json!({ "docflows": docflows })))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct SearchPayments {
    organization_ids: Option<Vec<Uuid>>,
    skip: Option<i64>,
    take: Option<i64>,
    deadline_from: Option<String>,
    deadline_to: Option<String>,
}

/// The due dates of a payment in `[from, to]`, rendered as `PaymentPeriod`s.
fn payment_periods(p: &Payment, from: NaiveDate, to: NaiveDate) -> Vec<Value> {
    let per_year = p.periodicity.per_year();
    let mut out = Vec::new();
    for year in from.year() - 2..=to.year() {
        for n in 1..=per_year {
            let Some(end) = p.periodicity.period_end(year, n) else {
                continue;
            };
            for part in 1..=p.parts {
                let due = match p.annual {
                    Some((month, day)) if n == per_year => {
                        NaiveDate::from_ymd_opt(year + 1, month, day)
                    }
                    _ => end
                        .checked_add_months(Months::new(part))
                        .and_then(|d| NaiveDate::from_ymd_opt(d.year(), d.month(), PAYMENT_DAY)),
                };
                let Some(due) = due.filter(|d| *d >= from && *d <= to) else {
                    continue;
                };
                let mut payment = json!({
                    "deadline": midnight(due),
                    "period-year": year,
                    "period-type": p.periodicity.wire(),
                    "period-number": n,
                });
                // Only a tax paid in parts numbers them; absent otherwise, not null.
                if p.parts > 1 {
                    payment["payment-number-in-period"] = json!(part);
                }
                out.push(payment);
            }
        }
    }
    out
}

/// `POST /v1/{accountId}/reports-tables/search-payments` `{organization-ids, skip, take,
/// deadline-from, deadline-to}` → `{skip, take, total-count, organization-payments:
/// [{organization-id, payments: [{full-name, short-name, payment-form-id, periodicity,
/// payment-periods: [{deadline, period-year, period-type, period-number,
/// payment-number-in-period}]}]}]}`: the taxes the organization's forms declare, due in the
/// window; `total-count` counts the organizations asked for.
async fn search_payments(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account): Path<Uuid>,
    JsonBody(req): JsonBody<SearchPayments>,
) -> ApiResult<Json<Value>> {
    let (from, to) = window(
        shared.clock.now(),
        ("deadline-from", req.deadline_from.as_deref()),
        ("deadline-to", req.deadline_to.as_deref()),
    )?;
    let store = shared.lock();
    let (orgs, total, skip, take) = organizations(
        &store,
        account,
        req.organization_ids.as_deref(),
        req.skip,
        req.take,
    )?;
    let forms = forms_list();
    let payments: Vec<Value> = PAYMENTS
        .iter()
        .filter_map(|p| {
            let form = forms.iter().find(|f| f.knd == p.knd)?;
            let periods = payment_periods(p, from, to);
            (!periods.is_empty()).then(|| {
                json!({
                    "full-name": p.full_name,
                    "short-name": p.short_name,
                    "payment-form-id": form.id(),
                    "periodicity": p.periodicity.wire(),
                    "payment-periods": periods,
                })
            })
        })
        .collect();
    let organization_payments: Vec<Value> = orgs
        .iter()
        .map(|o| json!({ "organization-id": o.id, "payments": payments }))
        .collect();
    Ok(Json(json!({
        "skip": skip,
        "take": take,
        "total-count": total,
        "organization-payments": organization_payments,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn deadlines_follow_the_schedules() {
        let forms = forms_list();
        let by = |knd: &str| forms.iter().find(|f| f.knd == knd).unwrap();
        assert_eq!(forms.len(), 5, "the demand's KND is not a form");
        assert_eq!(by("1151001").deadline(2024, 1), Some(d(2024, 4, 25)));
        assert_eq!(by("1151001").deadline(2024, 4), Some(d(2025, 1, 25)));
        assert_eq!(by("1151006").deadline(2024, 4), Some(d(2025, 3, 25)));
        assert_eq!(by("1151100").deadline(2024, 4), Some(d(2025, 2, 25)));
        assert_eq!(by("0710099").deadline(2024, 1), Some(d(2025, 3, 31)));
        assert_eq!(by("0710099").id(), 710099);
    }

    #[test]
    fn vat_is_paid_in_three_parts() {
        let periods = payment_periods(&PAYMENTS[0], d(2024, 4, 1), d(2024, 6, 30));
        let due: Vec<&str> = periods
            .iter()
            .map(|p| p["deadline"].as_str().unwrap())
            .collect();
        assert_eq!(
            due,
            [
                "2024-04-28T00:00:00+00:00",
                "2024-05-28T00:00:00+00:00",
                "2024-06-28T00:00:00+00:00"
            ]
        );
        assert_eq!(periods[2]["payment-number-in-period"], 3);
        assert_eq!(periods[0]["period-number"], 1);
    }
}
