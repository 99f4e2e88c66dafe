//! [`OidcTokens`]: the OIDC token cache — each grant the vendor's identity provider takes
//! (password, refresh token, certificate challenge, partner JWT, device flow), tokens renewed
//! before they expire and fetched once however many calls wait for them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use extern_api_raw::credentials::{
    Authorization, CredentialError, CredentialFuture, CredentialProvider, Secret,
};
use serde::Deserialize;

use crate::crypto::Decryptor;

use super::credentials::{Credentials, DeviceCode, ShowDeviceCode};

/// Renew a token this long before it expires — or a tenth of its life, if that is shorter, so
/// that a short-lived token is still used (a fixed minute made every call log in at a TTL ≤ 60 s).
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// The longest lifetime believed: `expires_in` is the server's word, and a huge one must not
/// overflow the clock (`u64::MAX` seconds panicked the client).
const MAX_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);

/// The largest identity-provider answer read: a token answer is a few kilobytes.
const MAX_TOKEN_ANSWER: usize = 256 * 1024;

/// The device flow's grant type.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// How the cache logs in when it has no usable refresh token.
#[derive(Debug)]
enum Login {
    Password {
        login: String,
        password: Secret,
    },
    Certificate(Arc<dyn Decryptor>),
    Trusted {
        key: Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>,
        service_user_id: String,
    },
    Device(ShowDeviceCode),
    /// Only the refresh token given at start.
    None,
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

/// A refusal from the identity provider, or no answer at all.
enum Refusal {
    Oidc { error: String, description: String },
    Other(String),
}

impl Refusal {
    fn into_error(self, what: &str) -> CredentialError {
        match self {
            Self::Oidc { error, description } => CredentialError(format!(
                "the identity provider refused the {what}: {error}{}",
                if description.is_empty() {
                    String::new()
                } else {
                    format!(": {description}")
                }
            )),
            Self::Other(m) => CredentialError(m),
        }
    }
}

struct Cached {
    access: Secret,
    obtained: Instant,
    /// When a new token is fetched: before the expiry by [`EXPIRY_MARGIN`] or a tenth of the life.
    renew_at: Instant,
}

/// An OIDC token cache. Concurrent callers with an expired token wait for one token request.
pub struct OidcTokens {
    http: reqwest::Client,
    identity_url: String,
    client_id: String,
    api_key: Secret,
    login: Login,
    refresh: tokio::sync::Mutex<Option<Secret>>,
    cached: tokio::sync::Mutex<Option<Cached>>,
    requests: AtomicU64,
}

impl std::fmt::Debug for OidcTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcTokens")
            .field("identity_url", &self.identity_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl OidcTokens {
    pub(crate) fn new(
        http: reqwest::Client,
        identity_url: &str,
        credentials: &Credentials,
    ) -> Result<Option<Self>, crate::Error> {
        let (client_id, api_key, login, refresh) = match credentials {
            Credentials::Password {
                client_id,
                api_key,
                login,
                password,
            } => (
                client_id,
                api_key,
                Login::Password {
                    login: login.clone(),
                    password: password.clone(),
                },
                None,
            ),
            Credentials::RefreshToken {
                client_id,
                api_key,
                refresh_token,
            } => (client_id, api_key, Login::None, Some(refresh_token.clone())),
            Credentials::Certificate {
                client_id,
                api_key,
                decryptor,
            } => (
                client_id,
                api_key,
                Login::Certificate(decryptor.clone()),
                None,
            ),
            Credentials::Trusted {
                client_id,
                api_key,
                partner_key_pem,
                service_user_id,
            } => {
                use pkcs8::DecodePrivateKey;
                let key =
                    rsa::RsaPrivateKey::from_pkcs8_pem(partner_key_pem.expose()).map_err(|_| {
                        crate::model::validate::InvalidInput::new(
                            "partner_key_pem",
                            "not a PKCS#8 PEM RSA private key",
                        )
                    })?;
                (
                    client_id,
                    api_key,
                    Login::Trusted {
                        key: Box::new(rsa::pkcs1v15::SigningKey::new(key)),
                        service_user_id: service_user_id.clone(),
                    },
                    None,
                )
            }
            Credentials::Device {
                client_id,
                api_key,
                show,
            } => (client_id, api_key, Login::Device(show.clone()), None),
            Credentials::Bearer(_) | Credentials::ApiKeySid { .. } => return Ok(None),
        };
        Ok(Some(Self {
            http,
            identity_url: identity_url.trim_end_matches('/').to_string(),
            client_id: client_id.clone(),
            api_key: api_key.clone(),
            login,
            refresh: tokio::sync::Mutex::new(refresh),
            cached: tokio::sync::Mutex::new(None),
            requests: AtomicU64::new(0),
        }))
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
            && c.renew_at > Instant::now()
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
                Err(r) if matches!(self.login, Login::None) => {
                    return Err(r.into_error("refresh token"));
                }
                Err(r) => {
                    tracing::debug!(error = %r.into_error("refresh token"), "refresh refused; logging in again")
                }
            }
        }
        match &self.login {
            Login::Password { login, password } => self
                .grant(&[
                    ("grant_type", "password"),
                    ("username", login),
                    ("password", password.expose()),
                ])
                .await
                .map_err(|r| r.into_error("password grant")),
            Login::Certificate(decryptor) => self.certificate(decryptor.as_ref()).await,
            Login::Trusted {
                key,
                service_user_id,
            } => {
                let jwt = partner_jwt(key, &self.client_id, service_user_id)?;
                self.grant(&[("grant_type", "trusted"), ("token", &jwt)])
                    .await
                    .map_err(|r| r.into_error("trusted grant"))
            }
            Login::Device(show) => self.device(show).await,
            Login::None => Err(CredentialError(
                "the refresh token was refused and there is no other way to log in".into(),
            )),
        }
    }

