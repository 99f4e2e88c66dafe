//! Sends a report signed with a cloud certificate and follows it to its final state.
//!
//! With no configuration it starts the sandbox in-process, has it issue a cloud certificate
//! (its key stays in the sandbox, as in the vendor's DSS), and plays the holder through the
//! sandbox's test tools — reading the SMS code it "sent", or approving in the "myDSS app":
//!
//! ```sh
//! cargo run -p extern-api-dss --example cloud_send_report          # SMS codes
//! cargo run -p extern-api-dss --example cloud_send_report -- --app # myDSS approvals
//! ```
//!
//! Against a real service the only difference is the confirmer: ask the holder for the code
//! (see `extern_api_dss::confirm_with`) instead of reading it from test tools.

use std::time::Duration;

use base64::Engine;
use extern_api_core::raw::prelude::*;
use extern_api_core::{
    ExternClient, Idempotency,
    auth::Credentials,
    workflows::{Recipient, ReportFile, ReportRequest},
};
use extern_api_dss::{CloudSigner, CodeFuture, ConfirmationRequest, Confirmer};

const REPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../extern-api-core/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml"
);

/// The holder, played through the sandbox's test tools.
struct TestToolsHolder {
    url: String,
    api_key: String,
    http: reqwest::Client,
}

impl Confirmer for TestToolsHolder {
    fn code<'a>(&'a self, request: &'a ConfirmationRequest) -> CodeFuture<'a> {
        Box::pin(async move {
            let answer: serde_json::Value = self
                .http
                .get(format!(
                    "{}/test-tools/v1/cloud-confirmation-code",
                    self.url
                ))
                .query(&[("request-id", &request.request_id)])
                .header("X-Kontur-Apikey", &self.api_key)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            let code = answer["code"].as_str()?.to_string();
            println!("  SMS code to {}: {code}", request.operation);
            Some(code)
        })
    }

    fn awaiting_approval(&self, request: &ConfirmationRequest) {
        println!("  approve in the myDSS app: {}", request.operation);
        let (http, url, key, id) = (
            self.http.clone(),
            self.url.clone(),
            self.api_key.clone(),
            request.request_id.clone(),
        );
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let approved = http
                .post(format!("{url}/test-tools/v1/confirm-cloud-operation"))
                .header("X-Kontur-Apikey", &key)
                .json(&serde_json::json!({ "request-id": id }))
                .send()
                .await;
            if let Err(e) = approved {
                eprintln!("could not approve: {e}");
            }
        });
    }

    fn progress(&self, _request: &ConfirmationRequest, progress: &str) {
        println!("  progress: {progress}");
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let in_app = std::env::args().any(|a| a == "--app");
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    println!("sandbox at {}", sandbox.url());
    let http = reqwest::Client::new();
    let issued: serde_json::Value = http
        .post(format!(
            "{}/test-tools/v1/generate-cloud-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({
            "inn": c.inn, "kpp": c.kpp, "fio": "Иванов Иван Иванович",
            "confirm-type": if in_app { "myDSS" } else { "sms" },
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap_or_default())?;
    println!(
        "cloud certificate {} ({})",
        issued["thumbprint"].as_str().unwrap_or_default(),
        if in_app { "myDSS" } else { "SMS" }
    );
    let signer = CloudSigner::new(
        certificate,
        TestToolsHolder {
            url: sandbox.url(),
            api_key: c.api_key.clone(),
            http,
        },
    );
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
    let mut request = ReportRequest::new(
        account,
        c.inn.clone(),
        Some(c.kpp.clone()),
        Recipient::Fns("0087".into()),
        vec![ReportFile::read(REPORT).await?],
    );
    request.follow_interval = Duration::from_millis(500);
    let outcome = client.send_report(&request, &signer, None).await?;
    println!(
        "done: docflow {} {} / {} ({} receipts signed in the cloud and sent)",
        outcome.docflow_id,
        outcome.status.name(),
        outcome.success.name(),
        outcome.replies.len()
    );
    if !outcome.finished {
        return Err("the deadline passed before the docflow finished".into());
    }
    Ok(())
}
