//! The other logins against the sandbox's identity provider: certificate (two steps), trusted
//! (a partner's JWT) and the device flow.

use std::sync::Arc;

use base64::Engine;
use extern_api_core::raw::prelude::*;
use extern_api_core::{
    Error, ExternClient, Idempotency, Secret, auth::Credentials, crypto::SoftwareDecryptor,
};
use extern_api_sandbox::{Sandbox, SandboxConfig};
use extern_api_tests::*;

async fn issue(sandbox: &Sandbox, algorithm: &str) -> (Vec<u8>, String) {
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &sandbox.config().api_key)
        .json(&serde_json::json!({ "inn": INN, "kpp": KPP, "algorithm": algorithm }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cert = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap())
        .unwrap();
    (cert, issued["private-key"].as_str().unwrap().to_string())
}

fn client(sandbox: &Sandbox, credentials: Credentials) -> ExternClient {
    ExternClient::builder()
        .base_url(sandbox.url())
        .credentials(credentials)
        .build()
        .unwrap()
}

async fn accounts(client: &ExternClient) -> Result<usize, Error> {
    Ok(client
        .call(Idempotency::Idempotent, move |c| async move {
            c.accounts_get_all().send().await
        })
        .await?
        .into_inner()
        .accounts
        .len())
}

#[tokio::test]
async fn certificate_login_decrypts_the_challenge() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = sandbox.config().clone();
    let (cert, key) = issue(&sandbox, "rsa").await;
    let decryptor = Arc::new(SoftwareDecryptor::from_pem(&key, cert).unwrap());
    let client = client(
        &sandbox,
        Credentials::Certificate {
            client_id: c.client_id.clone(),
            api_key: Secret::new(c.api_key.clone()),
            decryptor,
        },
    );
    assert_eq!(accounts(&client).await.unwrap(), 1);
    assert_eq!(
        client.tokens().unwrap().token_requests(),
        2,
        "the challenge, then the token"
    );

    // Someone else's key cannot open the challenge.
    let (cert, _) = issue(&sandbox, "rsa").await;
    let (_, other_key) = issue(&sandbox, "rsa").await;
    let wrong = Arc::new(SoftwareDecryptor::from_pem(&other_key, cert).unwrap());
    let client = self::client(
        &sandbox,
        Credentials::Certificate {
            client_id: c.client_id.clone(),
            api_key: Secret::new(c.api_key.clone()),
            decryptor: wrong,
        },
    );
    let err = accounts(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth { message: m, .. } if m.contains("cannot decrypt")),
        "{err}"
    );
}

#[tokio::test]
async fn trusted_login_with_a_partner_jwt() {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = sandbox.config().clone();
    let partner = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
    let public = partner
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let registered = reqwest::Client::new()
        .post(format!("{}/test-tools/v1/register-partner", sandbox.url()))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({ "public-key": public, "service-user-id": "partner-user-42" }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 200);
    let pem = partner.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    let trusted = |user: &str, key: &str| Credentials::Trusted {
        client_id: c.client_id.clone(),
        api_key: Secret::new(c.api_key.clone()),
        partner_key_pem: Secret::new(key.to_string()),
        service_user_id: user.into(),
    };
    assert_eq!(
        accounts(&client(&sandbox, trusted("partner-user-42", &pem)))
            .await
            .unwrap(),
        1
    );
    let err = accounts(&client(&sandbox, trusted("nobody", &pem)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth { message: m, .. } if m.contains("invalid_grant")),
        "{err}"
    );
    let stranger = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048)
        .unwrap()
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap()
        .to_string();
    let err = accounts(&client(&sandbox, trusted("partner-user-42", &stranger)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth { message: m, .. } if m.contains("does not verify")),
        "{err}"
    );
    // The PEM never shows in Debug.
    assert!(!format!("{:?}", trusted("x", &pem)).contains("PRIVATE KEY"));
}

async fn device_login(deny: bool) -> Result<usize, Error> {
    let sandbox = Arc::new(Sandbox::start(SandboxConfig::for_tests()).await.unwrap());
    let c = sandbox.config().clone();
    let approver = sandbox.clone();
    let shown = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = shown.clone();
    let credentials = Credentials::device(c.client_id.clone(), c.api_key.as_str(), move |code| {
        seen.lock().unwrap().push(code.clone());
        // The user reads the code and approves it on the verification page.
        let url = format!("{}/test-tools/v1/approve-device", approver.url());
        let api_key = approver.config().api_key.clone();
        let user_code = code.user_code.clone();
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .header("X-Kontur-Apikey", api_key)
                .json(&serde_json::json!({ "user-code": user_code, "deny": deny }))
                .send()
                .await
                .unwrap();
        });
    });
    let result = accounts(&client(&sandbox, credentials)).await;
    let shown = shown.lock().unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].user_code.len(), 8);
    assert!(shown[0].verification_uri.ends_with("/device"));
    result
}

#[tokio::test]
async fn device_flow_approved() {
    assert_eq!(device_login(false).await.unwrap(), 1);
}

#[tokio::test]
async fn device_flow_denied() {
    let err = device_login(true).await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth { message: m, .. } if m.contains("access_denied")),
        "{err}"
    );
}
