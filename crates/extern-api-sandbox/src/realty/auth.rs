//! Reestro's logins: `POST /realty/v1/auth {login, password, accountId}` opens a session used as
//! `Authorization: auth.sid <sessionId>`; the newer scheme `ReestroAuth apiKey=…&portal.orgid=…`
//! (the account's main organization id) or `ReestroAuth auth.sid=…` works too.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::error::{RealtyError, RealtyResult};
use crate::state::Shared;
use crate::state::realty::Session;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthRequest {
    login: Option<String>,
    password: Option<String>,
    account_id: Option<Uuid>,
}

/// `POST /realty/v1/auth`
pub async fn login(
    State(shared): State<Arc<Shared>>,
    body: axum::body::Bytes,
) -> RealtyResult<Json<Value>> {
    let req: AuthRequest = serde_json::from_slice(&body).map_err(|e| {
        RealtyError::validation("api", format!("the body is not an auth request: {e}"))
    })?;
    let (Some(login), Some(password), Some(account_id)) = (req.login, req.password, req.account_id)
    else {
        return Err(RealtyError::validation(
            "api",
            "login, password and accountId are required",
        ));
    };
    let mut store = shared.lock();
    if store.passwords.get(&login) != Some(&password) {
        return Err(RealtyError::validation("api", "wrong login or password"));
    }
    let account = store
        .account(account_id)
        .ok_or_else(|| RealtyError::forbidden("access restricted for this accountId"))?;
    if !account.users.contains(&login) {
        return Err(RealtyError::forbidden(
            "access restricted for this accountId",
        ));
    }
    let user_id = Uuid::new_v5(&Uuid::NAMESPACE_OID, login.as_bytes());
    let session_id = crate::identity::oidc::random_token();
    let ttl = chrono::Duration::seconds(shared.config.token_ttl_secs as i64);
    store.realty.sessions.insert(
        session_id.clone(),
        Session {
            user_id,
            account_id,
            expires: shared.clock.now() + ttl,
        },
    );
    Ok(Json(json!({ "userId": user_id, "sessionId": session_id })))
}

/// Admits `/realty/v1/` requests, putting the caller's [`Session`] into the request.
pub async fn admit(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    match session(&shared, request.headers()) {
        Ok(session) => {
            request.extensions_mut().insert(session);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

fn session(shared: &Shared, headers: &axum::http::HeaderMap) -> RealtyResult<Session> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| RealtyError::unauthorized("no Authorization header"))?;
    let store = shared.lock();
    let now = shared.clock.now();
    let by_sid = |sid: &str| {
        let session = store
            .realty
            .sessions
            .get(sid.trim())
            .cloned()
            .ok_or_else(|| RealtyError::unauthorized("the session is unknown or closed"))?;
        if session.expires <= now {
            return Err(RealtyError::unauthorized("the session expired"));
        }
        Ok(session)
    };
    if let Some(sid) = value.strip_prefix("auth.sid ") {
        return by_sid(sid);
    }
    let Some(params) = value.strip_prefix("ReestroAuth ") else {
        return Err(RealtyError::unauthorized(
            "use `auth.sid <sessionId>` or `ReestroAuth apiKey=…&portal.orgid=…`",
        ));
    };
    let mut api_key = None;
    let mut org_id = None;
    for pair in params.trim().split('&') {
        match pair.split_once('=') {
            Some(("auth.sid", v)) => return by_sid(v),
            Some(("apiKey", v)) => api_key = Some(v),
            Some(("portal.orgid", v)) => org_id = Uuid::parse_str(v).ok(),
            _ => {}
        }
    }
    if api_key != Some(shared.config.api_key.as_str()) {
        return Err(RealtyError::unauthorized("unknown apiKey"));
    }
    let org_id =
        org_id.ok_or_else(|| RealtyError::unauthorized("portal.orgid is missing or not a GUID"))?;
    let org = store
        .organizations
        .iter()
        .find(|o| o.id == org_id)
        .ok_or_else(|| RealtyError::forbidden("the organization is unknown to this apiKey"))?;
    let login = store
        .account(org.account_id)
        .and_then(|a| a.users.first().cloned())
        .unwrap_or_default();
    Ok(Session {
        user_id: Uuid::new_v5(&Uuid::NAMESPACE_OID, login.as_bytes()),
        account_id: org.account_id,
        // An api key does not expire; the session it stands for lasts this request.
        expires: now,
    })
}
