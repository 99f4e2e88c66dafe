//! `/v1/handbooks/control-units`: the authorities' offices, including the vendor's test robots.

use axum::Json;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};

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
];

fn render(&(kind, code, name, test): &(&str, &str, &str, bool)) -> Value {
    json!({
        "type": kind,
        "code": code,
        "name": name,
        "region": if test { "00" } else { "66" },
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
    let (skip, take) = (f.skip.unwrap_or(0), f.take.unwrap_or(1000));
    Json(
        json!({ "skip": skip, "take": take, "total-count": units.len(), "control-units": units.into_iter().skip(skip).take(take).collect::<Vec<_>>() }),
    )
}

/// `GET /v1/handbooks/control-units/{code}`
pub async fn get(Path(code): Path<String>) -> ApiResult<Json<Value>> {
    CONTROL_UNITS
        .iter()
        .find(|u| u.1 == code)
        .map(|u| Json(render(u)))
        .ok_or_else(|| ApiError::not_found("control unit"))
}
