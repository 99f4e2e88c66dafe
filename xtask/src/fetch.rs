//! `cargo xtask fetch`: download a vendor document for maintainers who have access to the vendor.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// Downloads `url` to `out`, refusing anything that is not a successful answer.
pub fn run(url: &str, out: &Path) -> Result<()> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("extern-api-xtask/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let response = client
        .get(url)
        .send()
        .with_context(|| format!("downloading {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("{url} answered {status}");
    }
    let bytes = response
        .bytes()
        .with_context(|| format!("reading the body of {url}"))?;
    if bytes.is_empty() {
        bail!("{url} answered with an empty body");
    }
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {} ({} bytes); next: cargo xtask import {} --out <path>",
        out.display(),
        bytes.len(),
        out.display()
    );
    Ok(())
}
