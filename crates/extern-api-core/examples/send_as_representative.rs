//! Files the sample report for an organization as its representative: the organization issues a
//! machine-readable warrant (МЧД) to an accounting firm, whose certificate signs; the report goes
//! out under the warrant and is followed to its final state.
//!
//! With no configuration it starts the sandbox in-process (its test tools issue the certificate
//! and register the warrant, as the vendor's test stand does):
//!
//! ```sh
//! cargo run -p extern-api-core --example send_as_representative
//! ```

use base64::Engine;
use extern_api_core::ExternClient;
use extern_api_core::auth::Credentials;
use extern_api_core::crypto::SoftwareSigner;
use extern_api_core::workflows::{Recipient, ReportFile, ReportRequest};

/// The representative: an accounting firm.
const REP_INN: &str = "6671000017";
const REP_KPP: &str = "667101001";

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml"
);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    let http = reqwest::Client::new();
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

    // The representative's certificate (its own INN), from the test tools.
    let issued: serde_json::Value = http
        .post(format!(
            "{}/test-tools/v1/generate-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({ "inn": REP_INN, "kpp": REP_KPP, "fio": "Петров Пётр Петрович" }))
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

    // The payer (the account's organization) registers a warrant for the representative.
    let payer = client
        .account(account)
        .organizations()
        .page(Some(&c.inn), Some(&c.kpp), 0, 10)
        .await?
        .items
        .into_iter()
        .next()
        .ok_or("the account has no organization")?;
    let token = client
        .tokens()
        .ok_or("no token cache")?
        .access_token()
        .await?;
    let warrant: serde_json::Value = http
        .post(format!("{}/test-tools/v1/issue-warrant", sandbox.url()))
        .bearer_auth(token.expose())
        .json(&serde_json::json!({
            "organization-id": payer.id, "number": "МЧД-2026-1",
            "date-begin": "2026-01-01", "date-end": "2099-12-31", "permissions": [1],
            "sender-organization": { "name": "ООО «Бухгалтер»", "inn": REP_INN, "kpp": REP_KPP }
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let warrant_id: uuid::Uuid = warrant["id"].as_str().unwrap_or_default().parse()?;
    for w in client
        .account(account)
        .warrants()
        .page(true, 0, 100)
        .await?
        .items
    {
        println!(
            "warrant {:?} of {:?} for {:?}, {:?}..{:?}",
            w.number, w.inn, w.representative_inn, w.date_begin, w.date_end
        );
    }

    let request = ReportRequest::new(
        account,
        REP_INN,
        Some(REP_KPP.into()),
        Recipient::Fns("0087".into()),
        vec![ReportFile::read(FIXTURE).await?],
    )
    .on_behalf_of(c.inn.clone(), Some(c.kpp.clone()), Some(warrant_id));
    let outcome = client.send_report(&request, &signer, None).await?;
    println!(
        "filed by {REP_INN} for {} under warrant {warrant_id}: {:?} / {:?}",
        c.inn, outcome.status, outcome.success
    );
    if !outcome.finished {
        return Err("the report did not reach its final state".into());
    }
    Ok(())
}
