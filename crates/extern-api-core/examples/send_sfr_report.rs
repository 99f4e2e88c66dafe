//! Sends an ЕФС-1 to the Social Fund and follows it to its final state, printing each step.
//!
//! With no configuration it starts the sandbox in-process, issues a test certificate there and
//! sends the vendor's ЕФС-1 sample, signed inside with an enveloped XMLDsig, to the Social
//! Fund's robot, which acknowledges it and answers with the check protocol:
//!
//! ```sh
//! cargo run -p extern-api-core --example send_sfr_report
//! ```
//!
//! `SFR_OFFICE=000-088` makes the robot decline the package, `000-085` answer with a refinement
//! notice.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use extern_api_core::raw::prelude::*;
use extern_api_core::{
    ExternClient, Idempotency,
    auth::Credentials,
    crypto::SoftwareSigner,
    workflows::{Recipient, ReportFile, ReportRequest, Step},
};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/fixtures/ПФР_000_004_872962_666666_ЕФС_1_20230228_48d931ba_8d10_42c4_b03e.xml"
);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    println!("sandbox at {}", sandbox.url());
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
    let accounts = client
        .call(Idempotency::Idempotent, move |c| async move {
            c.accounts_get_all().send().await
        })
        .await?
        .into_inner();
    let account = accounts.accounts.first().ok_or("no account")?.id;

    // The insurer's ЕРН: its first two groups name the Social Fund's office.
    let office = std::env::var("SFR_OFFICE").unwrap_or_else(|_| "087-101".into());
    let mut request = ReportRequest::new(
        account,
        c.inn.clone(),
        Some(c.kpp.clone()),
        Recipient::Sfr(format!("{office}-872962")),
        vec![ReportFile::read(FIXTURE).await?],
    );
    request.deadline = Duration::from_secs(600);
    request.follow_interval = Duration::from_millis(500);
    let progress = Arc::new(|step: &Step| match step {
        Step::DraftCreated { draft_id } => println!("draft {draft_id} created"),
        Step::FileAdded { file_name, .. } => println!(
            "added {} (signed inside: XMLDsig)",
            file_name.as_deref().unwrap_or("a file")
        ),
        Step::Checked => println!("check passed: the XMLDsig verified"),
        Step::Sent { docflow_id } => println!("sent: docflow {docflow_id}"),
        Step::Status { status, success } => {
            println!("status {} / {}", status.name(), success.name())
        }
        Step::ReplySent { reply_type } => println!("answered with {reply_type}"),
        other => println!("{other:?}"),
    });
    let outcome = client
        .send_sfr_report(&request, &signer, Some(progress))
        .await?;
    println!(
        "done: {} / {} ({} documents, {} replies sent)",
        outcome.status.name(),
        outcome.success.name(),
        outcome.documents.len(),
        outcome.replies.len()
    );
    Ok(())
}
