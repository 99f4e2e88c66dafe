//! Built without the feature `gost`, the sandbox refuses GOST test certificates with an answer
//! that says how to get them.

#![cfg(not(feature = "gost"))]

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn a_gost_certificate_needs_the_gost_feature() {
    let api = Api::start().await;
    for algorithm in ["gost2012-256", "gost2012-512"] {
        let a = api
            .post(
                "/test-tools/v1/generate-certificate",
                json!({ "inn": INN, "kpp": KPP, "algorithm": algorithm }),
            )
            .await;
        assert_eq!(a.status, 400, "{}", a.body);
        assert_eq!(a.body["id"], "urn:error:externapi:unsupportedAlgorithm");
        let message = a.body["message"].as_str().unwrap();
        assert!(message.contains("`gost`"), "{message}");
        assert!(message.contains("libengine-gost-openssl"), "{message}");
    }
    // The CA route lists no GOST CA.
    let ca = api.get("/test-tools/v1/ca-certificate").await;
    assert!(ca.body["gost-certificate"].is_null(), "{}", ca.body);
}
