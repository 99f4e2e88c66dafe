//! Who is calling: the identity provider's token endpoint (`/connect/token`) and the layer that
//! admits API requests — a valid Bearer token or the legacy `X-Kontur-Apikey` + `auth.sid` pair,
//! at most `max-in-flight` requests per client at once (429 beyond), within `Request-Timeout`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::error::{ApiError, ApiResult};
use crate::http::faults::{self, Fault};
use crate::identity::oidc::{authenticate_client, oidc_error, random_token};
use crate::state::Shared;
use crate::state::Token;

/// The authenticated user of a request and the integrator (client) it comes through.
#[derive(Clone, Debug)]
pub struct Caller {
    pub login: String,
    pub client_id: String,
}

/// `POST /connect/token` (form): grants `password`, `refresh_token`, `client_credentials` and the
/// logins of crate::identity::logins; the client authenticates
/// with `client_id` + `client_secret` (the api-key) in the form or in HTTP Basic.
pub async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form: HashMap<String, String> = match serde_urlencoded::from_bytes(&body) {
        Ok(f) => f,
        Err(_) => {
            return oidc_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "the body must be application/x-www-form-urlencoded",
            );
        }
    };
    if let Err(refused) = authenticate_client(&shared, &form, &headers) {
        return *refused;
    }
    let config = &shared.config;
    let now = shared.clock.now();
    let mut store = shared.lock();
    let login = match form.get("grant_type").map(String::as_str) {
        Some("password") => {
            let (Some(user), Some(password)) = (form.get("username"), form.get("password")) else {
                return oidc_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "username and password are required",
                );
            };
            if store.passwords.get(user) != Some(password) {
                return oidc_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "wrong username or password",
                );
            }
            user.clone()
        }
        Some("refresh_token") => {
            let Some(refresh) = form.get("refresh_token") else {
                return oidc_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is required",
                );
            };
            match store.refresh_tokens.remove(refresh) {
                Some(t) if t.expires > now => t.login,
                _ => {
                    return oidc_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "the refresh token is unknown, used or expired",
                    );
                }
            }
        }
        // The integrator's own service account: the sandbox's configured user (who a
        // client_credentials token acts for on the real service is not documented).
        Some("client_credentials") => config.login.clone(),
        Some("certificate") => {
            match crate::identity::logins::certificate_grant(&mut store, &form, now) {
                Ok(login) => login,
                Err(refused) => return *refused,
            }
        }
        Some("trusted") => {
            match crate::identity::logins::trusted_grant(&shared, &mut store, &form, now) {
                Ok(login) => login,
                Err(refused) => return *refused,
            }
        }
        Some(crate::identity::logins::DEVICE_GRANT) => {
            match crate::identity::logins::device_grant(&mut store, &form, now) {
                Ok(login) => login,
                Err(refused) => return *refused,
            }
        }
        Some(other) => {
            return oidc_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("grant_type {other:?} is not supported"),
            );
        }
        None => {
            return oidc_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            );
        }
    };
    let device =
        form.get("grant_type").map(String::as_str) == Some(crate::identity::logins::DEVICE_GRANT);
    // A device-flow token lives an hour (docs/auth_oidc/device_flow.rst: `"expires": 3600`),
    // unless the sandbox is configured shorter.
    let ttl = if device {
        config.token_ttl_secs.min(3600)
    } else {
        config.token_ttl_secs
    };
    let access = random_token();
    let refresh = random_token();
    let token = |secs: i64| Token {
        login: login.clone(),
        client_id: config.client_id.clone(),
        expires: now + chrono::Duration::seconds(secs),
    };
    store
        .access_tokens
        .insert(access.clone(), token(ttl as i64));
    store
        .refresh_tokens
        .insert(refresh.clone(), token(30 * 86_400));
    // The device flow answers `expires` where the other grants say `expires_in` (sic, per the
    // vendor's documentation).
    let lifetime_key = if device { "expires" } else { "expires_in" };
    Json(json!({
        "access_token": access,
        lifetime_key: ttl,
        "token_type": "Bearer",
        "refresh_token": refresh,
        "scope": form.get("scope").cloned().unwrap_or_else(|| "extern.api".into()),
    }))
    .into_response()
}

