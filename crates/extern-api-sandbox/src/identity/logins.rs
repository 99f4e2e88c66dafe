//! The identity provider's other logins, as the vendor documents them:
//! - certificate, in two steps: `POST /authentication/certificate` answers a random key
//!   encrypted to the presented certificate (CMS EnvelopedData: RSA key transport and AES-256-CBC,
//!   or, with the feature `gost`, GOST key transport and GOST 28147-89 for a GOST certificate, as
//!   [`crate::pki::sealing`] encrypts documents);
//!   the client decrypts it and exchanges it with the thumbprint at `/connect/token`;
//! - trusted: a partner's RS256 JWT (single use, at most 24 h, `iss` = client id), checked
//!   against a partner key registered through test tools;
//! - device flow: `/connect/deviceauthorization`, then polling `/connect/token` until the user
//!   approves (or denies) the code through test tools.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};

use serde_json::json;

use crate::identity::oidc::{authenticate_client, oidc_error, parse_form, random_token};
use crate::state::Shared;
use crate::state::Store;
use crate::state::{Challenge, DeviceLogin};

/// The device flow's grant type.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const B64URL: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn invalid_grant(message: &str) -> Box<Response> {
    Box::new(oidc_error(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        message,
    ))
}

/// The user who owns a certificate's organization.
pub(crate) fn user_of_inn(store: &Store, inn: &str) -> Option<String> {
    let account = store
        .organizations
        .iter()
        .find(|o| o.inn == inn)
        .map(|o| o.account_id)?;
    store.account(account)?.users.first().cloned()
}

/// `POST /authentication/certificate` (form: `client_id`, `client_secret`, `public_key`, `free`).
pub async fn certificate_challenge(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = match parse_form(&body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    if let Err(r) = authenticate_client(&shared, &form, &headers) {
        return *r;
    }
    let Some(der) = form
        .get("public_key")
        .and_then(|k| B64.decode(k.trim()).ok())
    else {
        return oidc_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "public_key must be the certificate, base64 DER",
        );
    };
    let free = form
        .get("free")
        .is_some_and(|f| f.eq_ignore_ascii_case("true"));
    let now = shared.clock.now();
    let info = match shared.ca.check_certificate(&der, now) {
        Ok(info) => info,
        Err(crate::pki::PkiError::Expired(_)) if free => {
            match crate::pki::describe_certificate(&der) {
                Ok(info) => info,
                Err(e) => {
                    return oidc_error(StatusCode::FORBIDDEN, "CertUnreadable", &e.to_string());
                }
            }
        }
        Err(crate::pki::PkiError::NotACertificate(e)) => {
            return oidc_error(StatusCode::FORBIDDEN, "CertUnreadable", &e);
        }
        Err(e) => return oidc_error(StatusCode::FORBIDDEN, "CertNotValid", &e.to_string()),
    };
    let random: [u8; 32] = {
        use rand_core::RngCore;
        let mut r = [0u8; 32];
        rand_core::OsRng.fill_bytes(&mut r);
        r
    };
    let encrypted = match encrypt_to(&der, &random) {
        Ok(e) => e,
        Err(why) => return oidc_error(StatusCode::BAD_REQUEST, "invalid_request", &why),
    };
    let mut store = shared.lock();
    let known = store
        .signers
        .iter()
        .any(|s| s.info.thumbprint == info.thumbprint);
    let Some(login) = info
        .inn
        .as_deref()
        .filter(|_| known)
        .and_then(|inn| user_of_inn(&store, inn))
    else {
        return oidc_error(
            StatusCode::FORBIDDEN,
            "UnknownCertificate",
            "no user is linked to this certificate",
        );
    };
    store.challenges.insert(
        info.thumbprint.clone(),
        Challenge {
            random: random.to_vec(),
            login,
            expires: now + Duration::minutes(10),
        },
    );
    Json(
        json!({ "encrypted_key": B64.encode(encrypted), "trusted_thumbprints": [info.thumbprint] }),
    )
    .into_response()
}

/// CMS EnvelopedData of `secret` for the certificate's key (RSA; GOST with the feature `gost`).
fn encrypt_to(certificate: &[u8], secret: &[u8]) -> Result<Vec<u8>, String> {
    const ONLY: &str = if cfg!(feature = "gost") {
        "the sandbox encrypts login challenges to RSA and GOST certificates only (issue one with algorithm rsa or gost2012-256)"
    } else {
        "the sandbox encrypts login challenges to RSA certificates only (issue one with algorithm rsa)"
    };
    crate::pki::sealing::envelope(&[certificate.to_vec()], secret)?
        .map(|(sealed, _)| sealed)
        .ok_or_else(|| ONLY.into())
}

