//! The client side of `cargo xtask bench`: measures extern-api-core against a running sandbox
//! and prints one JSON line per mode. Not meant to be run by hand, though it can be:
//!
//! ```sh
//! EXTERN_BASE_URL=http://127.0.0.1:8080 cargo run --release -p extern-api-core --example bench_client -- setup
//! ```
//!
//! Modes: `setup` (a docflow to read, and a token for the baselines), `overhead N` (N sequential
//! GETs of one docflow through core, then through bare reqwest decoding the same type),
//! `throughput N` (N GETs through core at 20 in flight).

use std::sync::Arc;
use std::time::Instant;

use extern_api_core::raw::types;
use extern_api_core::{Credentials, ExternClient};

type Failure = Box<dyn std::error::Error>;

async fn client(base: &str) -> Result<(ExternClient, uuid::Uuid), Failure> {
    let client = ExternClient::builder()
        .base_url(base)
        .credentials(Credentials::password(
            "sandbox",
            "sandbox-api-key",
            "user@sandbox.local",
            "sandbox",
        ))
        .build()?;
    let account = client.accounts().await?.first().ok_or("no account")?.id;
    Ok((client, account))
}

/// A docflow of the account (generating one when there is none).
async fn docflow(
    base: &str,
    client: &ExternClient,
    account: uuid::Uuid,
) -> Result<uuid::Uuid, Failure> {
    use futures::TryStreamExt;
    let found: Vec<_> = client
        .docflows(account, Default::default())
        .try_collect()
        .await?;
    if let Some(d) = found.first() {
        return Ok(d.id);
    }
    reqwest::Client::new()
        .post(format!("{base}/test-tools/v1/generate-docflows"))
        .header("X-Kontur-Apikey", "sandbox-api-key")
        .json(&serde_json::json!({ "count": 1, "ifns-code": "0087" }))
        .send()
        .await?
        .error_for_status()?;
    let found: Vec<_> = client
        .docflows(account, Default::default())
        .try_collect()
        .await?;
    Ok(found.first().ok_or("no docflow generated")?.id)
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let base = std::env::var("EXTERN_BASE_URL").map_err(|_| "set EXTERN_BASE_URL")?;
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "setup".into());
    let n: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);
    let (client, account) = client(&base).await?;
    let id = docflow(&base, &client, account).await?;
    match mode.as_str() {
        "setup" => {
            let token = client
                .tokens()
                .ok_or("no token cache")?
                .access_token()
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{}",
                serde_json::json!({
                    "account": account,
                    "path": format!("/v1/{account}/docflows/{id}"),
                    "token": token.expose(),
                })
            );
        }
        "overhead" => {
            let account_handle = client.account(account);
            let token = client
                .tokens()
                .ok_or("no token cache")?
                .access_token()
                .await
                .map_err(|e| e.to_string())?;
            let http = reqwest::Client::new();
            let url = format!("{base}/v1/{account}/docflows/{id}");
            let bearer = format!("Bearer {}", token.expose());
            let get = || async {
                let bytes = http
                    .get(&url)
                    .header("Authorization", &bearer)
                    .send()
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?;
                Ok::<_, Failure>(serde_json::from_slice::<types::Docflow>(&bytes)?)
            };
            // Warm both connections, then alternate rounds so drift hits both sides alike.
            account_handle.docflow(id).await?;
            get().await?;
            let (mut core, mut bare) = (0.0, 0.0);
            let rounds = 10;
            for _ in 0..rounds {
                let started = Instant::now();
                for _ in 0..n / rounds {
                    account_handle.docflow(id).await?;
                }
                core += started.elapsed().as_secs_f64();
                let started = Instant::now();
                for _ in 0..n / rounds {
                    get().await?;
                }
                bare += started.elapsed().as_secs_f64();
            }
            println!(
                "{}",
                serde_json::json!({ "calls": n / rounds * rounds, "core_s": core, "reqwest_s": bare })
            );
        }
        "throughput" => {
            let client = Arc::new(client);
            let started = Instant::now();
            let per_task = n.div_ceil(20);
            let tasks: Vec<_> = (0..20)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move {
                        let handle = client.account(account);
                        for _ in 0..per_task {
                            handle.docflow(id).await?;
                        }
                        Ok::<_, extern_api_core::Error>(())
                    })
                })
                .collect();
            for t in tasks {
                t.await??;
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{}",
                serde_json::json!({ "calls": per_task * 20, "core_rps": (per_task * 20) as f64 / secs })
            );
        }
        other => return Err(format!("unknown mode {other:?}").into()),
    }
    Ok(())
}
