//! Logging in: OIDC tokens from the identity provider — password, refresh token, certificate
//! (two steps: the challenge is decrypted with a [`Decryptor`](crate::crypto::Decryptor)), trusted (a partner's RS256
//! JWT) and the device flow (the user code is shown through a callback) — cached and refreshed
//! before they expire, fetched once however many calls wait for them; or a fixed bearer token,
//! or the legacy api-key + auth.sid pair.
//!
//! Written by hand over reqwest: the vendor's grants are custom and its tokens opaque, so no OIDC
//! crate fits. Secrets are [`Secret`](crate::Secret)s: never in `Debug`, errors or logs.

mod credentials;
mod tokens;

use std::sync::Arc;

use extern_api_raw::credentials::{Authorization, CredentialProvider};

pub use credentials::{Credentials, DeviceCode, ShowDeviceCode};
pub use tokens::OidcTokens;

/// What the client holds: the provider the raw hooks ask, and the token cache when there is one.
#[derive(Clone, Debug)]
pub(crate) struct Auth {
    pub provider: Arc<dyn CredentialProvider>,
    pub tokens: Option<Arc<OidcTokens>>,
}

impl Auth {
    pub fn new(
        http: reqwest::Client,
        identity_url: &str,
        credentials: &Credentials,
    ) -> Result<Self, crate::Error> {
        use extern_api_raw::credentials::StaticCredentials;
        Ok(match credentials {
            Credentials::Bearer(token) => Self {
                provider: Arc::new(StaticCredentials(Authorization::Bearer(token.clone()))),
                tokens: None,
            },
            Credentials::ApiKeySid { api_key, sid } => Self {
                provider: Arc::new(StaticCredentials(Authorization::ApiKeySid {
                    api_key: api_key.clone(),
                    sid: sid.clone(),
                })),
                tokens: None,
            },
            other => {
                let tokens = OidcTokens::new(http, identity_url, other)?.ok_or_else(|| {
                    crate::Error::auth("these credentials log in without the OIDC token cache")
                })?;
                let tokens = Arc::new(tokens);
                Self {
                    provider: tokens.clone(),
                    tokens: Some(tokens),
                }
            }
        })
    }
}