/// `grant_type=certificate` with `decrypted_key` (base64) and `thumbprint`.
pub fn certificate_grant(
    store: &mut Store,
    form: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Result<String, Box<Response>> {
    let thumbprint = form
        .get("thumbprint")
        .map(|t| t.trim().to_uppercase())
        .unwrap_or_default();
    let Some(challenge) = store.challenges.remove(&thumbprint) else {
        return Err(invalid_grant(
            "no certificate login is waiting for this thumbprint (or it was used)",
        ));
    };
    if challenge.expires <= now {
        return Err(invalid_grant(
            "the certificate challenge has expired (RndBytesExpired)",
        ));
    }
    let decrypted = form
        .get("decrypted_key")
        .and_then(|k| B64.decode(k.trim()).ok());
    if decrypted.as_deref() != Some(challenge.random.as_slice()) {
        return Err(invalid_grant(
            "decrypted_key does not match the challenge (WrongKey)",
        ));
    }
    Ok(challenge.login)
}

/// `grant_type=trusted` with `token` = a partner's RS256 JWT.
pub fn trusted_grant(
    shared: &Shared,
    store: &mut Store,
    form: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Result<String, Box<Response>> {
    let jwt = form.get("token").map(String::as_str).unwrap_or("");
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(invalid_grant("token is not a JWT"));
    };
    let decode = |p: &str| {
        B64URL
            .decode(p)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    };
    let (Some(header_json), Some(claims)) = (decode(header), decode(payload)) else {
        return Err(invalid_grant(
            "the JWT's header or claims are not base64url JSON",
        ));
    };
    if header_json["alg"] != "RS256" {
        return Err(invalid_grant("the JWT must be signed with RS256"));
    }
    let sub = claims["sub"].as_str().unwrap_or("");
    let Some(partner) = store
        .partners
        .iter()
        .find(|p| p.service_user_id == sub)
        .cloned()
    else {
        return Err(invalid_grant("sub is not a user linked to a partner"));
    };
    let Ok(sig) = B64URL.decode(signature) else {
        return Err(invalid_grant("the JWT signature is not base64url"));
    };
    let signed = format!("{header}.{payload}");
    let digest = <sha2::Sha256 as sha2::Digest>::digest(signed.as_bytes());
    if partner
        .key
        .verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, &sig)
        .is_err()
    {
        return Err(invalid_grant(
            "the JWT signature does not verify with the partner's key",
        ));
    }
    if claims["iss"].as_str() != Some(shared.config.client_id.as_str()) {
        return Err(invalid_grant("iss must be the client id"));
    }
    let exp = claims["exp"].as_i64().unwrap_or(0);
    let left = exp - now.timestamp();
    if left <= 0 {
        return Err(invalid_grant("the JWT has expired"));
    }
    if left > 86_400 {
        return Err(invalid_grant("a JWT may live at most 24 hours"));
    }
    let jti = claims["jti"].as_str().unwrap_or("");
    if jti.is_empty() || jti.len() > 36 {
        return Err(invalid_grant("jti is required, at most 36 bytes"));
    }
    if !store.used_jtis.insert(jti.to_string()) {
        return Err(invalid_grant("this JWT was used already"));
    }
    Ok(partner.login)
}

/// `POST /connect/deviceauthorization` (form: `client_id`, `client_secret`, `scope`).
pub async fn device_authorization(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = match parse_form(&body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    if let Err(r) = authenticate_client(&shared, &form, &headers) {
        return *r;
    }
    let device_code = random_token();
    let user_code: String = device_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect::<String>()
        .to_uppercase();
    let expires_in = 300;
    shared.lock().devices.insert(
        device_code.clone(),
        DeviceLogin {
            user_code: user_code.clone(),
            expires: shared.clock.now() + Duration::seconds(expires_in),
            answer: None,
        },
    );
    let uri = shared.url("/device");
    Json(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": uri,
        "verification_uri_complete": format!("{uri}?user_code={user_code}"),
        "interval": 1,
        "expires_in": expires_in,
    }))
    .into_response()
}

/// `grant_type=urn:ietf:params:oauth:grant-type:device_code` with `device_code`.
pub fn device_grant(
    store: &mut Store,
    form: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Result<String, Box<Response>> {
    let code = form.get("device_code").map(String::as_str).unwrap_or("");
    let Some(login) = store.devices.get(code).cloned() else {
        return Err(invalid_grant("unknown device_code"));
    };
    if login.expires <= now {
        store.devices.remove(code);
        return Err(Box::new(oidc_error(
            StatusCode::BAD_REQUEST,
            "expired_token",
            "the device code has expired",
        )));
    }
    match login.answer {
        None => Err(Box::new(oidc_error(
            StatusCode::BAD_REQUEST,
            "authorization_pending",
            "the user has not confirmed the code yet",
        ))),
        Some(Err(())) => {
            store.devices.remove(code);
            Err(Box::new(oidc_error(
                StatusCode::BAD_REQUEST,
                "access_denied",
                "the user denied the login",
            )))
        }
        Some(Ok(user)) => {
            store.devices.remove(code);
            Ok(user)
        }
    }
}
