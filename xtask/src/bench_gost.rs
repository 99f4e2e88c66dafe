//! The bench's GOST line: signatures per second of a 1 MiB report with a GOST R 34.10-2012 key,
//! through the SDK's `OpensslSigner` next to `openssl cms -sign` on the same file and key. Runs
//! only where the gost engine is installed (libengine-gost-openssl); says so otherwise.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// The OpenSSL configuration that loads the engine for the `openssl` command.
const CONFIG: &str = "openssl_conf = openssl_def\n[openssl_def]\nengines = engine_section\n\
[engine_section]\ngost = gost_section\n[gost_section]\nengine_id = gost\ndefault_algorithms = ALL\n";

/// (ours, the command's) signatures per second, or `None` when the engine is missing.
pub fn signatures_per_second(root: &Path, n: usize) -> Result<Option<(f64, f64)>> {
    let dir = tempfile::tempdir()?;
    let conf = dir.path().join("gost.cnf");
    std::fs::write(&conf, CONFIG)?;
    let openssl = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .env("OPENSSL_CONF", &conf)
            .output()
    };
    let key = openssl(&[
        "genpkey",
        "-algorithm",
        "gost2012_256",
        "-pkeyopt",
        "paramset:A",
        "-out",
        "key.pem",
    ]);
    if !key.is_ok_and(|o| o.status.success()) {
        eprintln!("the gost engine is missing (apt install libengine-gost-openssl): no GOST line");
        return Ok(None);
    }
    let cert = openssl(&[
        "req",
        "-new",
        "-x509",
        "-key",
        "key.pem",
        "-out",
        "cert.pem",
        "-subj",
        "/CN=bench",
        "-days",
        "2",
    ])?;
    if !cert.status.success() {
        bail!("openssl req: {}", String::from_utf8_lossy(&cert.stderr));
    }
    // The sample report, repeated to 1 MiB.
    let report = std::fs::read(root.join(
        "crates/extern-api-core/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml",
    ))?;
    let file: Vec<u8> = report.iter().copied().cycle().take(1 << 20).collect();
    std::fs::write(dir.path().join("report.xml"), &file)?;

    let build = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "extern-api-core",
            "--features",
            "openssl",
            "--example",
            "gost_sign_bench",
        ])
        .status()
        .context("cargo build gost_sign_bench")?;
    if !build.success() {
        bail!("building gost_sign_bench failed (libssl-dev missing?)");
    }
    let ours = Command::new(root.join("target/release/examples/gost_sign_bench"))
        .args(["key.pem", "cert.pem", "report.xml", &n.to_string()])
        .current_dir(dir.path())
        .output()
        .context("gost_sign_bench")?;
    if !ours.status.success() {
        bail!("gost_sign_bench: {}", String::from_utf8_lossy(&ours.stderr));
    }
    let ours: serde_json::Value = serde_json::from_slice(&ours.stdout)?;

    let started = Instant::now();
    for _ in 0..n {
        let out = openssl(&[
            "cms",
            "-sign",
            "-binary",
            "-in",
            "report.xml",
            "-signer",
            "cert.pem",
            "-inkey",
            "key.pem",
            "-outform",
            "DER",
            "-out",
            "report.sig",
        ])?;
        if !out.status.success() {
            bail!(
                "openssl cms -sign: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let theirs = n as f64 / started.elapsed().as_secs_f64();
    Ok(Some((
        ours["signatures_per_s"].as_f64().unwrap_or(f64::NAN),
        theirs,
    )))
}
