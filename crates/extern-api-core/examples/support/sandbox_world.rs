//! What the examples that run only against the sandbox start with: the sandbox in-process, a
//! test certificate of its seeded organization, a logged-in client and the user's account.
//! Included by `#[path]` (an example is one file).

use base64::Engine;
use extern_api_core::raw::prelude::*;
use extern_api_core::{ExternClient, Idempotency, auth::Credentials, crypto::SoftwareSigner};

pub struct SandboxWorld {
    pub sandbox: extern_api_sandbox::Sandbox,
    pub client: ExternClient,
    pub signer: SoftwareSigner,
    pub account: uuid::Uuid,
}

impl SandboxWorld {
    pub async fn start() -> Result<Self, Box<dyn std::error::Error>> {
        let sandbox =
            extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default())
                .await?;
        let c = sandbox.config().clone();
        println!("sandbox at {}", sandbox.url());
        let issued = Self::test_tool(
            &sandbox,
            "generate-certificate",
            serde_json::json!({ "inn": c.inn, "kpp": c.kpp, "fio": "Иванов Иван Иванович" }),
        )
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
        Ok(Self {
            sandbox,
            client,
            signer,
            account,
        })
    }

    /// Calls one of the sandbox's test tools (`POST /test-tools/v1/{tool}`).
    pub async fn test_tool(
        sandbox: &extern_api_sandbox::Sandbox,
        tool: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
        Ok(reqwest::Client::new()
            .post(format!("{}/test-tools/v1/{tool}", sandbox.url()))
            .header("X-Kontur-Apikey", &sandbox.config().api_key)
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }
}