    /// The two-step certificate login.
    async fn certificate(&self, decryptor: &dyn Decryptor) -> Result<Cached, CredentialError> {
        #[derive(Deserialize)]
        struct Challenge {
            encrypted_key: String,
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        let public_key = b64.encode(decryptor.certificate());
        let url = format!("{}/authentication/certificate", self.identity_url);
        let form = [
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.api_key.expose()),
            ("public_key", &public_key),
            ("free", "false"),
        ];
        let challenge: Challenge = self
            .post_form(&url, &form)
            .await
            .map_err(|r| r.into_error("certificate"))?;
        let encrypted = b64
            .decode(challenge.encrypted_key.trim())
            .map_err(|_| CredentialError("the certificate challenge is not base64".into()))?;
        let decrypted = decryptor.decrypt(&encrypted).await.map_err(|e| {
            CredentialError(format!("cannot decrypt the certificate challenge: {e}"))
        })?;
        let thumbprint = thumbprint(decryptor.certificate());
        self.grant(&[
            ("grant_type", "certificate"),
            ("decrypted_key", &b64.encode(decrypted)),
            ("thumbprint", &thumbprint),
        ])
        .await
        .map_err(|r| r.into_error("certificate grant"))
    }

    /// The device flow: get a code, show it, poll until the user answers.
    async fn device(&self, show: &ShowDeviceCode) -> Result<Cached, CredentialError> {
        #[derive(Deserialize)]
        struct Authorization {
            device_code: String,
            user_code: String,
            verification_uri: String,
            #[serde(default)]
            verification_uri_complete: Option<String>,
            #[serde(default)]
            interval: Option<u64>,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let url = format!("{}/connect/deviceauthorization", self.identity_url);
        let form = [
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.api_key.expose()),
            ("scope", "extern.api"),
        ];
        let auth: Authorization = self
            .post_form(&url, &form)
            .await
            .map_err(|r| r.into_error("device authorization"))?;
        let expires_in = Duration::from_secs(auth.expires_in.unwrap_or(300));
        (show.0)(&DeviceCode {
            user_code: auth.user_code.clone(),
            verification_uri: auth.verification_uri.clone(),
            verification_uri_complete: auth.verification_uri_complete.clone(),
            expires_in,
        });
        let mut interval = Duration::from_secs(auth.interval.unwrap_or(3).max(1));
        let deadline = Instant::now() + expires_in;
        loop {
            tokio::time::sleep(interval).await;
            match self
                .grant(&[
                    ("grant_type", DEVICE_GRANT),
                    ("device_code", &auth.device_code),
                ])
                .await
            {
                Ok(c) => return Ok(c),
                Err(Refusal::Oidc { error, .. })
                    if error == "authorization_pending" && Instant::now() < deadline => {}
                Err(Refusal::Oidc { error, .. }) if error == "slow_down" => {
                    interval += Duration::from_secs(5)
                }
                Err(r) => return Err(r.into_error("device login")),
            }
        }
    }

