//! `extern-api-sandbox --listen 127.0.0.1:8080 [--config sandbox.toml] [--data-dir DIR] [--gost]`:
//! runs the sandbox until Ctrl-C (or SIGTERM), after printing its URL and the seeded credentials.
//! `--data-dir DIR` keeps its state in DIR (SQLite and contents' files) and, started again with
//! the same DIR, continues where it stopped — killed or not: a change is written before the
//! request that made it is answered. `--gost` (or `gost = true` in
//! the file) runs it in GOST mode, as the vendor's test site works: its own signatures are GOST
//! R 34.10-2012 with Streebog and test certificates are gost2012-256 unless asked otherwise; it
//! needs a build with the cargo feature `gost` and OpenSSL's gost engine (Debian package
//! libengine-gost-openssl).

use std::net::SocketAddr;
use std::process::ExitCode;

use extern_api_sandbox::{Sandbox, SandboxConfig};

/// mimalloc: a busy sandbox spent a fifth of its time in glibc's malloc and free (perf, GET
/// docflow under wrk); with mimalloc it answers a quarter more requests (`cargo xtask bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: extern-api-sandbox [--listen 127.0.0.1:8080] [--config sandbox.toml] [--data-dir DIR] [--gost]";

fn parse_args() -> Result<(SocketAddr, SandboxConfig), String> {
    let mut listen: SocketAddr = "127.0.0.1:8080".parse().expect("valid address");
    let mut config = SandboxConfig::default();
    // Applied after the loop, so that a `--config` after it does not undo it.
    let mut gost = false;
    let mut data_dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                let v = args.next().ok_or("--listen needs an address")?;
                listen = v
                    .parse()
                    .map_err(|_| format!("--listen {v:?} is not an address like 127.0.0.1:8080"))?;
            }
            "--config" => {
                let path = args.next().ok_or("--config needs a file")?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                config = SandboxConfig::from_toml(&text).map_err(|e| format!("{path}: {e}"))?;
            }
            "--data-dir" => data_dir = Some(args.next().ok_or("--data-dir needs a directory")?),
            "--gost" => gost = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    config.gost |= gost;
    if let Some(dir) = data_dir {
        config.data_dir = Some(dir.into());
    }
    Ok((listen, config))
}

/// Ctrl-C, or SIGTERM where there is one (a service manager's stop).
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main]
async fn main() -> ExitCode {
    let (listen, config) = match parse_args() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::bind(config, listen).await {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {
            eprintln!("cannot start: {e}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot start on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let c = sandbox.config();
    println!("Extern API sandbox at {}", sandbox.url());
    println!("  token endpoint  {}", sandbox.token_url());
    println!("  client_id       {}", c.client_id);
    println!("  api-key         {}", c.api_key);
    println!("  login/password  {} / {}", c.login, c.password);
    println!("  legacy auth.sid {}", c.legacy_sid);
    println!("  organization    INN {} KPP {}", c.inn, c.kpp);
    if c.gost {
        println!("  signatures      GOST R 34.10-2012 / Streebog-256 (GOST mode)");
    }
    if let Some(dir) = &c.data_dir {
        println!("  data directory  {}", dir.display());
    }
    println!("Ctrl-C stops it.");
    stopped().await;
    drop(sandbox);
    println!("stopped");
    ExitCode::SUCCESS
}
