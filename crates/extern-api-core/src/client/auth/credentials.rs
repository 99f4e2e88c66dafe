//! [`Credentials`]: how a client logs in, and the device flow's code shown to the user.

use std::sync::Arc;
use std::time::Duration;

use extern_api_raw::credentials::Secret;

use crate::crypto::Decryptor;

/// What the user must do to approve a device-flow login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    /// The code to type in.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// The same page with the code filled in.
    pub verification_uri_complete: Option<String>,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

/// Shows a device code to the user (prints it, opens a browser, sends it to a UI…).
#[derive(Clone)]
pub struct ShowDeviceCode(pub Arc<dyn Fn(&DeviceCode) + Send + Sync>);

impl std::fmt::Debug for ShowDeviceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShowDeviceCode(..)")
    }
}

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
    /// Certificate login: the identity provider encrypts a random key to the certificate, the
    /// decryptor opens it.
    Certificate {
        /// The integrator's client id.
        client_id: String,
        /// The integrator's api-key.
        api_key: Secret,
        /// Holds the certificate and its private key.
        decryptor: Arc<dyn Decryptor>,
    },
    /// Trusted login of a partner company: a JWT signed with the partner's RSA key.
    Trusted {
        /// The integrator's client id (the JWT's `iss`).
        client_id: String,
        /// The integrator's api-key.
        api_key: Secret,
        /// The partner's RSA private key, PKCS#8 PEM.
        partner_key_pem: Secret,
        /// The partner's id of the user (the JWT's `sub`).
        service_user_id: String,
    },
    /// Device flow: the user approves a code shown to them.
    Device {
        /// The integrator's client id.
        client_id: String,
        /// The integrator's api-key.
        api_key: Secret,
        /// Shows the code to the user.
        show: ShowDeviceCode,
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

    /// The device flow; `show` is called with the code the user must approve.
    pub fn device(
        client_id: impl Into<String>,
        api_key: impl Into<Secret>,
        show: impl Fn(&DeviceCode) + Send + Sync + 'static,
    ) -> Self {
        Self::Device {
            client_id: client_id.into(),
            api_key: api_key.into(),
            show: ShowDeviceCode(Arc::new(show)),
        }
    }
}
