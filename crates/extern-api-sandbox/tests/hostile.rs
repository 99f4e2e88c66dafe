//! Requests that used to crash the sandbox (issue: "a sandbox that cannot be crashed over HTTP")
//! get an answer, and the sandbox keeps serving afterwards.

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn absurd_headers_and_ranges_are_answered_not_fatal() {
    let api = Api::start().await;
    // Request-Timeout of 1e20 seconds: does not fit a Duration.
    let r = api
        .http
        .get(api.url("/v1"))
        .bearer_auth(&api.token)
        .header("Request-Timeout", "1e20")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A part whose last byte is u64::MAX: its length overflows.
    let r = api
        .http
        .post(api.url(&api.acc("/contents")))
        .bearer_auth(&api.token)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Range", "bytes 0-18446744073709551615/*")
        .body(b"x".to_vec())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(api.get("/v1").await.status, 200, "still serving");
}

#[tokio::test]
async fn certificate_names_with_leading_hash_or_spaces_are_issued() {
    let api = Api::start().await;
    for fio in ["#Иванов", " Иванов ", "Иванов, \"Иван\"+<>;="] {
        let r = api
            .http
            .post(api.url("/test-tools/v1/generate-certificate"))
            .header("X-Kontur-Apikey", &api.sandbox().config().api_key)
            .json(&json!({ "inn": "6676130154", "kpp": "667601001", "fio": fio, "algorithm": "ecdsa" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{fio:?}");
    }
}

#[tokio::test]
async fn the_clock_saturates_and_logins_still_work() {
    let api = Api::start().await;
    let ten_years = 10.0 * 365.0 * 86_400.0;
    for _ in 0..120 {
        let r = api
            .http
            .post(api.url("/test-tools/v1/advance-clock"))
            .header("X-Kontur-Apikey", &api.sandbox().config().api_key)
            .json(&json!({ "seconds": ten_years }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    // Twelve centuries asked, a thousand years given; the token endpoint still answers.
    let token = login(&api.http, api.sandbox(), "user@sandbox.local").await;
    assert!(!token.is_empty());
}
