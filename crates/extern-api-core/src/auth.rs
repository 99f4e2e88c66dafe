//! Logging in: OIDC tokens from the identity provider (password and refresh-token grants),
//! cached and refreshed before they expire, fetched once however many calls wait for them;
//! or a fixed bearer token, or the legacy api-key + auth.sid pair.
//!
//! Written by hand over reqwest: the vendor's grants are custom and its tokens opaque, so no OIDC
//! crate fits. Secrets are [`Secret`]s: never in `Debug`, errors or logs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use extern_api_raw::credentials::{
    Authorization, CredentialError, CredentialFuture, CredentialProvider, Secret,
};
use serde::Deserialize;

/// Renew a token this long before it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// How a client logs in.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// OIDC password grant: the integrator's client id and api-key, and the user's login.
    Password {
        /// The integrator's client id at the identity provider.
        client_id: String,
        /// The integrator's api-key (sent only to the identity provider, as `client_secret`).
        api_key: Secret,
        /// The user's login.
        login: String,
        /// The user's password.
        password: Secret,
    },
    /// OIDC refresh-token grant, from a refresh token saved earlier.
    RefreshToken {
        /// The integrator's client id at the identity provider.
        client_id: String,
        /// The integrator's api-key.
        api_key: Secret,
        /// A refresh token saved from an earlier login.
        refresh_token: Secret,
    },
    /// A bearer token obtained elsewhere (it is not refreshed).
    Bearer(Secret),
    /// The legacy pair: `X-Kontur-Apikey` and `Authorization: auth.sid …`.
    ApiKeySid {
        /// The integrator's api-key.
        api_key: Secret,
        /// The session id from the legacy auth service.
        sid: Secret,
    },
}