/// Identifies the caller from the request headers.
pub fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (scheme, value) = auth.split_once(' ').unwrap_or((auth, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        let store = shared.lock();
        let token = store
            .access_tokens
            .get(value.trim())
            .ok_or_else(|| ApiError::unauthorized("the access token is not valid"))?;
        if token.expires <= shared.clock.now() {
            return Err(ApiError::unauthorized("the access token has expired"));
        }
        return Ok(Caller {
            login: token.login.clone(),
            client_id: token.client_id.clone(),
        });
    }
    if scheme.eq_ignore_ascii_case("auth.sid") {
        let api_key = headers.get("x-kontur-apikey").and_then(|v| v.to_str().ok());
        if api_key != Some(shared.config.api_key.as_str()) {
            return Err(ApiError::unauthorized(
                "X-Kontur-Apikey is missing or wrong",
            ));
        }
        if value.trim() != shared.config.legacy_sid {
            return Err(ApiError::unauthorized("the auth.sid session is not valid"));
        }
        return Ok(Caller {
            login: shared.config.login.clone(),
            client_id: shared.config.client_id.clone(),
        });
    }
    Err(ApiError::unauthorized(
        "an Authorization header with a Bearer token is required",
    ))
}

/// Releases a client's in-flight slot when the request ends, however it ends.
struct InFlight {
    shared: Arc<Shared>,
    client: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut map = self
            .shared
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.client) {
            *n = n.saturating_sub(1);
        }
    }
}

/// The layer in front of every `/v1` route.
/// An empty GUID as an id is a bad request (the C# SDK's End2End tests: Guid.Empty as the account,
/// draft or content id answers BadRequest), except a docflow id, which is simply not found.
fn empty_guid(path: &str) -> Option<ApiError> {
    let segments: Vec<&str> = path.split('/').collect();
    segments.iter().enumerate().find_map(|(i, s)| {
        let nil = s.parse::<uuid::Uuid>().is_ok_and(|u| u.is_nil());
        (nil && (i == 0 || segments[i - 1] != "docflows"))
            .then(|| ApiError::bad_request("invalidRequest", format!("{s} is an empty identifier")))
    })
}

pub async fn admit(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    let caller = match authenticate(&shared, request.headers()) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let Some(refused) = empty_guid(request.uri().path()) {
        return refused.into_response();
    }
    let _slot = {
        let mut map = shared.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(caller.client_id.clone()).or_insert(0);
        if *n >= shared.config.max_in_flight {
            return ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "tooManyRequests",
                format!(
                    "more than {} requests in flight for this client",
                    shared.config.max_in_flight
                ),
            )
            .into_response();
        }
        *n += 1;
        InFlight {
            shared: shared.clone(),
            client: caller.client_id.clone(),
        }
    };
    let timeout = request
        .headers()
        .get("request-timeout")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        // A day at most: `1e20` seconds does not fit a Duration (it panicked the handler).
        .map(|s| Duration::from_secs_f64(s.min(86_400.0)));
    request.extensions_mut().insert(caller);
    let latency = Duration::from_millis(shared.config.latency_ms);
    let decision = shared.faults.decide(request.method(), request.uri().path());
    let work = async move {
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if let Some(delay) = decision.delay {
            tokio::time::sleep(delay).await;
        }
        match decision.fault {
            // A truncated answer is the real one cut short: the handler runs.
            Some(fault @ Fault::Truncate) => {
                let real = next.run(request).await;
                faults::respond(fault, Some(real)).await
            }
            Some(fault) if decision.after_effect => {
                drop(next.run(request).await);
                faults::respond(fault, None).await
            }
            Some(fault) => faults::respond(fault, None).await,
            None => next.run(request).await,
        }
    };
    match timeout {
        Some(limit) => match tokio::time::timeout(limit, work).await {
            Ok(response) => response,
            Err(_) => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "requestTimeout",
                format!(
                    "the request did not complete within its Request-Timeout of {:.3} s",
                    limit.as_secs_f64()
                ),
            )
            .into_response(),
        },
        None => work.await,
    }
}

pub(crate) fn authorize(shared: &Shared, headers: &HeaderMap) -> ApiResult<()> {
    if headers.get("x-kontur-apikey").and_then(|v| v.to_str().ok())
        == Some(shared.config.api_key.as_str())
    {
        return Ok(());
    }
    authenticate(shared, headers).map(|_| ())
}
