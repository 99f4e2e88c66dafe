//! N reports through a sandbox that injects faults on every route — errors, resets, truncated
//! answers, and answers lost after the server acted on a send or an added document — by a caller
//! that retries `send_report` on every error with the report's idempotency key. Prints
//! `N reports: N finished, 0 filed twice, 0 lost` when the SDK keeps its promise, and fails
//! otherwise. Run through `cargo xtask soak [--reports N] [--fault-rate P]`, or directly:
//!
//! ```sh
//! cargo run --release -p extern-api-core --example soak -- --reports 500 --fault-rate 0.1
//! ```
//!
//! With `--sandbox-url URL --journal FILE` it files through a sandbox running elsewhere (started
//! with the faults `--print-config` prints) and keeps its journal in FILE, so that a process
//! killed mid-run and started again continues: `cargo xtask soak --restarts 3` does that.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use extern_api_core::raw::prelude::*;
use extern_api_core::stores::SqliteJournal;
use extern_api_core::{
    ExternClient, Idempotency, RetryPolicy,
    auth::Credentials,
    crypto::SoftwareSigner,
    workflows::{Recipient, ReportFile, ReportRequest},
};
use extern_api_sandbox::{FaultConfig, FaultRule, RobotTimings, Sandbox, SandboxConfig};
use futures::StreamExt;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml"
);
const FIXTURE_GUID: &str = "39fc932f-9cf2-4344-821a-4d71167ca1e0";
/// A caller that gives up after this many errors in a row has lost the report.
const CALLER_ATTEMPTS: u32 = 30;

struct Args {
    reports: usize,
    fault_rate: f64,
    seed: u64,
    sandbox_url: Option<String>,
    journal: Option<std::path::PathBuf>,
    print_config: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        reports: 100,
        fault_rate: 0.1,
        seed: 1,
        sandbox_url: None,
        journal: None,
        print_config: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--print-config" {
            a.print_config = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--reports" => a.reports = value.parse().map_err(|e| format!("--reports: {e}"))?,
            "--fault-rate" => {
                a.fault_rate = value.parse().map_err(|e| format!("--fault-rate: {e}"))?
            }
            "--seed" => a.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--sandbox-url" => a.sandbox_url = Some(value),
            "--journal" => a.journal = Some(value.into()),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if !(0.0..=0.5).contains(&a.fault_rate) {
        return Err("--fault-rate must be between 0 and 0.5".into());
    }
    Ok(a)
}

/// Faults on every route at `rate` in all: lost answers after the server acted on the two steps
/// that create something, then errors, resets and truncations everywhere.
fn faults(rate: f64, seed: u64) -> FaultConfig {
    let after_effect = |path: &str| FaultRule {
        path: path.into(),
        method: "POST".into(),
        error_503: rate / 2.0,
        reset: rate / 2.0,
        after_effect: true,
        ..Default::default()
    };
    FaultConfig {
        seed,
        rules: vec![
            after_effect("/send"),
            after_effect("/documents"),
            FaultRule {
                error_500: rate * 0.25,
                error_503: rate * 0.25,
                error_429: rate * 0.2,
                reset: rate * 0.15,
                truncate: rate * 0.15,
                latency: rate,
                latency_ms: 20,
                ..Default::default()
            },
        ],
    }
}

/// The same settings as TOML, for a sandbox binary (`extern-api-sandbox --config FILE`).
fn config_toml(config: &FaultConfig) -> String {
    let mut out = String::from(
        "task-delay-ms = 0\n[robots]\nreceipt-ms = 0\nacceptance-ms = 0\nprocessing-ms = 0\n",
    );
    out.push_str(&format!("[faults]\nseed = {}\n", config.seed));
    for r in &config.rules {
        out.push_str(&format!(
            "[[faults.rules]]\npath = {:?}\nmethod = {:?}\nerror-500 = {}\nerror-503 = {}\n\
             error-429 = {}\nreset = {}\ntruncate = {}\nlatency = {}\nlatency-ms = {}\n\
             after-effect = {}\n",
            r.path,
            r.method,
            r.error_500,
            r.error_503,
            r.error_429,
            r.reset,
            r.truncate,
            r.latency,
            r.latency_ms,
            r.after_effect
        ));
    }
    out
}

