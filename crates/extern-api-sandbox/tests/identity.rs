//! Identity and access: tokens, refresh, expiry, the legacy header pair, 401/403/404.

mod support;

use std::time::Duration;

use extern_api_sandbox::{OTHER_LOGIN, Sandbox, SandboxConfig};
use reqwest::StatusCode;
use serde_json::Value;
use support::*;

async fn token_request(sandbox: &Sandbox, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(sandbox.token_url())
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn password_and_refresh_grants() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let base = [
        ("client_id", "sandbox"),
        ("client_secret", "sandbox-api-key"),
    ];
    let (status, body) = token_request(
        &sandbox,
        &[
            base[0],
            base[1],
            ("grant_type", "password"),
            ("username", "user@sandbox.local"),
            ("password", "sandbox"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86_400);
    let refresh = body["refresh_token"].as_str().unwrap().to_string();
    let (status, again) = token_request(
        &sandbox,
        &[
            base[0],
            base[1],
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_ne!(again["access_token"], body["access_token"]);
    // A refresh token is single use.
    let (status, used) = token_request(
        &sandbox,
        &[
            base[0],
            base[1],
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(
        (status, used["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn bad_logins_are_refused_the_oidc_way() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let (status, body) = token_request(
        &sandbox,
        &[
            ("client_id", "sandbox"),
            ("client_secret", "wrong"),
            ("grant_type", "password"),
            ("username", "user@sandbox.local"),
            ("password", "sandbox"),
        ],
    )
    .await;
    // 400 for form credentials, as docs/auth_oidc/client_credentials_flow.rst shows.
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_client"))
    );
    let (status, body) = token_request(
        &sandbox,
        &[
            ("client_id", "sandbox"),
            ("client_secret", "sandbox-api-key"),
            ("grant_type", "password"),
            ("username", "user@sandbox.local"),
            ("password", "nope"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, body) = token_request(
        &sandbox,
        &[
            ("client_id", "sandbox"),
            ("client_secret", "sandbox-api-key"),
            ("grant_type", "magic"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unsupported_grant_type"))
    );
    // HTTP Basic client authentication works too.
    let r = reqwest::Client::new()
        .post(sandbox.token_url())
        .basic_auth("sandbox", Some("sandbox-api-key"))
        .form(&[
            ("grant_type", "password"),
            ("username", "user@sandbox.local"),
            ("password", "sandbox"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn tokens_expire_on_the_sandbox_clock() {
    let config = SandboxConfig {
        token_ttl_secs: 60,
        ..SandboxConfig::for_tests()
    };
    let api = Api::start_with(config).await;
    assert_eq!(api.get("/v1").await.status, 200);
    api.sandbox().advance_clock(Duration::from_secs(61));
    let a = api.get("/v1").await;
    assert_eq!(a.status, 401);
    assert_eq!(a.body["id"], "urn:error:externapi:unauthorized");
    assert!(a.body["message"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn every_api_route_needs_a_token() {
    let api = Api::start().await;
    let http = reqwest::Client::new();
    for path in [
        "/v1".to_string(),
        api.acc(""),
        api.acc("/docflows"),
        api.acc("/drafts"),
        "/v1/events".into(),
    ] {
        let r = http.get(api.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
        let r = http
            .get(api.url(&path))
            .bearer_auth("forged")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
}

#[tokio::test]
async fn legacy_api_key_and_auth_sid() {
    let api = Api::start().await;
    let http = reqwest::Client::new();
    let ok = http
        .get(api.url("/v1"))
        .header("X-Kontur-Apikey", "sandbox-api-key")
        .header("Authorization", "auth.sid sandbox-auth-sid")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["accounts"][0]["id"], api.account.as_str());
    let no_key = http
        .get(api.url("/v1"))
        .header("Authorization", "auth.sid sandbox-auth-sid")
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
    let bad_sid = http
        .get(api.url("/v1"))
        .header("X-Kontur-Apikey", "sandbox-api-key")
        .header("Authorization", "auth.sid other")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_sid.status(), 401);
}

#[tokio::test]
async fn other_and_unknown_accounts_are_forbidden_and_empty_ids_bad() {
    let api = Api::start().await;
    let other_token = login(&api.http, api.sandbox(), OTHER_LOGIN).await;
    let r = api
        .http
        .get(api.url("/v1"))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    let other: Value = r.json().await.unwrap();
    let other_account = other["accounts"][0]["id"].as_str().unwrap().to_string();
    assert_ne!(other_account, api.account);
    let a = api.get(&format!("/v1/{other_account}/docflows")).await;
    assert_eq!(a.status, 403);
    assert_eq!(a.body["id"], "urn:error:externapi:forbidden");
    // The C# SDK's End2End tests: an unknown account is forbidden like another's (only the
    // account itself is not found), an empty GUID is a bad request, an empty docflow id not found.
    let unknown = uuid::Uuid::new_v4();
    assert_eq!(api.get(&format!("/v1/{unknown}/drafts")).await.status, 403);
    assert_eq!(api.get(&format!("/v1/{unknown}")).await.status, 404);
    let nil = uuid::Uuid::nil();
    assert_eq!(api.get(&format!("/v1/{nil}/drafts")).await.status, 400);
    assert_eq!(
        api.get(&api.acc(&format!("/drafts/{nil}"))).await.status,
        400
    );
    assert_eq!(
        api.get(&api.acc(&format!("/docflows/{nil}"))).await.status,
        404
    );
}
