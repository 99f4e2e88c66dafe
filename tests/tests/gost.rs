//! GOST R 34.10-2012 end to end (feature `gost`: the system's OpenSSL and its gost engine,
//! Debian's libssl-dev and libengine-gost-openssl, which `.ci/run` installs). Each side is
//! checked by an implementation that is not its own: the SDK's signatures by the sandbox and by
//! the `openssl cms` command, envelopes made by the command opened by the SDK.
#![cfg(feature = "gost")]

use std::path::Path;
use std::process::Command;

use extern_api_core::Error;
use extern_api_core::crypto::{CommandSigner, Decryptor, OpensslDecryptor, OpensslSigner, Signer};
use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_tests::*;

/// An OpenSSL configuration that loads the gost engine, for the `openssl` command.
fn openssl_conf(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("gost.cnf");
    std::fs::write(
        &path,
        "openssl_conf = openssl_def\n[openssl_def]\nengines = engine_section\n\
         [engine_section]\ngost = gost_section\n[gost_section]\nengine_id = gost\n\
         default_algorithms = ALL\n",
    )
    .unwrap();
    path
}

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .env("OPENSSL_CONF", openssl_conf(dir))
        .output()
        .expect("the openssl command")
}

async fn gost_signer(world: &World, algorithm: &str) -> (OpensslSigner, Vec<u8>, String) {
    let (cert, key) = issue_certificate(&world.sandbox, INN, KPP, algorithm).await;
    let signer = OpensslSigner::from_pem(key.as_bytes(), &cert).unwrap();
    (signer, cert, key)
}

#[tokio::test]
async fn a_gost_signed_report_is_filed_and_every_receipt_is_gost_signed() {
    let world = World::start().await;
    let (signer, _, _) = gost_signer(&world, "gost2012-256").await;
    assert!(
        signer.algorithm().contains("2012"),
        "{}",
        signer.algorithm()
    );
    let outcome = world
        .client
        .send_report(&report_request(&world), &signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);
    assert!(!outcome.replies.is_empty(), "receipts were answered");
}

#[tokio::test]
async fn a_512_bit_gost_key_signs_too() {
    let world = World::start().await;
    let (signer, _, _) = gost_signer(&world, "gost2012-512").await;
    let outcome = world
        .client
        .send_report(&report_request(&world), &signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.success, SuccessState::Successful);
}

#[tokio::test]
async fn the_openssl_command_verifies_what_the_sdk_signed() {
    let world = World::start().await;
    let (signer, cert, _) = gost_signer(&world, "gost2012-256").await;
    let dir = tempfile::tempdir().unwrap();
    let content = std::fs::read(REPORT).unwrap();
    let signature = signer.sign(&content).await.unwrap();
    std::fs::write(dir.path().join("report.xml"), &content).unwrap();
    std::fs::write(dir.path().join("report.sig"), &signature).unwrap();
    std::fs::write(dir.path().join("cert.der"), &cert).unwrap();
    let verify = |file: &str| {
        openssl(
            dir.path(),
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "report.sig",
                "-content",
                file,
                "-noverify",
                "-out",
                "/dev/null",
            ],
        )
    };
    let good = verify("report.xml");
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let mut tampered = content.clone();
    tampered[100] ^= 1;
    std::fs::write(dir.path().join("tampered.xml"), &tampered).unwrap();
    assert!(!verify("tampered.xml").status.success());
    // The digest is Streebog: what the real service asks of a GOST signature.
    let print = openssl(
        dir.path(),
        &[
            "cms",
            "-cmsout",
            "-print",
            "-inform",
            "DER",
            "-in",
            "report.sig",
        ],
    );
    let printed = String::from_utf8_lossy(&print.stdout);
    assert!(
        printed.contains("md_gost12_256") || printed.contains("1.2.643.7.1.1.2.2"),
        "{printed}"
    );
}

#[tokio::test]
async fn the_sdk_opens_what_the_openssl_command_encrypted_to_a_gost_certificate() {
    let world = World::start().await;
    let (cert, key) = issue_certificate(&world.sandbox, INN, KPP, "gost2012-256").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cert.der"), &cert).unwrap();
    std::fs::write(
        dir.path().join("demand.xml"),
        b"<?xml version=\"1.0\"?><demand/>",
    )
    .unwrap();
    let converted = openssl(
        dir.path(),
        &[
            "x509", "-inform", "DER", "-in", "cert.der", "-out", "cert.pem",
        ],
    );
    assert!(converted.status.success());
    let encrypted = openssl(
        dir.path(),
        &[
            "cms",
            "-encrypt",
            "-binary",
            "-gost89",
            "-in",
            "demand.xml",
            "-outform",
            "DER",
            "-out",
            "demand.p7m",
            "cert.pem",
        ],
    );
    assert!(
        encrypted.status.success(),
        "{}",
        String::from_utf8_lossy(&encrypted.stderr)
    );
    let decryptor = OpensslDecryptor::from_pem(key.as_bytes(), &cert).unwrap();
    let sealed = std::fs::read(dir.path().join("demand.p7m")).unwrap();
    let plain = decryptor.decrypt(&sealed).await.unwrap();
    assert_eq!(plain, b"<?xml version=\"1.0\"?><demand/>");
    // Another certificate's key does not open it.
    let (other_cert, other_key) = issue_certificate(&world.sandbox, INN, KPP, "gost2012-256").await;
    let other = OpensslDecryptor::from_pem(other_key.as_bytes(), &other_cert).unwrap();
    assert!(matches!(
        other.decrypt(&sealed).await,
        Err(Error::Signing { .. })
    ));
}

