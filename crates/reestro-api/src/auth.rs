//! How a Reestro client proves who it is. The 2018–19 API opens a session with
//! `POST /realty/v1/auth {login, password, accountId}` and sends `Authorization: auth.sid …`; the
//! newer one takes `Authorization: ReestroAuth apiKey=…&portal.orgid=…` (or `auth.sid=…`).
//! Session lifetime is not documented: a session is opened on first use and opened again once
//! when a call answers 401.

use extern_api_core::Secret;
use serde::Deserialize;
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::error::Error;

/// Credentials. `Debug` never shows the secrets.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ReestroAuth {
    /// A session opened with a login and password, bound to a billing account.
    Session {
        /// The user's login.
        login: String,
        /// The password.
        password: Secret,
        /// The billing account the session works for (403 on others).
        account_id: Uuid,
    },
    /// The newer scheme: an integrator's api key and the portal organization id.
    ApiKey {
        /// The api key (a GUID).
        api_key: Secret,
        /// The organization's portal id.
        org_id: Uuid,
    },
    /// A portal session id obtained elsewhere (the newer scheme's `auth.sid=`).
    PortalSid(Secret),
}

impl ReestroAuth {
    /// A login/password session for `account_id`.
    pub fn session(
        login: impl Into<String>,
        password: impl Into<Secret>,
        account_id: Uuid,
    ) -> Self {
        Self::Session {
            login: login.into(),
            password: password.into(),
            account_id,
        }
    }

    /// `ReestroAuth apiKey=…&portal.orgid=…`.
    pub fn api_key(api_key: impl Into<Secret>, org_id: Uuid) -> Self {
        Self::ApiKey {
            api_key: api_key.into(),
            org_id,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionAnswer {
    session_id: String,
}

/// The credentials and the open session, if any.
#[derive(Debug)]
pub(crate) struct Authenticator {
    auth: ReestroAuth,
    session: Mutex<Option<Secret>>,
}

impl Authenticator {
    pub(crate) fn new(auth: ReestroAuth) -> Self {
        Self {
            auth,
            session: Mutex::new(None),
        }
    }

    /// Whether a 401 can be cured by opening a new session.
    pub(crate) fn renewable(&self) -> bool {
        matches!(self.auth, ReestroAuth::Session { .. })
    }

    /// Forgets the session (after a 401), unless another caller already replaced `stale`.
    pub(crate) async fn invalidate(&self, stale: &str) {
        let mut session = self.session.lock().await;
        if session.as_ref().is_some_and(|s| s.expose() == stale) {
            *session = None;
        }
    }

    /// The `Authorization` header value, opening a session first when needed (one caller
    /// opens it; the others wait for it).
    pub(crate) async fn header(&self, client: &crate::ReestroClient) -> Result<String, Error> {
        match &self.auth {
            ReestroAuth::ApiKey { api_key, org_id } => Ok(format!(
                "ReestroAuth apiKey={}&portal.orgid={org_id}",
                api_key.expose()
            )),
            ReestroAuth::PortalSid(sid) => Ok(format!("ReestroAuth auth.sid={}", sid.expose())),
            ReestroAuth::Session {
                login,
                password,
                account_id,
            } => {
                let mut session = self.session.lock().await;
                if let Some(s) = session.as_ref() {
                    return Ok(format!("auth.sid {}", s.expose()));
                }
                let body = serde_json::json!({
                    "login": login,
                    "password": password.expose(),
                    "accountId": account_id,
                });
                let answer: SessionAnswer = client.open_session(&body).await?;
                tracing::debug!("Reestro session opened");
                let header = format!("auth.sid {}", answer.session_id);
                *session = Some(Secret::new(answer.session_id));
                Ok(header)
            }
        }
    }
}
