//! The identity provider's plumbing, shared by its grants: OIDC error answers, form bodies,
//! client authentication and random tokens.

use std::collections::HashMap;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use crate::state::Shared;

pub(crate) fn oidc_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

pub(crate) fn random_token() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The integrator's `client_id` + `client_secret` (the api-key), in the form or in HTTP Basic.
pub(crate) fn authenticate_client(
    shared: &Shared,
    form: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<(), Box<Response>> {
    let (mut client_id, mut secret) = (
        form.get("client_id").cloned(),
        form.get("client_secret").cloned(),
    );
    let basic = basic_credentials(headers);
    if let Some((id, s)) = basic.clone() {
        client_id.get_or_insert(id);
        secret.get_or_insert(s);
    }
    if client_id.as_deref() != Some(shared.config.client_id.as_str())
        || secret.as_deref() != Some(shared.config.api_key.as_str())
    {
        // 400 for credentials in the form (docs/auth_oidc/client_credentials_flow.rst: a missing
        // client_secret answers 400 `invalid_client`), 401 for HTTP Basic (RFC 6749, 5.2).
        let status = if basic.is_some() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        return Err(Box::new(oidc_error(
            status,
            "invalid_client",
            "unknown client_id or wrong client_secret",
        )));
    }
    Ok(())
}

/// Reads a form body.
pub(crate) fn parse_form(body: &[u8]) -> Result<HashMap<String, String>, Box<Response>> {
    serde_urlencoded::from_bytes(body).map_err(|_| {
        Box::new(oidc_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        ))
    })
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let (id, secret) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}
