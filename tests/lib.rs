//! Shared helpers for the integration tests in `tests/tests/`: a sandbox, a client of it, a
//! test certificate, the sample report.

use std::sync::Arc;

use base64::Engine;
use extern_api_core::raw::prelude::*;
use extern_api_core::{
    ExternClient, ExternClientBuilder, Idempotency, auth::Credentials, crypto::SoftwareSigner,
    workflows::ReportFile,
};
use extern_api_sandbox::{Sandbox, SandboxConfig};

pub mod holder;

pub const INN: &str = "6676130154";
pub const KPP: &str = "667601001";
/// The vendor's sample report (see `crates/extern-api-core/examples/fixtures/README.md`).
pub const REPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/extern-api-core/examples/fixtures/NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml"
);
/// The vendor's unsigned ЕФС-1 sample (see the fixtures' README), for the Social Fund.
pub const SFR_REPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/extern-api-core/examples/fixtures/ПФР_000_004_872962_666666_ЕФС_1_20230228_48d931ba_8d10_42c4_b03e.xml"
);

/// A sandbox with a logged-in client and a signer of the seeded organization.
pub struct World {
    pub sandbox: Arc<Sandbox>,
    pub client: ExternClient,
    pub signer: SoftwareSigner,
    pub account: uuid::Uuid,
}

impl World {
    pub async fn start() -> Self {
        Self::start_with(SandboxConfig::for_tests(), |b| b).await
    }

    pub async fn start_with(
        config: SandboxConfig,
        customize: impl FnOnce(ExternClientBuilder) -> ExternClientBuilder,
    ) -> Self {
        let sandbox = Arc::new(Sandbox::start(config).await.unwrap());
        let url = sandbox.url();
        Self::connect(sandbox, &url, customize).await
    }

    /// A client of `sandbox` that talks to it through `url` (e.g. a proxy in front of it).
    pub async fn connect(
        sandbox: Arc<Sandbox>,
        url: &str,
        customize: impl FnOnce(ExternClientBuilder) -> ExternClientBuilder,
    ) -> Self {
        let c = sandbox.config().clone();
        let builder = ExternClient::builder()
            .base_url(url)
            .identity_url(sandbox.url())
            .credentials(Credentials::password(
                &c.client_id,
                c.api_key.as_str(),
                &c.login,
                c.password.as_str(),
            ));
        let client = customize(builder).build().unwrap();
        let signer = issue_signer(&sandbox, INN, KPP).await;
        let accounts = client
            .call(Idempotency::Idempotent, move |c| async move {
                c.accounts_get_all().send().await
            })
            .await
            .unwrap()
            .into_inner();
        let account = accounts.accounts[0].id;
        Self {
            sandbox,
            client,
            signer,
            account,
        }
    }
}

/// A certificate (DER) of `inn`/`kpp` and its PKCS#8 PEM key, issued by the sandbox's test
/// tools (`algorithm`: `ecdsa` or `rsa`).
pub async fn issue_certificate(
    sandbox: &Sandbox,
    inn: &str,
    kpp: &str,
    algorithm: &str,
) -> (Vec<u8>, String) {
    issue_certificate_for(sandbox, inn, Some(kpp), "Иванов Иван Иванович", algorithm).await
}

/// A certificate in the name of `fio` (a person's, when `kpp` is `None`) with its PEM key.
pub async fn issue_certificate_for(
    sandbox: &Sandbox,
    inn: &str,
    kpp: Option<&str>,
    fio: &str,
    algorithm: &str,
) -> (Vec<u8>, String) {
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &sandbox.config().api_key)
        .json(&serde_json::json!({ "inn": inn, "kpp": kpp, "fio": fio, "algorithm": algorithm }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    let cert = base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap())
        .unwrap();
    (cert, issued["private-key"].as_str().unwrap().to_string())
}

/// A signer of `inn`/`kpp` (ECDSA) issued by the sandbox.
pub async fn issue_signer(sandbox: &Sandbox, inn: &str, kpp: &str) -> SoftwareSigner {
    let (cert, key) = issue_certificate(sandbox, inn, kpp, "ecdsa").await;
    SoftwareSigner::from_pem(&key, cert).unwrap()
}

/// An RSA certificate of the seeded organization with its key, able to decrypt what the
/// sandbox encrypts for the organization.
pub async fn issue_decryptor(sandbox: &Sandbox) -> extern_api_core::crypto::SoftwareDecryptor {
    let (cert, key) = issue_certificate(sandbox, INN, KPP, "rsa").await;
    extern_api_core::crypto::SoftwareDecryptor::from_pem(&key, cert).unwrap()
}