    async fn post_form<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        form: &[(&str, &str)],
    ) -> Result<T, Refusal> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response =
            self.http.post(url).form(form).send().await.map_err(|e| {
                Refusal::Other(format!("identity provider unreachable at {url}: {e}"))
            })?;
        let status = response.status();
        if response
            .content_length()
            .is_some_and(|n| n > MAX_TOKEN_ANSWER as u64)
        {
            return Err(Refusal::Other(format!(
                "the identity provider's answer at {url} is larger than {MAX_TOKEN_ANSWER} bytes"
            )));
        }
        let mut body = Vec::new();
        let mut response = response;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Refusal::Other(format!("reading the identity provider's answer: {e}")))?
        {
            if body.len() + chunk.len() > MAX_TOKEN_ANSWER {
                return Err(Refusal::Other(format!(
                    "the identity provider's answer at {url} is larger than {MAX_TOKEN_ANSWER} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            return Err(match serde_json::from_slice::<OidcError>(&body) {
                Ok(e) => Refusal::Oidc {
                    error: e.error,
                    description: e.error_description.unwrap_or_default(),
                },
                Err(_) => Refusal::Oidc {
                    error: format!("HTTP {status}"),
                    description: String::new(),
                },
            });
        }
        serde_json::from_slice(&body)
            .map_err(|e| Refusal::Other(format!("unreadable answer from {url}: {e}")))
    }

    async fn grant(&self, params: &[(&str, &str)]) -> Result<Cached, Refusal> {
        let grant = params[0].1;
        let mut form: Vec<(&str, &str)> = vec![
            ("client_id", &self.client_id),
            ("client_secret", self.api_key.expose()),
            ("scope", "extern.api"),
        ];
        form.extend_from_slice(params);
        let started = Instant::now();
        let url = format!("{}/connect/token", self.identity_url);
        let token: TokenResponse = self.post_form(&url, &form).await.inspect_err(|r| {
            if let Refusal::Oidc { error, .. } = r
                && error != "authorization_pending"
            {
                tracing::warn!(grant, error, "login refused");
            }
        })?;
        if let Some(r) = token.refresh_token {
            *self.refresh.lock().await = Some(Secret::new(r));
        }
        if token.access_token.trim().is_empty() {
            return Err(Refusal::Other(format!(
                "the identity provider at {url} answered an empty access_token"
            )));
        }
        let lifetime = Duration::from_secs(token.expires_in.or(token.expires).unwrap_or(3600))
            .min(MAX_LIFETIME);
        tracing::debug!(grant, lifetime_secs = lifetime.as_secs(), "logged in");
        Ok(Cached {
            access: Secret::new(token.access_token),
            obtained: started,
            renew_at: started + renew_after(lifetime),
        })
    }
}

/// How long a token of `lifetime` is used before a new one is fetched.
fn renew_after(lifetime: Duration) -> Duration {
    lifetime - EXPIRY_MARGIN.min(lifetime / 10)
}

/// An RS256 JWT for the trusted grant: `iss` = client id, `sub` = the partner's user id, single
/// use (`jti`), five minutes of life.
fn partner_jwt(
    key: &rsa::pkcs1v15::SigningKey<sha2::Sha256>,
    client_id: &str,
    sub: &str,
) -> Result<String, CredentialError> {
    use signature::{SignatureEncoding, Signer};
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let now = chrono::Utc::now().timestamp();
    let header = b64.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = serde_json::json!({ "iss": client_id, "sub": sub, "jti": uuid::Uuid::new_v4().simple().to_string(), "iat": now, "exp": now + 300 });
    let payload = b64.encode(claims.to_string());
    let signed = format!("{header}.{payload}");
    let signature = key
        .try_sign(signed.as_bytes())
        .map_err(|e| CredentialError(format!("cannot sign the partner JWT: {e}")))?;
    Ok(format!("{signed}.{}", b64.encode(signature.to_bytes())))
}

/// SHA-1 of a DER certificate, upper-case hex.
fn thumbprint(der: &[u8]) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

impl CredentialProvider for OidcTokens {
    fn authorization(&self) -> CredentialFuture<'_> {
        Box::pin(async move { self.access_token().await.map(Authorization::Bearer) })
    }
}

#[cfg(test)]
mod renewal_tests {
    use super::*;

    #[test]
    fn renewal_leaves_a_short_token_most_of_its_life() {
        assert_eq!(
            renew_after(Duration::from_secs(86_400)),
            Duration::from_secs(86_340)
        );
        assert_eq!(
            renew_after(Duration::from_secs(30)),
            Duration::from_secs(27)
        );
        assert_eq!(renew_after(Duration::ZERO), Duration::ZERO);
        // A lifetime of u64::MAX seconds is capped before it reaches the clock.
        let huge = Duration::from_secs(u64::MAX).min(MAX_LIFETIME);
        let _ = Instant::now() + renew_after(huge);
    }
}
