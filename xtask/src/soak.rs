//! `cargo xtask soak [--reports N] [--fault-rate P] [--seed S] [--restarts K]`: N reports filed
//! under faults on every route by a caller that retries on every error (core's `soak` example),
//! in release builds. With `--restarts K` the sandbox runs as its own process and the filing
//! process is killed (SIGKILL) K times at random moments and started again on the same journal:
//! the last run must still print `N reports: N finished, 0 filed twice, 0 lost`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

pub struct SoakArgs {
    pub reports: usize,
    pub fault_rate: f64,
    pub seed: u64,
    pub restarts: u32,
}

pub fn run(root: &Path, args: &SoakArgs) -> Result<()> {
    eprintln!("building release binaries…");
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "extern-api-core",
            "-p",
            "extern-api-sandbox",
            "--example",
            "soak",
            "--bin",
            "extern-api-sandbox",
        ])
        .status()
        .context("cargo build")?;
    if !status.success() {
        bail!("the release build failed");
    }
    let bin = root.join("target/release");
    let soak = bin.join("examples/soak");
    let common = [
        "--reports".to_string(),
        args.reports.to_string(),
        "--fault-rate".to_string(),
        args.fault_rate.to_string(),
        "--seed".to_string(),
        args.seed.to_string(),
    ];
    if args.restarts == 0 {
        let status = Command::new(&soak).args(&common).status()?;
        if !status.success() {
            bail!("the soak failed");
        }
        return Ok(());
    }

    let dir = tempfile::tempdir()?;
    let config = dir.path().join("sandbox.toml");
    let printed = Command::new(&soak)
        .args(&common)
        .arg("--print-config")
        .output()
        .context("asking the soak for its faults")?;
    std::fs::write(&config, &printed.stdout)?;
    let port = 40_000 + (std::process::id() % 20_000) as u16;
    let _sandbox = crate::bench::Sandbox::start(&bin, port, Some(&config))?;
    let url = format!("http://127.0.0.1:{port}");
    let journal = dir.path().join("journal.sqlite");
    let client = || {
        let mut c = Command::new(&soak);
        c.args(&common)
            .args(["--sandbox-url", &url])
            .arg("--journal")
            .arg(&journal);
        c
    };
    // A reproducible moment to kill at: 0.3 to 1.5 s into each run.
    let mut state = args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in 1..=args.restarts {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let after = Duration::from_millis(300 + state % 1200);
        let mut child = client()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the soak")?;
        std::thread::sleep(after);
        let finished_early = child.try_wait()?.is_some();
        if !finished_early {
            child.kill()?; // SIGKILL: no destructor, no flush, like a crash
        }
        child.wait()?;
        eprintln!(
            "run {i}/{}: {} after {} ms",
            args.restarts,
            if finished_early { "finished" } else { "killed" },
            after.as_millis()
        );
    }
    let status = client().status()?;
    if !status.success() {
        bail!("the soak failed after {} restarts", args.restarts);
    }
    Ok(())
}
