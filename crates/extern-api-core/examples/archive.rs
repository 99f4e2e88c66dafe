//! Archives every docflow of an account into a directory, then runs again to show that only
//! what changed is fetched.
//!
//! With no configuration it starts the sandbox in-process, has it generate 50 sent reports and
//! a demand (encrypted for an RSA certificate the example holds, so it is archived decrypted
//! too), and writes to `EXTERN_ARCHIVE_DIR` (default: a new temporary directory):
//!
//! ```sh
//! cargo run -p extern-api-core --example archive
//! ```

use std::sync::Arc;

use base64::Engine;
use extern_api_core::stores::DirectoryArchive;
use extern_api_core::workflows::{ArchiveOptions, ArchiveReport};
use extern_api_core::{ExternClient, auth::Credentials, crypto::SoftwareDecryptor};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    println!("sandbox at {}", sandbox.url());
    let http = reqwest::Client::new();
    let tool = |path: &str, body: serde_json::Value| {
        http.post(format!("{}/test-tools/v1/{path}", sandbox.url()))
            .header("X-Kontur-Apikey", &c.api_key)
            .json(&body)
            .send()
    };
    let issued: serde_json::Value = tool(
        "generate-certificate",
        serde_json::json!({ "inn": c.inn, "kpp": c.kpp, "algorithm": "rsa" }),
    )
    .await?
    .error_for_status()?
    .json()
    .await?;
    let decryptor = SoftwareDecryptor::from_pem(
        issued["private-key"].as_str().unwrap_or_default(),
        base64::engine::general_purpose::STANDARD
            .decode(issued["certificate"].as_str().unwrap_or_default())?,
    )?;
    tool(
        "generate-docflows",
        serde_json::json!({ "count": 50, "ifns-code": "0087" }),
    )
    .await?
    .error_for_status()?;
    tool("generate-demand", serde_json::json!({}))
        .await?
        .error_for_status()?;

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
    let dir = std::env::var_os("EXTERN_ARCHIVE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("extern-archive-{}", std::process::id()))
        });
    let store = Arc::new(DirectoryArchive::new(&dir));
    println!("archiving into {}", dir.display());

    let mut options = ArchiveOptions::default();
    options.concurrency = 8;
    options.decryptor = Some(Arc::new(decryptor));
    options.progress = Some(Arc::new(|r: &ArchiveReport| {
        if r.docflows.is_multiple_of(10) {
            println!(
                "  {} docflows, {} bytes written",
                r.docflows, r.bytes_written
            );
        }
    }));
    let first = client
        .archive_account(account, store.clone(), options.clone())
        .await?;
    println!("first pass: {first:?}");
    options.progress = None;
    let second = client.archive_account(account, store, options).await?;
    println!("second pass: {second:?}");
    Ok(())
}
