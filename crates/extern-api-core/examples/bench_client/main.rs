//! The client side of `cargo xtask bench`: measures extern-api-core against a running sandbox
//! and prints one JSON line per mode. Not meant to be run by hand, though it can be:
//!
//! ```sh
//! EXTERN_BASE_URL=http://127.0.0.1:8080 cargo run --release -p extern-api-core --example bench_client -- setup
//! ```
//!
//! Modes: `setup` (a docflow to read, and a token for the baselines), `overhead N` (N sequential
//! GETs of one docflow through core, then through bare reqwest decoding the same type),
//! `throughput N` (N GETs through core at 20 in flight), `events N` (the first N events of the
//! feed through the monitor), `events-bare N` (the same feed pages read by a bare reqwest loop,
//! the monitor's floor), `reports N` (N reports sent to 0087 and followed to their final state,
//! 20 at a time, with every HTTP call counted by operation).

mod calls;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use extern_api_core::raw::types;
use extern_api_core::stores::{CursorStore, MemoryCursorStore};
use extern_api_core::workflows::MonitorOptions;
use extern_api_core::{
    ExternClient,
    auth::Credentials,
    workflows::{Recipient, ReportFile, ReportRequest},
};

/// The sample report (from the vendor's FNS samples, test inspection 0087).
const REPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml"
);

/// Operations that wait for the server rather than move the report on: task and docflow polls.
const POLLS: &[&str] = &["drafts_get_task", "docflows_get"];

type Failure = Box<dyn std::error::Error>;

/// A page of the feed as the bare loop reads it: the event ids and nothing else.
#[derive(serde::Deserialize)]
struct BarePage {
    #[serde(rename = "api-events")]
    api_events: Vec<BareEvent>,
}

#[derive(serde::Deserialize)]
struct BareEvent {
    id: String,
}

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
    // The first docflow only: the account may hold a million.
    let first = || async {
        let docflows = client.account(account).docflows().all(Default::default());
        futures::pin_mut!(docflows);
        docflows.try_next().await.map(|d| d.map(|d| d.id))
    };
    if let Some(id) = first().await? {
        return Ok(id);
    }
    reqwest::Client::new()
        .post(format!("{base}/test-tools/v1/generate-docflows"))
        .header("X-Kontur-Apikey", "sandbox-api-key")
        .json(&serde_json::json!({ "count": 1, "ifns-code": "0087" }))
        .send()
        .await?
        .error_for_status()?;
    Ok(first().await?.ok_or("no docflow generated")?)
}

fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "setup".into());
    let n: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);
    // A monitor is one sequential loop: a runtime on one thread spares it the cross-thread
    // wake-ups a multi-threaded one pays per request; its bare floor runs on the same. The rest
    // run on the usual runtime.
    let runtime = match mode.as_str() {
        "events" | "events-bare" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        _ => tokio::runtime::Runtime::new()?,
    };
    runtime.block_on(run(&mode, n))
}