#[tokio::test]
async fn a_key_that_is_not_the_certificates_is_refused_before_any_request() {
    let world = World::start().await;
    let (cert, _) = issue_certificate(&world.sandbox, INN, KPP, "gost2012-256").await;
    let (_, other_key) = issue_certificate(&world.sandbox, INN, KPP, "gost2012-256").await;
    let err = OpensslSigner::from_pem(other_key.as_bytes(), &cert).unwrap_err();
    assert!(matches!(err, Error::Signing { .. }), "{err:#}");
    let err = OpensslSigner::from_pem(b"not a key", &cert).unwrap_err();
    assert!(format!("{err:#}").contains("PEM"), "{err:#}");
}

#[tokio::test]
async fn the_openssl_command_preset_files_a_report_with_a_gost_key() {
    let world = World::start().await;
    let (cert, key) = issue_certificate(&world.sandbox, INN, KPP, "gost2012-256").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cert.der"), &cert).unwrap();
    std::fs::write(dir.path().join("key.pem"), &key).unwrap();
    let converted = openssl(
        dir.path(),
        &[
            "x509", "-inform", "DER", "-in", "cert.der", "-out", "cert.pem",
        ],
    );
    assert!(converted.status.success());
    let signer = CommandSigner::openssl_cms(
        &dir.path().join("cert.pem"),
        &dir.path().join("key.pem"),
        cert,
    )
    .env(
        "OPENSSL_CONF",
        openssl_conf(dir.path()).to_string_lossy().into_owned(),
    );
    let outcome = world
        .client
        .send_report(&report_request(&world), &signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.success, SuccessState::Successful);
    assert!(!outcome.replies.is_empty());
}

/// A demand the inspection encrypted to the organization's GOST certificate (the sandbox's
/// envelope, GOST key transport and GOST 28147-89) is decrypted by the SDK, checked and accepted,
/// every reply GOST-signed.
#[tokio::test]
async fn a_demand_encrypted_to_a_gost_certificate_is_answered_with_a_gost_key() {
    use extern_api_core::workflows::DemandDecision;
    let world = World::start().await;
    let (cert, key) = issue_certificate(&world.sandbox, INN, KPP, "gost2012-256").await;
    let signer = OpensslSigner::from_pem(key.as_bytes(), &cert).unwrap();
    let decryptor = OpensslDecryptor::from_pem(key.as_bytes(), &cert).unwrap();
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let outcome = world
        .client
        .answer_demand(
            world.account,
            id,
            &signer,
            &decryptor,
            DemandDecision::FollowCheck,
            "127.0.0.1",
        )
        .await
        .unwrap();
    assert_eq!(outcome.decrypted, 3);
    assert!(outcome.check_codes.is_empty(), "{:?}", outcome.check_codes);
    assert_eq!(outcome.declined_with, None);
    assert_eq!(
        outcome
            .docflow
            .description
            .get("replies-status")
            .and_then(|v| v.as_str()),
        Some("accepted")
    );
}

/// The certificate login with a GOST key: the sandbox encrypts the challenge to the GOST
/// certificate, the SDK's OpenSSL decryptor opens it, and the token works.
#[tokio::test]
async fn a_certificate_login_with_a_gost_key() {
    use std::sync::Arc;

    use extern_api_core::auth::Credentials;
    use extern_api_core::{ExternClient, Secret};
    let world = World::start().await;
    let c = world.sandbox.config().clone();
    let (cert, key) = issue_certificate(&world.sandbox, INN, KPP, "gost2012-256").await;
    let decryptor = Arc::new(OpensslDecryptor::from_pem(key.as_bytes(), &cert).unwrap());
    let client = ExternClient::builder()
        .base_url(world.sandbox.url())
        .credentials(Credentials::Certificate {
            client_id: c.client_id.clone(),
            api_key: Secret::new(c.api_key.as_str().to_string()),
            decryptor,
        })
        .build()
        .unwrap();
    assert_eq!(client.accounts().await.unwrap().len(), 1);
    assert_eq!(client.tokens().unwrap().token_requests(), 2);
}

/// The `openssl cms -decrypt` preset of `CommandDecryptor` opens the sandbox's GOST envelopes:
/// the demand is answered with a key the SDK never holds in memory.
#[tokio::test]
async fn the_openssl_command_preset_decrypts_a_gost_demand() {
    use extern_api_core::crypto::CommandDecryptor;
    use extern_api_core::workflows::DemandDecision;
    let world = World::start().await;
    let (cert, key) = issue_certificate(&world.sandbox, INN, KPP, "gost2012-256").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cert.der"), &cert).unwrap();
    std::fs::write(dir.path().join("key.pem"), &key).unwrap();
    let converted = openssl(
        dir.path(),
        &[
            "x509", "-inform", "DER", "-in", "cert.der", "-out", "cert.pem",
        ],
    );
    assert!(converted.status.success());
    let conf = openssl_conf(dir.path()).to_string_lossy().into_owned();
    let decryptor = CommandDecryptor::openssl_cms(
        &dir.path().join("cert.pem"),
        &dir.path().join("key.pem"),
        cert.clone(),
    )
    .env("OPENSSL_CONF", conf);
    let signer = OpensslSigner::from_pem(key.as_bytes(), &cert).unwrap();
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let outcome = world
        .client
        .answer_demand(
            world.account,
            id,
            &signer,
            &decryptor,
            DemandDecision::FollowCheck,
            "127.0.0.1",
        )
        .await
        .unwrap();
    assert_eq!(outcome.decrypted, 3);
    assert_eq!(outcome.declined_with, None);
}