impl Credentials {
    /// The password grant.
    pub fn password(
        client_id: impl Into<String>,
        api_key: impl Into<Secret>,
        login: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Self::Password {
            client_id: client_id.into(),
            api_key: api_key.into(),
            login: login.into(),
            password: password.into(),
        }
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    /// The device flow answers `expires` instead.
    #[serde(default)]
    expires: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct OidcError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

struct Cached {
    access: Secret,
    obtained: Instant,
    expires_at: Instant,
}

/// An OIDC token cache. Concurrent callers with an expired token wait for one token request.
pub struct OidcTokens {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    api_key: Secret,
    login: Option<(String, Secret)>,
    refresh: tokio::sync::Mutex<Option<Secret>>,
    cached: tokio::sync::Mutex<Option<Cached>>,
    requests: AtomicU64,
}

impl std::fmt::Debug for OidcTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcTokens")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl OidcTokens {
    pub(crate) fn new(
        http: reqwest::Client,
        identity_url: &str,
        credentials: &Credentials,
    ) -> Option<Self> {
        let token_url = format!("{}/connect/token", identity_url.trim_end_matches('/'));
        let (client_id, api_key, login, refresh) = match credentials {
            Credentials::Password {
                client_id,
                api_key,
                login,
                password,
            } => (
                client_id,
                api_key,
                Some((login.clone(), password.clone())),
                None,
            ),
            Credentials::RefreshToken {
                client_id,
                api_key,
                refresh_token,
            } => (client_id, api_key, None, Some(refresh_token.clone())),
            _ => return None,
        };
        Some(Self {
            http,
            token_url,
            client_id: client_id.clone(),
            api_key: api_key.clone(),
            login,
            refresh: tokio::sync::Mutex::new(refresh),
            cached: tokio::sync::Mutex::new(None),
            requests: AtomicU64::new(0),
        })
    }

    /// How many token requests were made so far (for diagnostics and tests).
    pub fn token_requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The refresh token to save for a later [`Credentials::RefreshToken`] login.
    pub async fn refresh_token(&self) -> Option<Secret> {
        self.refresh.lock().await.clone()
    }

    /// Forgets the token after the server refused it (401) to a request started at `started`;
    /// a token obtained after that request began is kept, so many refusals cause one login.
    pub async fn invalidate(&self, started: Instant) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|c| c.obtained <= started) {
            *cached = None;
        }
    }

    /// A valid access token, from the cache or the identity provider.
    pub async fn access_token(&self) -> Result<Secret, CredentialError> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref()
            && c.expires_at > Instant::now() + EXPIRY_MARGIN
        {
            return Ok(c.access.clone());
        }
        let fresh = self.fetch().await?;
        let access = fresh.access.clone();
        *cached = Some(fresh);
        Ok(access)
    }

    async fn fetch(&self) -> Result<Cached, CredentialError> {
        let refresh = self.refresh.lock().await.clone();
        if let Some(refresh) = refresh {
            match self
                .grant(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.expose()),
                ])
                .await
            {
                Ok(c) => return Ok(c),
                Err(e) if self.login.is_none() => return Err(e),
                Err(e) => tracing::debug!(error = %e, "refresh refused; logging in again"),
            }
        }
        let Some((login, password)) = &self.login else {
            return Err(CredentialError(
                "no refresh token and no password to log in with".into(),
            ));
        };
        self.grant(&[
            ("grant_type", "password"),
            ("username", login),
            ("password", password.expose()),
        ])
        .await
    }

    async fn grant(&self, params: &[(&str, &str)]) -> Result<Cached, CredentialError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let grant = params[0].1;
        let mut form: Vec<(&str, &str)> = vec![
            ("client_id", &self.client_id),
            ("client_secret", self.api_key.expose()),
            ("scope", "extern.api"),
        ];
        form.extend_from_slice(params);
        let started = Instant::now();
        let response = self
            .http
            .post(&self.token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                CredentialError(format!(
                    "identity provider unreachable at {}: {e}",
                    self.token_url
                ))
            })?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| CredentialError(format!("reading the token answer: {e}")))?;
        if !status.is_success() {
            let reason = serde_json::from_slice::<OidcError>(&body)
                .map(|e| {
                    format!(
                        "{}{}",
                        e.error,
                        e.error_description
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_else(|_| format!("HTTP {status}"));
            tracing::warn!(grant, %status, "login refused");
            return Err(CredentialError(format!(
                "the identity provider refused the {grant} grant: {reason}"
            )));
        }
        let token: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| CredentialError(format!("unreadable token answer: {e}")))?;
        if let Some(r) = token.refresh_token {
            *self.refresh.lock().await = Some(Secret::new(r));
        }
        let lifetime = Duration::from_secs(token.expires_in.or(token.expires).unwrap_or(3600));
        tracing::debug!(grant, lifetime_secs = lifetime.as_secs(), "logged in");
        Ok(Cached {
            access: Secret::new(token.access_token),
            obtained: started,
            expires_at: started + lifetime,
        })
    }
}

impl CredentialProvider for OidcTokens {
    fn authorization(&self) -> CredentialFuture<'_> {
        Box::pin(async move { self.access_token().await.map(Authorization::Bearer) })
    }
}

/// What the client holds: the provider the raw hooks ask, and the token cache when there is one.
#[derive(Clone, Debug)]
pub(crate) struct Auth {
    pub provider: Arc<dyn CredentialProvider>,
    pub tokens: Option<Arc<OidcTokens>>,
}

impl Auth {
    pub fn new(http: reqwest::Client, identity_url: &str, credentials: &Credentials) -> Self {
        match credentials {
            Credentials::Bearer(token) => Self {
                provider: Arc::new(extern_api_raw::credentials::StaticCredentials(
                    Authorization::Bearer(token.clone()),
                )),
                tokens: None,
            },
            Credentials::ApiKeySid { api_key, sid } => Self {
                provider: Arc::new(extern_api_raw::credentials::StaticCredentials(
                    Authorization::ApiKeySid {
                        api_key: api_key.clone(),
                        sid: sid.clone(),
                    },
                )),
                tokens: None,
            },
            other => {
                let tokens =
                    Arc::new(OidcTokens::new(http, identity_url, other).expect("OIDC credentials"));
                Self {
                    provider: tokens.clone(),
                    tokens: Some(tokens),
                }
            }
        }
    }
}
