//! Test tools, modelled on the vendor's Extern Test Tools: issue a test certificate that the
//! sandbox trusts as an organization's signer, and move the sandbox clock forward.
//! Authorized by the integrator's api-key (`X-Kontur-Apikey`) or a Bearer token.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::model::SignerCertificate;
use crate::pki::{KeyAlgorithm, Subject};
use crate::robots;
use crate::shared::Shared;

fn authorize(shared: &Shared, headers: &HeaderMap) -> ApiResult<()> {
    if headers.get("x-kontur-apikey").and_then(|v| v.to_str().ok())
        == Some(shared.config.api_key.as_str())
    {
        return Ok(());
    }
    auth::authenticate(shared, headers).map(|_| ())
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CertificateRequest {
    inn: String,
    kpp: Option<String>,
    fio: Option<String>,
    organization_name: Option<String>,
    #[serde(default)]
    algorithm: KeyAlgorithm,
}

/// `POST /test-tools/v1/generate-certificate` `{inn, kpp, fio, algorithm: ecdsa|rsa}` →
/// `{certificate: base64 DER, private-key: PKCS#8 PEM}`.
pub async fn generate_certificate(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CertificateRequest>,
) -> ApiResult<Json<Value>> {
    authorize(&shared, &headers)?;
    let digits =
        |s: &str, n: &[usize]| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(&req.inn, &[10, 12]) {
        return Err(ApiError::bad_request(
            "invalidInn",
            format!("inn {:?} must be 10 or 12 digits", req.inn),
        ));
    }
    let organization = req.organization_name.clone().or_else(|| {
        let store = shared.lock();
        store
            .organizations
            .iter()
            .find(|o| o.inn == req.inn)
            .map(|o| o.name.clone())
    });
    let subject = Subject {
        inn: req.inn.clone(),
        kpp: req.kpp.clone(),
        fio: req
            .fio
            .clone()
            .unwrap_or_else(|| "Тестовый Подписант".into()),
        organization,
    };
    let ca = shared.clone();
    let issued = tokio::task::spawn_blocking(move || ca.ca.issue(&subject, req.algorithm))
        .await
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )
        })?;
    let info = shared
        .ca
        .check_certificate(&issued.certificate_der, shared.clock.now())
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )
        })?;
    shared.lock().signers.push(SignerCertificate {
        der: issued.certificate_der.clone(),
        info: info.clone(),
        kpp: req.kpp,
    });
    Ok(Json(json!({
        "certificate": base64::engine::general_purpose::STANDARD.encode(&issued.certificate_der),
        "private-key": issued.private_key_pem,
        "thumbprint": info.thumbprint,
    })))
}

#[derive(Deserialize)]
pub struct AdvanceRequest {
    seconds: f64,
}

/// `POST /test-tools/v1/advance-clock` `{seconds}`: moves the sandbox clock forward and runs every
/// robot step that falls due; answers the new time.
pub async fn advance_clock(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AdvanceRequest>,
) -> ApiResult<Json<Value>> {
    authorize(&shared, &headers)?;
    if !req.seconds.is_finite() || req.seconds < 0.0 || req.seconds > 10.0 * 365.0 * 86_400.0 {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "seconds must be between 0 and ten years",
        ));
    }
    let now = shared.clock.advance(chrono::Duration::milliseconds(
        (req.seconds * 1000.0) as i64,
    ));
    let mut store = shared.lock();
    robots::run_due(&shared, &mut store, now);
    Ok(Json(json!({ "now": now.to_rfc3339() })))
}

/// `GET /test-tools/v1/ca-certificate`: the sandbox CA, for clients that verify signatures.
pub async fn ca_certificate(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(
        json!({ "certificate": base64::engine::general_purpose::STANDARD.encode(&shared.ca.certificate_der) }),
    )
}
