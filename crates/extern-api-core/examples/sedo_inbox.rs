//! The SEDO inbox: a notice from the Social Fund arrives (here a sick-leave change notice that
//! the sandbox's test tools make arrive), its document is requested, delivered and read, and
//! the exchange reaches its end. No setup:
//!
//! ```sh
//! cargo run -p extern-api-core --example sedo_inbox
//! ```

use base64::Engine;
use extern_api_core::model::DocflowExt;
use extern_api_core::raw::prelude::*;
use extern_api_core::{ExternClient, Idempotency, auth::Credentials, crypto::SoftwareSigner};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    println!("sandbox at {}", sandbox.url());
    let http = reqwest::Client::new();
    let issued: serde_json::Value = http
        .post(format!(
            "{}/test-tools/v1/generate-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({ "inn": c.inn, "kpp": c.kpp, "fio": "Иванов Иван Иванович" }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap_or_default())?;
    let signer = SoftwareSigner::from_pem(
        issued["private-key"].as_str().unwrap_or_default(),
        certificate,
    )?;
    let client = ExternClient::builder()
        .base_url(sandbox.url())
        .credentials(Credentials::password(
            &c.client_id,
            c.api_key.as_str(),
            &c.login,
            c.password.as_str(),
        ))
        .build()?;
    let accounts = client
        .call(Idempotency::Idempotent, move |c| async move {
            c.accounts_get_all().send().await
        })
        .await?
        .into_inner();
    let account = accounts.accounts.first().ok_or("no account")?.id;

    // The Social Fund sends a notice: it arrives as a docflow without its document.
    let arrived: serde_json::Value = http
        .post(format!(
            "{}/test-tools/v1/generate-sedo-docflow",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({
            "type": "fss-sedo-sick-report-change-notification",
            "registration-number": "6601234567",
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let docflow: uuid::Uuid = arrived["docflow-id"]
        .as_str()
        .ok_or("no docflow")?
        .parse()?;
    let before = client.account(account).docflows().get(docflow).await?;
    println!(
        "arrived: {} ({}, {} documents)",
        before.docflow_type(),
        before.status().name(),
        before.documents.len()
    );

    let outcome = client
        .answer_sedo(account, docflow, &signer, "8.8.8.8", None)
        .await?;
    if let Some(request) = outcome.documents_request_id {
        println!("requested its document: documents request {request} (data-to-sign signed raw)");
    }
    for reply in &outcome.replies {
        println!("answered with {}", reply.reply_type);
    }
    println!(
        "done: {} / {}",
        outcome.status.name(),
        outcome.success.name()
    );
    Ok(())
}
