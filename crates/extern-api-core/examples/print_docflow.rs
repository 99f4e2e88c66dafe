//! Sends the sample report through the in-process sandbox, then prints the report as filed to a
//! PDF file.
//!
//! ```sh
//! cargo run -p extern-api-core --example print_docflow [-- out.pdf]
//! ```

use base64::Engine;
use extern_api_core::ExternClient;
use extern_api_core::auth::Credentials;
use extern_api_core::crypto::SoftwareSigner;
use extern_api_core::model::DocflowExt;
use extern_api_core::workflows::{Recipient, ReportFile, ReportRequest};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml"
);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("extern-api-report.pdf"));
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    let issued: serde_json::Value = reqwest::Client::new()
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
    let account = client.accounts().await?[0].id;
    let request = ReportRequest::new(
        account,
        c.inn.clone(),
        Some(c.kpp.clone()),
        Recipient::Fns("0087".into()),
        vec![ReportFile::read(FIXTURE).await?],
    );
    let outcome = client.send_report(&request, &signer, None).await?;
    println!("filed: docflow {} {:?}", outcome.docflow_id, outcome.status);
    let docflow = client
        .account(account)
        .docflows()
        .get(outcome.docflow_id)
        .await?;
    let report = docflow
        .summaries()
        .into_iter()
        .find(|d| d.document_type.name() == "fns534-report")
        .ok_or("the docflow has no report document")?;
    let file = tokio::fs::File::create(&out).await?;
    let size = client
        .print_docflow_document(account, docflow.id, report.id, file, &Default::default())
        .await?;
    let head = std::fs::read(&out)?;
    if !head.starts_with(b"%PDF-") {
        return Err("the printed file is not a PDF".into());
    }
    println!("printed {} ({size} bytes of PDF)", out.display());
    Ok(())
}
