//! Sends a report and follows it to its final state, printing each step.
//!
//! With no configuration it starts the sandbox in-process, issues a test certificate there and
//! sends the vendor's sample report to the test inspection 0087:
//!
//! ```sh
//! cargo run -p extern-api-core --example send_report
//! ```
//!
//! To target a real service instead, set (all required unless noted):
//! `EXTERN_BASE_URL`, `EXTERN_IDENTITY_URL` (default: derived from the base URL), `EXTERN_CLIENT_ID`,
//! `EXTERN_API_KEY`, `EXTERN_LOGIN`, `EXTERN_PASSWORD`, `EXTERN_CERTIFICATE` (DER file) and either
//! `EXTERN_PRIVATE_KEY` (PKCS#8 PEM file) or `EXTERN_SIGN_COMMAND` (a command line with `{input}`
//! and `{output}`, e.g. CryptoPro's cryptcp), `EXTERN_REPORT` (the report file), `EXTERN_INN`,
//! `EXTERN_KPP` (optional), `EXTERN_RECIPIENT` (inspection code; default 0087), and optionally
//! `EXTERN_ACCOUNT_ID` (default: the first account).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use extern_api_core::raw::prelude::*;
use extern_api_core::{
    Error, ExternClient, Idempotency,
    auth::Credentials,
    crypto::{Signer, SoftwareSigner},
    workflows::{Recipient, ReportFile, ReportRequest, Step},
};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml"
);

struct Setup {
    client: ExternClient,
    signer: Box<dyn Signer>,
    report: ReportFile,
    inn: String,
    kpp: Option<String>,
    recipient: String,
    account: Option<uuid::Uuid>,
    _sandbox: Option<extern_api_sandbox::Sandbox>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn need(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    env(name).ok_or_else(|| {
        format!("{name} is not set (see the header of examples/send_report.rs)").into()
    })
}

/// The sandbox, a test certificate from its test tools, and the sample report.
async fn sandbox() -> Result<Setup, Box<dyn std::error::Error>> {
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    println!("sandbox at {} (no EXTERN_BASE_URL set)", sandbox.url());
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
    Ok(Setup {
        client,
        signer: Box::new(signer),
        report: ReportFile::read(FIXTURE).await?,
        inn: c.inn,
        kpp: Some(c.kpp),
        recipient: "0087".into(),
        account: None,
        _sandbox: Some(sandbox),
    })
}

/// A real service, configured from the environment.
async fn configured(base_url: String) -> Result<Setup, Box<dyn std::error::Error>> {
    let mut builder =
        ExternClient::builder()
            .base_url(base_url)
            .credentials(Credentials::password(
                need("EXTERN_CLIENT_ID")?,
                need("EXTERN_API_KEY")?,
                need("EXTERN_LOGIN")?,
                need("EXTERN_PASSWORD")?,
            ));
    if let Some(identity) = env("EXTERN_IDENTITY_URL") {
        builder = builder.identity_url(identity);
    }
    let certificate = std::fs::read(need("EXTERN_CERTIFICATE")?)?;
    let signer: Box<dyn Signer> = match (env("EXTERN_PRIVATE_KEY"), env("EXTERN_SIGN_COMMAND")) {
        (Some(key), _) => Box::new(SoftwareSigner::from_pem(
            &std::fs::read_to_string(key)?,
            certificate,
        )?),
        (None, Some(command)) => {
            let mut words = command.split_whitespace().map(String::from);
            let program = words.next().ok_or("EXTERN_SIGN_COMMAND is empty")?;
            Box::new(extern_api_core::crypto::CommandSigner::new(
                program,
                words.collect(),
                certificate,
            ))
        }
        (None, None) => return Err("set EXTERN_PRIVATE_KEY or EXTERN_SIGN_COMMAND".into()),
    };
    Ok(Setup {
        client: builder.build()?,
        signer,
        report: ReportFile::read(need("EXTERN_REPORT")?).await?,
        inn: need("EXTERN_INN")?,
        kpp: env("EXTERN_KPP"),
        recipient: env("EXTERN_RECIPIENT").unwrap_or_else(|| "0087".into()),
        account: env("EXTERN_ACCOUNT_ID").map(|a| a.parse()).transpose()?,
        _sandbox: None,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let setup = match env("EXTERN_BASE_URL") {
        Some(url) => configured(url).await?,
        None => sandbox().await?,
    };
    let account = match setup.account {
        Some(a) => a,
        None => {
            let accounts = setup
                .client
                .call(Idempotency::Idempotent, move |c| async move {
                    c.accounts_get_all().send().await
                })
                .await?
                .into_inner();
            accounts
                .accounts
                .first()
                .map(|a| a.id)
                .ok_or("the user has no account")?
        }
    };
    let mut request = ReportRequest::new(
        account,
        setup.inn.clone(),
        setup.kpp.clone(),
        Recipient::Fns(setup.recipient.clone()),
        vec![setup.report.clone()],
    );
    request.deadline = Duration::from_secs(600);
    request.follow_interval = Duration::from_millis(500);
    let progress = Arc::new(|step: &Step| match step {
        Step::DraftCreated { draft_id } => println!("draft {draft_id} created"),
        Step::FileAdded { file_name, .. } => println!(
            "added and signed {}",
            file_name.as_deref().unwrap_or("a file")
        ),
        Step::Checked => println!("check passed"),
        Step::Sent { docflow_id } => println!("sent: docflow {docflow_id}"),
        Step::Status { status, success } => {
            println!("status {} / {}", status.name(), success.name())
        }
        Step::ReplySent { reply_type } => println!("answered with {reply_type}"),
        other => println!("{other:?}"),
    });
    match setup
        .client
        .send_report(&request, setup.signer.as_ref(), Some(progress))
        .await
    {
        Ok(outcome) => {
            println!(
                "done: {} / {} ({} documents, {} replies sent)",
                outcome.status.name(),
                outcome.success.name(),
                outcome.documents.len(),
                outcome.replies.len()
            );
            for r in &outcome.rejections {
                println!(
                    "  refused: {} {}",
                    r.document_type.name(),
                    r.file_name.as_deref().unwrap_or("")
                );
            }
            if !outcome.finished {
                println!("(the deadline passed before the docflow finished)");
            }
            Ok(())
        }
        Err(Error::CheckFailed(protocol)) => {
            eprintln!("the report has errors:");
            for d in &protocol.documents {
                for e in &d.errors {
                    eprintln!(
                        "  {}: {}",
                        d.file_name.as_deref().unwrap_or(&d.document_id),
                        e.description
                    );
                }
            }
            Err("check failed".into())
        }
        Err(e) => Err(e.into()),
    }
}
