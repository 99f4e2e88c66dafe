//! Where the `Authorization` header of every call comes from.
//!
//! The raw client asks a [`CredentialProvider`] before each request; `extern-api-core` plugs in
//! its OIDC token cache, and [`StaticCredentials`] covers a fixed token or the legacy pair.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A string that never shows up in `Debug` or `Display` output, logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call it only where the value goes on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

/// How a request proves who sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Authorization {
    /// `Authorization: Bearer <token>` — an OIDC access token (the current scheme).
    Bearer(Secret),
    /// The legacy pair: `X-Kontur-Apikey: <api-key>` and `Authorization: auth.sid <sid>`.
    ApiKeySid {
        /// The integrator's api-key.
        api_key: Secret,
        /// The session id from the legacy auth service.
        sid: Secret,
    },
}

/// Why credentials could not be produced (e.g. the identity provider refused a login).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialError(pub String);

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no credentials: {}", self.0)
    }
}

impl std::error::Error for CredentialError {}

/// The future a [`CredentialProvider`] returns.
pub type CredentialFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Authorization, CredentialError>> + Send + 'a>>;

/// Supplies the authorization of each request. Implementations cache and refresh tokens.
pub trait CredentialProvider: Send + Sync + fmt::Debug {
    /// The authorization to put on the next request.
    fn authorization(&self) -> CredentialFuture<'_>;
}

/// A fixed authorization: a bearer token obtained elsewhere, or the legacy api-key + sid pair.
#[derive(Clone, Debug)]
pub struct StaticCredentials(pub Authorization);

impl CredentialProvider for StaticCredentials {
    fn authorization(&self) -> CredentialFuture<'_> {
        let auth = self.0.clone();
        Box::pin(async move { Ok(auth) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug() {
        let auth = Authorization::ApiKeySid {
            api_key: Secret::new("key-123"),
            sid: Secret::new("sid-456"),
        };
        let shown = format!("{auth:?} {:?}", StaticCredentials(auth.clone()));
        assert!(
            !shown.contains("key-123") && !shown.contains("sid-456"),
            "{shown}"
        );
        assert!(shown.contains("***"));
    }
}
