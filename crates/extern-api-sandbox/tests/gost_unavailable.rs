//! Built without the feature `gost`, the sandbox refuses GOST test certificates with an answer
//! that says how to get them, and GOST mode does not start.

#![cfg(not(feature = "gost"))]

mod support;

use extern_api_sandbox::{Sandbox, SandboxConfig};
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

#[tokio::test]
async fn gost_mode_without_the_feature_does_not_start() {
    let config = SandboxConfig {
        gost: true,
        ..SandboxConfig::for_tests()
    };
    let Err(e) = Sandbox::start(config).await else {
        panic!("a sandbox in GOST mode started without GOST");
    };
    assert_eq!(e.kind(), std::io::ErrorKind::Unsupported);
    let message = e.to_string();
    assert!(message.contains("`gost`"), "{message}");
    assert!(message.contains("libengine-gost-openssl"), "{message}");
    // The default stays as it was: ECDSA signatures, no GOST needed.
    assert!(!SandboxConfig::default().gost);
    assert!(Sandbox::start(SandboxConfig::for_tests()).await.is_ok());
}

#[test]
fn the_gost_flag_without_the_feature_fails_at_start() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_extern-api-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--gost"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot start"), "{stderr}");
    assert!(stderr.contains("`gost`"), "{stderr}");
    assert!(stderr.contains("libengine-gost-openssl"), "{stderr}");
    // And from the configuration file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sandbox.toml");
    std::fs::write(&file, "gost = true\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_extern-api-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("libengine-gost-openssl"), "{stderr}");
}