async fn run(mode: &str, n: usize) -> Result<(), Failure> {
    let base = std::env::var("EXTERN_BASE_URL").map_err(|_| "set EXTERN_BASE_URL")?;
    let (client, account) = client(&base).await?;
    let id = docflow(&base, &client, account).await?;
    match mode {
        "setup" => {
            println!(
                "{}",
                serde_json::json!({
                    "account": account,
                    "path": format!("/v1/{account}/docflows/{id}"),
                    "token": token(&client).await?,
                })
            );
        }
        "overhead" => {
            let account_handle = client.account(account);
            let http = reqwest::Client::new();
            let url = format!("{base}/v1/{account}/docflows/{id}");
            let bearer = format!("Bearer {}", token(&client).await?);
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
            account_handle.docflows().get(id).await?;
            get().await?;
            // Wall time is mostly the sandbox's and moves with the machine; this process's CPU
            // time per phase is the client's own cost, which is what differs between the two.
            let (mut core, mut bare, mut core_cpu, mut bare_cpu) = (0.0, 0.0, 0.0, 0.0);
            let rounds = 10;
            for _ in 0..rounds {
                let (started, cpu) = (Instant::now(), cpu_seconds());
                for _ in 0..n / rounds {
                    account_handle.docflows().get(id).await?;
                }
                core += started.elapsed().as_secs_f64();
                core_cpu += cpu_seconds() - cpu;
                let (started, cpu) = (Instant::now(), cpu_seconds());
                for _ in 0..n / rounds {
                    get().await?;
                }
                bare += started.elapsed().as_secs_f64();
                bare_cpu += cpu_seconds() - cpu;
            }
            println!(
                "{}",
                serde_json::json!({
                    "calls": n / rounds * rounds,
                    "core_s": core,
                    "reqwest_s": bare,
                    "core_cpu_s": core_cpu,
                    "reqwest_cpu_s": bare_cpu,
                })
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
                            handle.docflows().get(id).await?;
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
        "events" => {
            // `BENCH_CURSORS=sqlite:<file>` keeps the cursor durable in SQLite, as a real monitor does.
            let cursors: Arc<dyn CursorStore> = match std::env::var("BENCH_CURSORS") {
                Ok(v) if v.starts_with("sqlite:") => {
                    Arc::new(extern_api_core::stores::SqliteCursorStore::open(&v[7..])?)
                }
                _ => Arc::new(MemoryCursorStore::default()),
            };
            let mut options = MonitorOptions::new("bench");
            options.page_size = 1000;
            options.save_every = std::env::var("BENCH_SAVE_EVERY")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let cancel = options.cancel.clone();
            let mut seen = 0usize;
            let (started, cpu) = (Instant::now(), cpu_seconds());
            let run = client.monitor(cursors, options, |_event| {
                seen += 1;
                if seen >= n {
                    cancel.cancel();
                }
                std::future::ready(Ok::<_, std::convert::Infallible>(()))
            });
            tokio::time::timeout(Duration::from_secs(3600), run)
                .await
                .map_err(|_| "the feed has fewer events than asked for")??;
            let secs = started.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu;
            println!(
                "{}",
                serde_json::json!({ "events": seen, "seconds": secs, "events_per_s": seen as f64 / secs, "cpu_seconds": cpu })
            );
        }
        "events-bare" => {
            // The floor under the monitor: the same pages of 1000, each from the last id of the
            // one before, decoded only as far as the ids; no cursor store, no typed events.
            let http = reqwest::Client::new();
            let url = format!("{base}/v1/events");
            let bearer = format!("Bearer {}", token(&client).await?);
            let mut from: Option<String> = None;
            let mut seen = 0usize;
            let (started, cpu) = (Instant::now(), cpu_seconds());
            while seen < n {
                let mut request = http
                    .get(&url)
                    .header("Authorization", &bearer)
                    .query(&[("take", "1000")]);
                if let Some(from) = &from {
                    request = request.query(&[("fromId", from)]);
                }
                let bytes = request.send().await?.error_for_status()?.bytes().await?;
                let page: BarePage = serde_json::from_slice(&bytes)?;
                let Some(last) = page.api_events.last() else {
                    return Err(format!("the feed ended after {seen} events").into());
                };
                seen += page.api_events.len().min(n - seen);
                from = Some(last.id.clone());
            }
            let secs = started.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu;
            println!(
                "{}",
                serde_json::json!({ "events": seen, "seconds": secs, "events_per_s": seen as f64 / secs, "cpu_seconds": cpu })
            );
        }
        "reports" => reports(&base, client, account, n).await?,
        other => return Err(format!("unknown mode {other:?}").into()),
    }
    Ok(())
}

/// The client's access token, for the baselines that call the API without core.
async fn token(client: &ExternClient) -> Result<String, Failure> {
    let token = client
        .tokens()
        .ok_or("no token cache")?
        .access_token()
        .await
        .map_err(|e| e.to_string())?;
    Ok(token.expose().to_string())
}

/// `n` reports to 0087, 20 at a time, each followed to its final state; prints the wall time, the
/// HTTP calls per operation with the seconds spent in them, and the calls per report besides polls.
async fn reports(
    base: &str,
    client: ExternClient,
    account: uuid::Uuid,
    n: usize,
) -> Result<(), Failure> {
    use base64::Engine;
    let calls = calls::Calls::install();
    let sandbox = extern_api_sandbox::SandboxConfig::default();
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/test-tools/v1/generate-certificate"))
        .header("X-Kontur-Apikey", &sandbox.api_key)
        .json(&serde_json::json!({ "inn": sandbox.inn, "kpp": sandbox.kpp, "fio": "Иванов Иван Иванович" }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap_or_default())?;
    let signer = Arc::new(extern_api_core::crypto::SoftwareSigner::from_pem(
        issued["private-key"].as_str().unwrap_or_default(),
        certificate,
    )?);
    let mut request = ReportRequest::new(
        account,
        sandbox.inn.clone(),
        Some(sandbox.kpp.clone()),
        Recipient::Fns("0087".into()),
        vec![ReportFile::read(REPORT).await?],
    );
    request.follow_interval = Duration::from_millis(50);
    let (client, request) = (Arc::new(client), Arc::new(request));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    // More reports than lanes: while some wait on a task or a robot, the others use the lanes.
    // The client itself keeps HTTP requests at 20 in flight (its default limit).
    let reports_at_once: usize = std::env::var("BENCH_REPORTS_AT_ONCE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let workers: Vec<_> = (0..reports_at_once)
        .map(|_| {
            let (client, request, signer, next) = (
                client.clone(),
                request.clone(),
                signer.clone(),
                next.clone(),
            );
            tokio::spawn(async move {
                let mut unfinished = 0usize;
                while next.fetch_add(1, Ordering::Relaxed) < n {
                    let outcome = client.send_report(&request, signer.as_ref(), None).await?;
                    unfinished += usize::from(!outcome.finished);
                }
                Ok::<_, extern_api_core::Error>(unfinished)
            })
        })
        .collect();
    let mut unfinished = 0;
    for w in workers {
        unfinished += w.await??;
    }
    let wall = started.elapsed().as_secs_f64();
    let by_operation = calls.snapshot();
    let busy: f64 = by_operation.values().map(|(_, s)| s).sum();
    let moving: u64 = by_operation
        .iter()
        .filter(|(op, _)| !POLLS.contains(&op.as_str()))
        .map(|(_, (c, _))| c)
        .sum();
    println!(
        "{}",
        serde_json::json!({
            "reports": n,
            "unfinished": unfinished,
            "seconds": wall,
            "busy_seconds": busy,
            "cpu_seconds": cpu_seconds(),
            "calls_per_report_besides_polls": moving as f64 / n as f64,
            "calls": by_operation
                .iter()
                .map(|(op, (c, s))| (op.clone(), serde_json::json!({ "count": c, "seconds": s })))
                .collect::<serde_json::Map<_, _>>(),
        })
    );
    Ok(())
}

/// This process's CPU time (user + system), from /proc (Linux; NaN elsewhere).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name, which is in parentheses and may hold spaces.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(f64::NAN)
}
