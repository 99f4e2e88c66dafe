//! `cargo xtask bench [--quick]`: release builds of the sandbox and of core's bench clients, run
//! side by side with their baselines on this machine, printed as one table (ours, baseline,
//! ratio, goal). `--quick` runs every figure at small sizes and asserts nothing numeric.
//!
//! Figures so far: per-call overhead (core vs bare reqwest), throughput at 20 in flight (core vs
//! wrk), contents (1 GiB through core: peak RSS, and download speed vs curl), and the sandbox
//! (wrk throughput, resident memory with many docflows). The events and send_report figures
//! are not measured yet.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Sizes of one run.
struct Sizes {
    calls: usize,
    wrk_seconds: u32,
    contents_mib: u64,
    docflows: u64,
}

const QUICK: Sizes = Sizes {
    calls: 500,
    wrk_seconds: 2,
    contents_mib: 64,
    docflows: 2_000,
};
const FULL: Sizes = Sizes {
    calls: 10_000,
    wrk_seconds: 10,
    contents_mib: 1024,
    docflows: 100_000,
};

/// One line of the table.
struct Row {
    figure: String,
    ours: String,
    baseline: String,
    ratio: String,
    goal: String,
}

pub fn run(root: &Path, quick: bool) -> Result<()> {
    let sizes = if quick { QUICK } else { FULL };
    let started = Instant::now();
    eprintln!("building release binaries…");
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "extern-api-sandbox",
            "-p",
            "extern-api-core",
            "--bin",
            "extern-api-sandbox",
            "--example",
            "bench_client",
            "--example",
            "contents_roundtrip",
        ])
        .status()
        .context("cargo build")?;
    if !status.success() {
        bail!("the release build failed");
    }
    let bin = root.join("target/release");
    let wrk = ensure_wrk();
    let port = 20_000 + (std::process::id() % 20_000) as u16;
    let base = format!("http://127.0.0.1:{port}");
    let mut sandbox = Sandbox::start(&bin, port)?;
    let client = |args: &[&str]| -> Result<Value> {
        let out = Command::new(bin.join("examples/bench_client"))
            .args(args)
            .env("EXTERN_BASE_URL", &base)
            .output()
            .context("bench_client")?;
        if !out.status.success() {
            bail!(
                "bench_client {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let setup = client(&["setup"])?;
    let token = setup["token"].as_str().unwrap_or_default().to_string();
    let url = format!("{base}{}", setup["path"].as_str().unwrap_or_default());
    let mut rows = Vec::new();

    // 1. Per-call overhead.
    let o = client(&["overhead", &sizes.calls.to_string()])?;
    let (core, bare) = (f(&o["core_s"]), f(&o["reqwest_s"]));
    rows.push(Row {
        figure: format!("{} sequential GET docflow: seconds", sizes.calls),
        ours: format!("{core:.3}"),
        baseline: format!("{bare:.3} (reqwest)"),
        ratio: format!("{:.3}×", core / bare),
        goal: "≤ 1.05×".into(),
    });

    // 2. Throughput at 20 in flight.
    let t = client(&["throughput", &(sizes.calls * 2).to_string()])?;
    let ours = f(&t["core_rps"]);
    let wrk_rps = wrk
        .as_ref()
        .map(|w| wrk_rate(w, &url, &token, sizes.wrk_seconds))
        .transpose()?;
    rows.push(Row {
        figure: "GET docflow at 20 in flight: requests/s".into(),
        ours: format!("{ours:.0}"),
        baseline: wrk_rps.map_or("wrk missing".into(), |w| format!("{w:.0} (wrk)")),
        ratio: wrk_rps.map_or("–".into(), |w| format!("{:.2}×", ours / w)),
        goal: "≥ 0.9×".into(),
    });

    // 3. Contents.
    let out = Command::new(bin.join("examples/contents_roundtrip"))
        .arg(sizes.contents_mib.to_string())
        .env("EXTERN_BASE_URL", &base)
        .output()
        .context("contents_roundtrip")?;
    if !out.status.success() {
        bail!(
            "contents_roundtrip: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let c: Value = serde_json::from_slice(&out.stdout)?;
    let rss_mib = f(&c["peak_rss_kib"]) / 1024.0;
    rows.push(Row {
        figure: format!(
            "{} MiB up and down: client peak RSS, MiB",
            sizes.contents_mib
        ),
        ours: format!("{rss_mib:.0}"),
        baseline: "–".into(),
        ratio: "–".into(),
        goal: "≤ 48 MiB".into(),
    });
    let down = f(&c["download_mib_s"]);
    let curl = curl_download(
        &format!(
            "{base}/v1/{}/contents/{}",
            c["account"].as_str().unwrap_or_default(),
            c["content_id"].as_str().unwrap_or_default()
        ),
        &token,
        sizes.contents_mib,
    );
    rows.push(Row {
        figure: "contents download: MiB/s".into(),
        ours: format!("{down:.0}"),
        baseline: curl.map_or("curl missing".into(), |v| format!("{v:.0} (curl)")),
        ratio: curl.map_or("–".into(), |v| format!("{:.2}×", down / v)),
        goal: "≥ 0.8×".into(),
    });
    rows.push(Row {
        figure: "contents upload: MiB/s".into(),
        ours: format!("{:.0}", f(&c["upload_mib_s"])),
        baseline: "not measured yet".into(),
        ratio: "–".into(),
        goal: "≥ 0.8×".into(),
    });

    // 6. The sandbox: throughput, and memory with many docflows.
    let held = sandbox.generate(&base, sizes.docflows)?;
    let rss = sandbox.rss_mib();
    rows.push(Row {
        figure: format!("sandbox resident memory with {held} docflows: MiB"),
        ours: format!("{rss:.0}"),
        baseline: "–".into(),
        ratio: "–".into(),
        goal: "1 000 000 docflows held".into(),
    });
    if let Some(w) = &wrk {
        let rate = wrk_rate(w, &url, &token, sizes.wrk_seconds)?;
        rows.push(Row {
            figure: format!("sandbox GET docflow under wrk with {held} held: requests/s"),
            ours: format!("{rate:.0}"),
            baseline: "–".into(),
            ratio: "–".into(),
            goal: "–".into(),
        });
    }
    drop(sandbox);
    print_table(&rows, quick, started.elapsed());
    Ok(())
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// wrk from PATH, or installed with apt when running as root; `None` with instructions otherwise.
fn ensure_wrk() -> Option<PathBuf> {
    let found = || {
        Command::new("sh")
            .args(["-c", "command -v wrk"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
    };
    if let Some(p) = found() {
        return Some(p);
    }
    eprintln!("wrk is missing: trying `apt-get install -y wrk`…");
    let _ = Command::new("sh")
        .args([
            "-c",
            "(apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1",
        ])
        .status();
    let p = found();
    if p.is_none() {
        eprintln!(
            "could not install wrk; install it (`sudo apt-get install wrk`) for the baselines"
        );
    }
    p
}

fn wrk_rate(wrk: &Path, url: &str, token: &str, seconds: u32) -> Result<f64> {
    let out = Command::new(wrk)
        .args(["-t2", "-c20", &format!("-d{seconds}s"), "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(url)
        .output()
        .context("wrk")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no rate in wrk's output: {text}"))
}

/// curl's download speed of a whole content, in MiB/s.
fn curl_download(url: &str, token: &str, mib: u64) -> Option<f64> {
    let started = Instant::now();
    let out = Command::new("curl")
        .args(["-sf", "-o", "/dev/null", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(url)
        .status()
        .ok()?;
    out.success()
        .then(|| mib as f64 / started.elapsed().as_secs_f64())
}

/// The sandbox binary, killed on drop.
struct Sandbox {
    child: Child,
}

impl Sandbox {
    fn start(bin: &Path, port: u16) -> Result<Self> {
        let mut child = Command::new(bin.join("extern-api-sandbox"))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the sandbox")?;
        let stdout = child.stdout.take().context("sandbox stdout")?;
        // It prints its URL once listening.
        let mut lines = BufReader::new(stdout);
        let mut first = String::new();
        lines.read_line(&mut first)?;
        // Keep reading what it prints later: a closed pipe would kill it on its next line.
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        std::thread::sleep(Duration::from_millis(50));
        Ok(Self { child })
    }

    /// Generates docflows in batches up to `count`; answers how many were made.
    fn generate(&mut self, base: &str, count: u64) -> Result<u64> {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()?;
        let mut made = 0;
        while made < count {
            let batch = (count - made).min(10_000);
            http.post(format!("{base}/test-tools/v1/generate-docflows"))
                .header("X-Kontur-Apikey", "sandbox-api-key")
                .json(&serde_json::json!({ "count": batch, "ifns-code": "0087" }))
                .send()?
                .error_for_status()?;
            made += batch;
        }
        Ok(made)
    }

    fn rss_mib(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map_or(f64::NAN, |kib| kib / 1024.0)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn print_table(rows: &[Row], quick: bool, took: Duration) {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "extern-api bench{} — {cpus} CPUs, release builds, client and sandbox on one loopback ({:.0} s)\n",
        if quick {
            " --quick (small sizes, not comparable)"
        } else {
            ""
        },
        took.as_secs_f64()
    );
    println!("| figure | ours | baseline | ratio | goal |");
    println!("|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} |",
            r.figure, r.ours, r.baseline, r.ratio, r.goal
        );
    }
}
