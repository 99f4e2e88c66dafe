//! Sends the sample report signed with GOST R 34.10-2012 — the only signature the real service
//! takes — and follows it to its final state, every receipt GOST-signed too.
//!
//! With no configuration it starts the sandbox in-process in GOST mode (its `gost` feature: the
//! operator and the inspection sign with GOST too), has its test tools issue a GOST certificate
//! (a gost2012_256 key, as the vendor's test site hands out) and signs through OpenSSL's gost
//! engine:
//!
//! ```sh
//! apt install libssl-dev libengine-gost-openssl      # Debian / Ubuntu
//! cargo run -p extern-api-core --features openssl,extern-api-sandbox/gost --example gost_send_report
//! ```
//!
//! With a key of your own: `OpensslSigner::from_pem(key, certificate)` or `from_pkcs12(pfx,
//! password)`; a key in a CryptoPro container signs through `CommandSigner` and `cryptcp`
//! instead (see README.md).

use std::sync::Arc;

use base64::Engine;
use extern_api_core::ExternClient;
use extern_api_core::auth::Credentials;
use extern_api_core::crypto::{OpensslSigner, Signer};
use extern_api_core::workflows::{Recipient, ReportFile, ReportRequest, Step};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml"
);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // GOST mode: the sandbox's own documents are GOST-signed too, as on the vendor's test site.
    let config = extern_api_sandbox::SandboxConfig {
        gost: true,
        ..Default::default()
    };
    let sandbox = extern_api_sandbox::Sandbox::start(config).await?;
    let c = sandbox.config().clone();
    println!("sandbox at {}", sandbox.url());
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({
            "inn": c.inn, "kpp": c.kpp, "fio": "Иванов Иван Иванович", "algorithm": "gost2012-256"
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap_or_default())?;
    let key = issued["private-key"].as_str().unwrap_or_default();
    let signer = OpensslSigner::from_pem(key.as_bytes(), &certificate)?;
    println!("signing with {}", signer.algorithm());

    let client = ExternClient::builder()
        .base_url(sandbox.url())
        .credentials(Credentials::password(
            &c.client_id,
            c.api_key.as_str(),
            &c.login,
            c.password.as_str(),
        ))
        .build()?;
    let account = client.accounts().await?[0].id;
    let request = ReportRequest::new(
        account,
        c.inn.clone(),
        Some(c.kpp.clone()),
        Recipient::Fns("0087".into()),
        vec![ReportFile::read(FIXTURE).await?],
    );
    let signature = signer.sign(&request.files[0].content).await?;
    println!("a GOST signature of the report: {} bytes", signature.len());
    let progress = Arc::new(|step: &Step| match step {
        Step::Status { status, success } => println!("status {status:?} / {success:?}"),
        Step::ReplySent { reply_type } => println!("answered with {reply_type} (GOST-signed)"),
        other => println!("{other:?}"),
    });
    let outcome = client
        .send_report(&request, &signer, Some(progress))
        .await?;
    println!(
        "done: {:?} / {:?} ({} documents, {} replies sent, all signed with {})",
        outcome.status,
        outcome.success,
        outcome.documents.len(),
        outcome.replies.len(),
        signer.algorithm()
    );
    if !outcome.finished {
        return Err("the report did not reach its final state".into());
    }
    Ok(())
}