/// `count` reports sent to inspection 0087 through the sandbox's test tools.
pub async fn generate_docflows(sandbox: &Sandbox, count: u32) {
    reqwest::Client::new()
        .post(format!("{}/test-tools/v1/generate-docflows", sandbox.url()))
        .header("X-Kontur-Apikey", &sandbox.config().api_key)
        .json(&serde_json::json!({ "count": count, "ifns-code": "0087" }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

/// The sample report to inspection 0087 from the seeded organization, its docflow looked at every
/// 20 ms.
pub fn report_request(world: &World) -> extern_api_core::workflows::ReportRequest {
    let mut r = extern_api_core::workflows::ReportRequest::new(
        world.account,
        INN,
        Some(KPP.into()),
        extern_api_core::workflows::Recipient::Fns("0087".into()),
        vec![report_for("0087")],
    );
    r.follow_interval = std::time::Duration::from_millis(20);
    r
}

/// The sample report, re-stamped for inspection `code` (ИдФайл and file name).
pub fn report_for(code: &str) -> ReportFile {
    let bytes = std::fs::read(REPORT).unwrap();
    // The ИдФайл is ASCII, so it can be replaced in the bytes directly.
    let from = b"NO_BUHOTCH_0087_0087_";
    let to = format!("NO_BUHOTCH_{code}_{code}_").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(&to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    ReportFile::new(out)
}

/// A proxy in front of the sandbox that forwards every request, and for the first one whose
/// request line contains `drop_after` lets the server act but closes the connection instead of
/// answering: the client sees a lost answer while the server did the work.
pub struct LosingProxy {
    pub url: String,
    pub dropped: Arc<std::sync::atomic::AtomicUsize>,
}

impl LosingProxy {
    pub async fn start(upstream: std::net::SocketAddr, drop_after: &'static str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let dropped = Arc::new(AtomicUsize::new(0));
        let counter = dropped.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let (read, mut write) = client.into_split();
                    let mut reader = BufReader::new(read);
                    {
                        // One request per connection (answers say `connection: close`): head, then
                        // a Content-Length body.
                        let mut head = Vec::new();
                        loop {
                            let mut line = Vec::new();
                            if reader.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
                                return;
                            }
                            let end = line == b"\r\n";
                            head.extend_from_slice(&line);
                            if end {
                                break;
                            }
                        }
                        let text = String::from_utf8_lossy(&head).to_string();
                        let len = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        let mut body = vec![0; len];
                        reader.read_exact(&mut body).await.unwrap();
                        // Forward on a fresh connection that closes after the answer.
                        let mut upstream_conn =
                            tokio::net::TcpStream::connect(upstream).await.unwrap();
                        let head = text.replace("\r\n\r\n", "\r\nconnection: close\r\n\r\n");
                        upstream_conn.write_all(head.as_bytes()).await.unwrap();
                        upstream_conn.write_all(&body).await.unwrap();
                        let mut answer = Vec::new();
                        upstream_conn.read_to_end(&mut answer).await.unwrap();
                        let first_line = text.lines().next().unwrap_or("");
                        if first_line.contains(drop_after)
                            && counter.fetch_add(1, Ordering::SeqCst) == 0
                        {
                            return; // the server acted; the client never hears of it
                        }
                        let _ = write.write_all(&answer).await;
                    }
                });
            }
        });
        Self { url, dropped }
    }
}

/// An incoming FNS demand generated by the sandbox's test tools (`body`: `{knds?, defect?, …}`).
pub async fn generate_demand(sandbox: &Sandbox, body: serde_json::Value) -> uuid::Uuid {
    generate_incoming(sandbox, "generate-demand", body).await
}

/// An incoming docflow generated by the sandbox's test tool `tool` (`generate-demand`,
/// `generate-sedo-docflow`…): its id.
pub async fn generate_incoming(
    sandbox: &Sandbox,
    tool: &str,
    body: serde_json::Value,
) -> uuid::Uuid {
    let generated: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/test-tools/v1/{tool}", sandbox.url()))
        .header("X-Kontur-Apikey", &sandbox.config().api_key)
        .json(&body)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    generated["docflow-id"].as_str().unwrap().parse().unwrap()
}

/// Every event id in the feed, in order.
pub async fn whole_feed(world: &World) -> Vec<String> {
    let mut ids = Vec::new();
    let mut from: Option<String> = None;
    loop {
        let page = world
            .client
            .events()
            .page(from.as_deref(), 1000)
            .await
            .unwrap();
        if page.api_events.is_empty() {
            return ids;
        }
        ids.extend(page.api_events.iter().map(|e| e.id.clone()));
        from = ids.last().cloned();
    }
}

/// The feed once the robots have stopped adding to it (unchanged for 400 ms).
pub async fn quiet_feed(world: &World) -> Vec<String> {
    let mut last = whole_feed(world).await;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let now = whole_feed(world).await;
        if now == last && !now.is_empty() {
            return now;
        }
        last = now;
    }
}
