//! For `cargo xtask bench`: signs one file `n` times with a GOST key through `OpensslSigner` and
//! prints `{"signatures", "seconds", "signatures_per_s"}`.
//!
//! ```sh
//! cargo run --release -p extern-api-core --features openssl --example gost_sign_bench -- key.pem cert.pem report.xml 100
//! ```

use std::time::Instant;

use extern_api_core::crypto::{OpensslSigner, Signer};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [key, cert, file, n] = args.as_slice() else {
        return Err("usage: gost_sign_bench KEY.pem CERT.pem FILE N".into());
    };
    let n: usize = n.parse()?;
    let signer = OpensslSigner::from_pem(&std::fs::read(key)?, &std::fs::read(cert)?)?;
    let content = std::fs::read(file)?;
    let started = Instant::now();
    for _ in 0..n {
        let signature = signer.sign(&content).await?;
        std::hint::black_box(signature);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({ "signatures": n, "seconds": seconds, "signatures_per_s": n as f64 / seconds, "algorithm": signer.algorithm() })
    );
    Ok(())
}
