//! Watches the events feed with a durable cursor, answering receipts on the way.
//!
//! With no configuration it starts the sandbox in-process, sends a few reports through its test
//! tools, and follows every event until the reports are finished; the cursor lives in a SQLite
//! file, so running the monitor again continues after the last handled event:
//!
//! ```sh
//! cargo run -p extern-api-core --example monitor
//! ```

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use extern_api_core::model::DocflowExt;
use extern_api_core::model::urn::DocflowStatus;
use extern_api_core::raw::types::ApiEvent;
use extern_api_core::stores::{CursorStore, SqliteCursorStore};
use extern_api_core::workflows::{AutoReply, MonitorOptions};
use extern_api_core::{ExternClient, auth::Credentials, crypto::SoftwareSigner};

const REPORTS: usize = 3;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox =
        extern_api_sandbox::Sandbox::start(extern_api_sandbox::SandboxConfig::default()).await?;
    let c = sandbox.config().clone();
    println!("sandbox at {}", sandbox.url());
    let http = reqwest::Client::new();
    let issued: serde_json::Value = http
        .post(format!(
            "{}/test-tools/v1/generate-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({ "inn": c.inn, "kpp": c.kpp }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let signer = SoftwareSigner::from_pem(
        issued["private-key"].as_str().unwrap_or_default(),
        base64::engine::general_purpose::STANDARD
            .decode(issued["certificate"].as_str().unwrap_or_default())?,
    )?;
    http.post(format!("{}/test-tools/v1/generate-docflows", sandbox.url()))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({ "count": REPORTS, "ifns-code": "0087" }))
        .send()
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
    let file = std::env::temp_dir().join(format!("extern-monitor-{}.sqlite", std::process::id()));
    let cursors: Arc<dyn CursorStore> = Arc::new(SqliteCursorStore::open(&file)?);
    println!("cursor in {}", file.display());

    let mut options = MonitorOptions::new("example");
    options.min_idle = Duration::from_millis(200);
    options.max_idle = Duration::from_secs(2);
    options.auto_reply = Some(AutoReply {
        signer: Arc::new(signer),
        sender_ip: "127.0.0.1".into(),
    });
    let stop = options.cancel.clone();
    let finished = Arc::new(Mutex::new(HashSet::new()));
    let handler_client = client.clone();
    tokio::time::timeout(
        Duration::from_secs(60),
        client.monitor(cursors.clone(), options, move |event: ApiEvent| {
            let (client, finished, stop) = (handler_client.clone(), finished.clone(), stop.clone());
            async move {
                let Some(id) = event.docflow_id.as_deref().and_then(|d| d.parse().ok()) else {
                    return Ok(()); // not about a docflow
                };
                let docflow = client.account(account).docflows().get(id).await?;
                println!(
                    "{} {:<45} docflow {id} is {}",
                    event.id,
                    event.new_state.as_deref().unwrap_or("?"),
                    docflow.status().name()
                );
                if docflow.status() == DocflowStatus::Finished {
                    let mut done = finished.lock().unwrap_or_else(|e| e.into_inner());
                    done.insert(id);
                    if done.len() == REPORTS {
                        stop.cancel();
                    }
                }
                Ok::<_, extern_api_core::Error>(())
            }
        }),
    )
    .await??;
    println!(
        "all {REPORTS} reports finished; the cursor stands at {:?}",
        cursors.load("example").await?
    );
    std::fs::remove_file(&file).ok();
    Ok(())
}
