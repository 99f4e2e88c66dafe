//! `/v1/handbooks/control-units`: the authorities' offices, including the vendor's test robots.

use axum::Json;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Path, Query};

/// (type, code, name, is-test)
const CONTROL_UNITS: &[(&str, &str, &str, bool)] = &[
    (
        "Fns",
        "0085",
        "Тестовая инспекция 0085: уточнённое извещение (робот)",
        true,
    ),
    (
        "Fns",
        "0087",
        "Тестовая инспекция 0087: принимает всё (робот)",
        true,
    ),
    (
        "Fns",
        "0088",
        "Тестовая инспекция 0088: отказывает во всём (робот)",
        true,
    ),
    ("Fns", "0007", "Тестовая инспекция 0007", true),
    ("Fns", "0089", "Тестовая инспекция 0089", true),
    (
        "Fns",
        "6676",
        "ИФНС России по Верх-Исетскому району г. Екатеринбурга",
        false,
    ),
    (
        "Stat",
        "00-87",
        "Тестовый ТОГС 00-87: принимает (робот)",
        true,
    ),
    (
        "Stat",
        "00-88",
        "Тестовый ТОГС 00-88: отказывает (робот)",
        true,
    ),
    // Units the C# SDK's End2End tests read from the real handbook (HandbooksPathExtensions_Tests).
    ("Sfr", "084-034", "Отделение СФР (084-034)", false),
    ("Mvd", "020-015", "Подразделение МВД (020-015)", false),
];

/// The FNS forms the sandbox knows (`/v1/handbooks/fns-forms`): KND, name, format version.
pub(crate) const FNS_FORMS: &[(&str, &str)] = &[
    ("0710099", "5.07"),
    ("1151001", "5.08"),
    ("1151006", "5.08"),
    ("1151100", "5.04"),
    ("1151111", "5.08"),
    ("1165050", "5.01"),
];

/// Small handbooks by their kebab-case name (the C# SDK prints the enum name, `MvdCitizenship`).
const HANDBOOKS: &[(&str, &[(&str, &str)])] = &[
    (
        "mvd-citizenship",
        &[("643", "Россия"), ("112", "Беларусь"), ("398", "Казахстан")],
    ),
    (
        "mvd-regions-rf",
        &[
            ("66", "Свердловская область"),
            ("77", "Москва"),
            ("02", "Республика Башкортостан"),
        ],
    ),
];

fn render(&(kind, code, name, test): &(&str, &str, &str, bool)) -> Value {
    json!({
        "type": kind,
        "code": code,
        "name": name,
        "region": if test { "00".to_string() } else { code.replace('-', "").chars().take(2).collect() },
        "flags": { "is-active": true, "is-test": test, "business-registration": false },
        "contacts": { "short-name": name, "full-name": name },
        "certificates": [],
    })
}

#[derive(Deserialize)]
pub struct Filter {
    #[serde(rename = "type")]
    kind: Option<String>,
    region: Option<String>,
    skip: Option<usize>,
    take: Option<usize>,
}

/// `GET /v1/handbooks/control-units`
pub async fn list(Query(f): Query<Filter>) -> Json<Value> {
    let units: Vec<Value> = CONTROL_UNITS
        .iter()
        .filter(|u| f.kind.as_ref().is_none_or(|k| k.eq_ignore_ascii_case(u.0)))
        .map(render)
        .filter(|u| f.region.as_ref().is_none_or(|r| u["region"] == *r))
        .collect();
    Json(page(f.skip, f.take, units, "control-units", json!({})))
}

/// One page of a handbook: `take` in the answer is how many it holds (0 past the end, as the
/// C# SDK's End2End tests read the real handbooks).
fn page(
    skip: Option<usize>,
    take: Option<usize>,
    all: Vec<Value>,
    key: &str,
    mut out: Value,
) -> Value {
    let total = all.len();
    let items: Vec<Value> = all
        .into_iter()
        .skip(skip.unwrap_or(0))
        .take(take.unwrap_or(1000))
        .collect();
    out["skip"] = json!(skip.unwrap_or(0));
    out["take"] = json!(items.len());
    out["total-count"] = json!(total);
    out[key] = Value::Array(items);
    out
}

#[derive(Deserialize)]
pub struct FormsFilter {
    knd: Option<String>,
    skip: Option<usize>,
    take: Option<usize>,
}

/// `GET /v1/handbooks/fns-forms?knd&skip&take`
pub async fn fns_forms(Query(f): Query<FormsFilter>) -> Json<Value> {
    let forms = FNS_FORMS
        .iter()
        .filter(|(knd, _)| f.knd.as_ref().is_none_or(|k| k == knd))
        .map(|(knd, version)| {
            json!({ "knd": knd, "name": crate::formats::forms::names(knd).0, "version": version })
        })
        .collect();
    Json(page(f.skip, f.take, forms, "fns-forms", json!({})))
}

#[derive(Deserialize)]
pub struct PageFilter {
    skip: Option<usize>,
    take: Option<usize>,
}

/// `MvdCitizenship` → `mvd-citizenship`; kebab-case names stay as they are.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `GET /v1/handbooks/{handbookType}?skip&take`
pub async fn handbook(
    Path(name): Path<String>,
    Query(f): Query<PageFilter>,
) -> ApiResult<Json<Value>> {
    let name = kebab(&name);
    let (_, entries) = HANDBOOKS
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| ApiError::not_found("handbook"))?;
    let entries = entries
        .iter()
        .map(|(code, title)| json!({ "code": code, "name": title }))
        .collect();
    Ok(Json(page(
        f.skip,
        f.take,
        entries,
        "handbook",
        json!({ "handbook-type": name }),
    )))
}

/// `GET /v1/handbooks/control-units/{code}`
pub async fn get(Path(code): Path<String>) -> ApiResult<Json<Value>> {
    CONTROL_UNITS
        .iter()
        .find(|u| u.1 == code)
        .map(|u| Json(render(u)))
        .ok_or_else(|| ApiError::not_found("control unit"))
}
