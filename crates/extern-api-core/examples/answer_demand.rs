//! Answers an FNS demand end to end: receipt, decryption, check, acceptance, then the documents
//! it asks for in an inventory followed to its final state.
//!
//! With no configuration it starts the sandbox in-process, issues the organization a signing
//! certificate and an RSA certificate to decrypt with, and has the test inspection send a
//! demand for documents (КНД 1165050):
//!
//! ```sh
//! cargo run -p extern-api-core --example answer_demand
//! ```

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use extern_api_core::workflows::{DemandDecision, DemandTerms};
use extern_api_core::workflows::{InventoryDocument, InventoryRequest};
use extern_api_core::{
    ExternClient,
    auth::Credentials,
    crypto::{SoftwareDecryptor, SoftwareSigner},
    workflows::{ReportFile, Step},
};

type Failure = Box<dyn std::error::Error>;

/// A certificate of the organization from the sandbox's test tools, with its key.
async fn issue(
    http: &reqwest::Client,
    sandbox: &extern_api_sandbox::Sandbox,
    algorithm: &str,
) -> Result<(Vec<u8>, String), Failure> {
    let c = sandbox.config();
    let issued: serde_json::Value = http
        .post(format!("{}/test-tools/v1/generate-certificate", sandbox.url()))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({ "inn": c.inn, "kpp": c.kpp, "fio": "Иванов Иван Иванович", "algorithm": algorithm }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let der = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap_or_default())?;
    Ok((
        der,
        issued["private-key"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    ))
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    println!("sandbox at {}", sandbox.url());
    let http = reqwest::Client::new();
    let (der, key) = issue(&http, &sandbox, "ecdsa").await?;
    let signer = SoftwareSigner::from_pem(&key, der)?;
    let (der, key) = issue(&http, &sandbox, "rsa").await?;
    let decryptor = SoftwareDecryptor::from_pem(&key, der)?;
    let generated: serde_json::Value = http
        .post(format!("{}/test-tools/v1/generate-demand", sandbox.url()))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({ "knds": ["1165050"] }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let demand: uuid::Uuid = generated["docflow-id"]
        .as_str()
        .unwrap_or_default()
        .parse()?;

    let client = ExternClient::builder()
        .base_url(sandbox.url())
        .credentials(Credentials::password(
            &c.client_id,
            c.api_key.as_str(),
            &c.login,
            c.password.as_str(),
        ))
        .build()?;
    let account = client.accounts().await?.first().ok_or("no account")?.id;
    let docflow = client.account(account).docflows().get(demand).await?;
    let terms = DemandTerms::of(&docflow);
    let day = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| d.date_naive().to_string())
            .unwrap_or_else(|| "?".into())
    };
    println!(
        "demand {} arrived: receipt due {}, answer due {}, asks for documents: {}",
        terms.number.as_deref().unwrap_or("?"),
        day(terms.receipt_deadline),
        day(terms.reply_deadline),
        terms.asks_for_documents()
    );
    let answered = client
        .answer_demand(
            account,
            demand,
            &signer,
            &decryptor,
            DemandDecision::FollowCheck,
            "127.0.0.1",
        )
        .await?;
    println!(
        "receipt sent, {} documents decrypted, check codes {:?}: {}",
        answered.decrypted,
        answered.check_codes,
        match &answered.declined_with {
            None => "accepted".to_string(),
            Some(codes) => format!("declined with {codes:?}"),
        }
    );
    if answered.declined_with.is_some() || !terms.asks_for_documents() {
        return Ok(());
    }
    let mut contract = InventoryDocument::scanned(vec![ReportFile {
        name: Some("contract.pdf".into()),
        content: bytes::Bytes::from_static(b"%PDF-1.4 a scanned contract"),
    }]);
    contract.claim_item_number = Some("1".into());
    contract.name = Some("Договор поставки".into());
    let mut request = InventoryRequest::new(
        account,
        demand,
        c.inn.clone(),
        Some(c.kpp.clone()),
        vec![contract],
    );
    request.follow_interval = Duration::from_millis(500);
    let progress = Arc::new(|s: &Step| println!("  inventory: {s:?}"));
    let outcome = client
        .send_inventory(&request, &signer, Some(progress))
        .await?;
    for refused in &outcome.refused {
        println!(
            "  document #{} refused: {}",
            refused.index + 1,
            refused.message
        );
    }
    for inventory in &outcome.inventories {
        println!(
            "inventory docflow {}: {} / {}",
            inventory.docflow_id,
            inventory.status.name(),
            inventory.success.name()
        );
    }
    Ok(())
}