/// The sample report under its own ИдФайл (the file id is ASCII, so the bytes are patched).
fn report(n: usize) -> (String, ReportFile) {
    let guid = uuid::Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0000 | n as u128);
    let guid = guid.to_string();
    let bytes = std::fs::read(FIXTURE).expect("the fixture is in the repository");
    let text = bytes
        .windows(FIXTURE_GUID.len())
        .position(|w| w == FIXTURE_GUID.as_bytes())
        .expect("the fixture names its file id");
    let mut patched = bytes.clone();
    patched[text..text + guid.len()].copy_from_slice(guid.as_bytes());
    let name = std::path::Path::new(FIXTURE)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .replace(FIXTURE_GUID, &guid);
    let file = ReportFile {
        name: Some(name.clone()),
        content: patched.into(),
    };
    (name, file)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    let faults = faults(args.fault_rate, args.seed);
    if args.print_config {
        print!("{}", config_toml(&faults));
        return Ok(());
    }
    // In-process, or a sandbox elsewhere (its settings are the defaults but for the faults).
    let sandbox = match &args.sandbox_url {
        Some(_) => None,
        None => Some(
            Sandbox::start(SandboxConfig {
                faults,
                robots: RobotTimings::immediate(),
                task_delay_ms: 0,
                ..SandboxConfig::default()
            })
            .await?,
        ),
    };
    let url = match (&sandbox, &args.sandbox_url) {
        (Some(s), _) => s.url(),
        (None, Some(u)) => u.clone(),
        (None, None) => unreachable!("one of the two is set above"),
    };
    let c = SandboxConfig::default();
    let scratch = std::env::temp_dir().join(format!("soak-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&scratch)?;
    let journal_file = args
        .journal
        .clone()
        .unwrap_or_else(|| scratch.join("journal.sqlite"));
    let journal = Arc::new(SqliteJournal::open(journal_file)?);
    let client = ExternClient::builder()
        .base_url(&url)
        .credentials(Credentials::password(
            &c.client_id,
            c.api_key.as_str(),
            &c.login,
            c.password.as_str(),
        ))
        .retry(RetryPolicy {
            max_retries: 6,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(100),
        })
        .journal(journal)
        .build()?;
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/test-tools/v1/generate-certificate"))
        .header("X-Kontur-Apikey", &c.api_key)
        .json(&serde_json::json!({ "inn": c.inn, "kpp": c.kpp, "algorithm": "ecdsa" }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let cert = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap_or_default())?;
    let signer =
        SoftwareSigner::from_pem(issued["private-key"].as_str().unwrap_or_default(), cert)?;
    let account = client.accounts().await?[0].id;

    let started = Instant::now();
    let (client, signer) = (&client, &signer);
    let (inn, kpp) = (&c.inn, &c.kpp);
    let results: Vec<(String, Result<u32, String>)> = futures::stream::iter(0..args.reports)
        .map(|n| async move {
            let (name, file) = report(n);
            let mut request = ReportRequest::new(
                account,
                inn.clone(),
                Some(kpp.clone()),
                Recipient::Fns("0087".into()),
                vec![file],
            );
            request.follow_interval = Duration::from_millis(20);
            request.deadline = Duration::from_secs(120);
            request.idempotency_key = Some(format!("soak-{n}"));
            // The caller retries on every error, as a natural program would.
            let mut errors = 0;
            let outcome = loop {
                match client.send_report(&request, signer, None).await {
                    Ok(o) if o.finished => break Ok(errors),
                    Ok(_) => errors += 1,
                    Err(e) => {
                        errors += 1;
                        if errors >= CALLER_ATTEMPTS {
                            break Err(format!("{e:#}"));
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            };
            (name, outcome)
        })
        .buffer_unordered(20)
        .collect()
        .await;
    let elapsed = started.elapsed();

    // Count the docflows each report became, by the file name of its report document.
    let mut filed: HashMap<String, usize> = HashMap::new();
    let mut skip = 0;
    loop {
        let page = client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_search()
                    .account_id(account)
                    .skip(skip)
                    .take(1000)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        let ids: Vec<uuid::Uuid> = page.docflows_page_item.iter().map(|d| d.id).collect();
        if ids.is_empty() {
            break;
        }
        skip += ids.len() as i64;
        let names: Vec<Option<String>> = futures::stream::iter(ids)
            .map(|id| async move {
                let d = client.account(account).docflows().get(id).await.ok()?;
                d.documents.iter().find_map(|doc| {
                    let desc = doc.description.as_ref()?;
                    (desc.type_.as_deref() == Some("urn:document:fns534-report"))
                        .then(|| desc.filename.clone())
                        .flatten()
                })
            })
            .buffer_unordered(20)
            .collect()
            .await;
        for name in names.into_iter().flatten() {
            *filed.entry(name).or_default() += 1;
        }
    }
    let finished = results.iter().filter(|(_, r)| r.is_ok()).count();
    let lost: Vec<&(String, Result<u32, String>)> =
        results.iter().filter(|(_, r)| r.is_err()).collect();
    let twice = filed.values().filter(|&&n| n > 1).count();
    let caller_retries: u32 = results.iter().filter_map(|(_, r)| r.as_ref().ok()).sum();
    for (name, why) in &lost {
        eprintln!("lost {name}: {why:?}");
    }
    for (name, n) in filed.iter().filter(|(_, n)| **n > 1) {
        eprintln!("filed {n} times: {name}");
    }
    let injected = sandbox
        .as_ref()
        .map(|s| format!("{} faults injected, ", s.faults_injected()))
        .unwrap_or_default();
    println!(
        "{} reports: {finished} finished, {twice} filed twice, {} lost ({injected}{caller_retries} caller retries, {:.1} s)",
        args.reports,
        lost.len(),
        elapsed.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(scratch);
    if finished != args.reports || twice > 0 || !lost.is_empty() {
        return Err("the soak lost or duplicated reports".into());
    }
    Ok(())
}
