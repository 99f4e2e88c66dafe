//! Requests an EGRN extract and downloads its files: `cargo run -p reestro-api --example egrn_extract`.
//!
//! With no configuration it starts the sandbox in-process (its Rosreestr robot answers in a few
//! seconds) and writes the files to a temporary directory. Against a real service set
//! `REESTRO_BASE_URL` (e.g. https://api.testkontur.ru), `REESTRO_LOGIN`, `REESTRO_PASSWORD`,
//! `REESTRO_ACCOUNT_ID`, and optionally `REESTRO_CADASTRAL_NUMBER` and `REESTRO_OUT` (a directory).

use std::time::Duration;

use reestro_api::{CadastralNumber, ExtractRequest, ReestroAuth, ReestroClient};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut _sandbox = None;
    let client = match env("REESTRO_BASE_URL") {
        Some(url) => {
            let need = |n: &str| env(n).ok_or(format!("{n} is not set (see the example's header)"));
            ReestroClient::builder()
                .base_url(url)
                .auth(ReestroAuth::session(
                    need("REESTRO_LOGIN")?,
                    need("REESTRO_PASSWORD")?,
                    need("REESTRO_ACCOUNT_ID")?.parse()?,
                ))
                .build()?
        }
        None => {
            let sandbox =
                extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default())
                    .await?;
            println!("sandbox at {} (no REESTRO_BASE_URL set)", sandbox.url());
            let c = sandbox.config().clone();
            let client = ReestroClient::builder()
                .base_url(sandbox.url())
                .auth(ReestroAuth::session(
                    c.login,
                    c.password,
                    sandbox.account_id(),
                ))
                .build()?;
            _sandbox = Some(sandbox);
            client
        }
    };
    let number = env("REESTRO_CADASTRAL_NUMBER").unwrap_or_else(|| "77:01:0001001:1234".into());
    let mut request = ExtractRequest::new(CadastralNumber::parse(&number)?);
    request.poll_interval = Duration::from_secs(1);
    request.deadline = Duration::from_secs(600);
    let (dir, _temp) = match env("REESTRO_OUT") {
        Some(d) => (std::path::PathBuf::from(d), None),
        None => {
            let t = tempfile::tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    println!("requesting an extract for {number}…");
    let outcome = client.request_extract(&request, &dir).await?;
    println!(
        "docflow {} is {}; files in {}:",
        outcome.docflow.docflow_id,
        outcome.docflow.state.name(),
        dir.display()
    );
    for f in &outcome.files {
        println!("  {:<24} {:>7} bytes  {}", f.kind, f.size, f.path.display());
    }
    Ok(())
}
