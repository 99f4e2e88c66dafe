//! Registers the sale of a flat: `cargo run -p reestro-api --example register_sale`.
//!
//! Starts the sandbox in-process, has it issue a certificate to the seller and one to the buyer
//! (their keys sign their statements), creates the `right_movement_request`, signs, sends, pays
//! the state fees through the sandbox's test tools (what a bank payment does for real), and
//! waits for Rosreestr to register the sale. Each step is printed as it happens.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use extern_api_core::crypto::{Signer, SoftwareSigner};
use reestro_api::options::{DocflowObject, DocflowOptions, Person, RightMovement};
use reestro_api::{
    CadastralNumber, ParticipantSigner, ReestroAuth, ReestroClient, RegistrationRequest,
    RegistrationStep,
};

type Failure = Box<dyn std::error::Error>;

/// A certificate in `name`'s name from the sandbox's test tools, as a signer.
async fn signer(
    sandbox: &extern_api_sandbox::Sandbox,
    name: &str,
) -> Result<Arc<dyn Signer>, Failure> {
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &sandbox.config().api_key)
        .json(&serde_json::json!({ "inn": "500100732259", "fio": name }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap_or_default())?;
    Ok(Arc::new(SoftwareSigner::from_pem(
        issued["private-key"].as_str().unwrap_or_default(),
        certificate,
    )?))
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    println!("sandbox at {}", sandbox.url());
    let c = sandbox.config().clone();
    let client = ReestroClient::builder()
        .base_url(sandbox.url())
        .auth(ReestroAuth::session(
            c.login,
            c.password,
            sandbox.account_id(),
        ))
        .build()?;

    let seller = Person::new("Петров", "Пётр", Some("Петрович"), "112-233-445 95");
    let buyer = Person::new("Сидорова", "Анна", Some("Ивановна"), "087-654-303 00");
    let request = RegistrationRequest {
        options: DocflowOptions::RightMovement(RightMovement {
            object: DocflowObject::flat(CadastralNumber::parse("77:01:0001001:1234")?),
            sellers: vec![seller.clone()],
            buyers: vec![buyer.clone()],
            contract_of_sale: None,
            other_documents: Vec::new(),
        }),
        signers: vec![
            ParticipantSigner {
                snils: seller.snils.clone(),
                signer: signer(&sandbox, &seller.full_name()).await?,
            },
            ParticipantSigner {
                snils: buyer.snils.clone(),
                signer: signer(&sandbox, &buyer.full_name()).await?,
            },
        ],
        deadline: Duration::from_secs(120),
        poll_interval: Duration::from_millis(500),
    };
    let progress = |step: RegistrationStep| match step {
        RegistrationStep::Created { docflow_id } => println!("created docflow {docflow_id}"),
        RegistrationStep::Signed { participant, .. } => println!("signed by {participant}"),
        RegistrationStep::Sent => println!("sent to Rosreestr"),
        RegistrationStep::PaymentRequired(fees) => {
            for f in fees {
                println!(
                    "state fee {} (currency not documented; roubles in practice), UIN {}",
                    f.sum, f.uin
                )
            }
        }
        RegistrationStep::Completed => println!("registered"),
        other => println!("{other:?}"),
    };
    let (url, key) = (sandbox.url(), c.api_key.clone());
    let outcome = client
        .register(&request, Some(&progress), |_docflow, fees| async move {
            // For real: pay each UIN at a bank. Here: tell the sandbox it was paid.
            for fee in fees {
                reqwest::Client::new()
                    .post(format!("{url}/test-tools/v1/realty/pay"))
                    .header("X-Kontur-Apikey", &key)
                    .json(&serde_json::json!({ "uin": fee.uin }))
                    .send()
                    .await
                    .and_then(|r| r.error_for_status())
                    .map_err(|e| reestro_api::Error::Protocol(format!("paying: {e}")))?;
            }
            Ok(())
        })
        .await?;
    let dir = tempfile::tempdir()?;
    let files = client
        .download_results(&outcome.docflow, dir.path())
        .await?;
    println!(
        "docflow {} is {}; {} result files",
        outcome.docflow.docflow_id,
        outcome.docflow.state.name(),
        files.len()
    );
    for f in &files {
        println!("  {:<24} {:>7} bytes", f.kind, f.size);
    }
    Ok(())
}
