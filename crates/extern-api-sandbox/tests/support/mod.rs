//! Plain-HTTP helpers for the sandbox tests: a client that knows nothing of our SDK, as a
//! developer reading the vendor's documentation would write it.

#![allow(dead_code)]

use std::time::Duration;

use base64::Engine;
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::{Decode, Encode};
use extern_api_sandbox::{Sandbox, SandboxConfig};
use pkcs8::DecodePrivateKey;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Digest;

pub const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
pub const REPORT_NAME: &str =
    "NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0.xml";
pub const INN: &str = "6676130154";
pub const KPP: &str = "667601001";

/// The sample report, re-stamped for another inspection (`0087` → `code` in ИдФайл).
pub fn report_for(code: &str) -> (String, Vec<u8>) {
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/{REPORT_NAME}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let from = b"NO_BUHOTCH_0087_0087_";
    let to = format!("NO_BUHOTCH_{code}_{code}_");
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to.as_bytes());
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    (
        REPORT_NAME.replace("0087_0087", &format!("{code}_{code}")),
        out,
    )
}

/// A test certificate and its key, issued by the sandbox's test tools.
pub struct Signer {
    pub certificate: Vec<u8>,
    key: Key,
}

enum Key {
    Ecdsa(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>),
}

impl Signer {
    /// A detached CMS signature (SHA-256, signed attributes) over `content`.
    pub fn sign(&self, content: &[u8]) -> Vec<u8> {
        let cert = x509_cert::Certificate::from_der(&self.certificate).unwrap();
        let digest = sha2::Sha256::digest(content);
        let eci = EncapsulatedContentInfo {
            econtent_type: const_oid::db::rfc5911::ID_DATA,
            econtent: None,
        };
        let alg = spki::AlgorithmIdentifierOwned {
            oid: const_oid::db::rfc5912::ID_SHA_256,
            parameters: None,
        };
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        });
        let mut b = cms::builder::SignedDataBuilder::new(&eci);
        b.add_digest_algorithm(alg.clone()).unwrap();
        b.add_certificate(CertificateChoices::Certificate(cert))
            .unwrap();
        match &self.key {
            Key::Ecdsa(key) => {
                let info = cms::builder::SignerInfoBuilder::new(key, sid, alg, &eci, Some(&digest))
                    .unwrap();
                b.add_signer_info::<p256::ecdsa::SigningKey, p256::ecdsa::DerSignature>(info)
                    .unwrap();
            }
            Key::Rsa(key) => {
                let info =
                    cms::builder::SignerInfoBuilder::new(&**key, sid, alg, &eci, Some(&digest))
                        .unwrap();
                b.add_signer_info::<rsa::pkcs1v15::SigningKey<sha2::Sha256>, rsa::pkcs1v15::Signature>(info).unwrap();
            }
        }
        b.build().unwrap().to_der().unwrap()
    }

    /// The RSA private key, for a signer issued with `rsa` (to open what is encrypted for it and
    /// to make raw signatures).
    pub fn rsa_key(&self) -> Option<&rsa::RsaPrivateKey> {
        match &self.key {
            Key::Rsa(k) => Some(k.as_ref().as_ref()),
            Key::Ecdsa(_) => None,
        }
    }

    /// The ECDSA key, for a signer issued with `ecdsa` (raw signatures).
    pub fn ecdsa_key(&self) -> Option<&p256::ecdsa::SigningKey> {
        match &self.key {
            Key::Ecdsa(k) => Some(k),
            Key::Rsa(_) => None,
        }
    }
}

/// A sandbox and a logged-in HTTP client.
pub struct Api {
    /// The in-process sandbox; none when the API is another process's ([`Api::connect`]).
    sandbox: Option<Sandbox>,
    /// The API's base URL.
    pub base: String,
    pub http: reqwest::Client,
    pub token: String,
    pub account: String,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Api {
    pub async fn start() -> Self {
        Self::start_with(SandboxConfig::for_tests()).await
    }

    pub async fn start_with(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.unwrap();
        let mut api = Self::connect(&sandbox.url()).await;
        api.sandbox = Some(sandbox);
        api
    }

    /// The API at `base` (a sandbox process), logged in as the seeded user.
    pub async fn connect(base: &str) -> Self {
        let http = reqwest::Client::new();
        let token = login_at(
            &http,
            &format!("{base}/connect/token"),
            "user@sandbox.local",
        )
        .await;
        let mut api = Self {
            sandbox: None,
            base: base.to_string(),
            http,
            token,
            account: String::new(),
        };
        let accounts = api.get("/v1").await;
        api.account = accounts.body["accounts"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        api
    }

    /// Takes the in-process sandbox out (to stop it).
    pub fn take_sandbox(&mut self) -> Option<Sandbox> {
        self.sandbox.take()
    }

    /// Puts an in-process sandbox in (one started again).
    pub fn set_sandbox(&mut self, sandbox: Sandbox) {
        self.sandbox = Some(sandbox);
    }

    /// The in-process sandbox (of [`Api::start`]).
    pub fn sandbox(&self) -> &Sandbox {
        self.sandbox.as_ref().expect("an in-process sandbox")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `/v1/{account}` + `rest`.
    pub fn acc(&self, rest: &str) -> String {
        format!("/v1/{}{rest}", self.account)
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        answer(req.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put_bytes(&self, path: &str, bytes: Vec<u8>) -> Answer {
        let req = self
            .http
            .put(self.url(path))
            .bearer_auth(&self.token)
            .header("content-type", "application/octet-stream")
            .body(bytes);
        answer(req.send().await.unwrap()).await
    }

    /// Uploads a whole content in one POST and answers its id.
    pub async fn upload(&self, bytes: &[u8]) -> String {
        let req = self
            .http
            .post(self.url(&self.acc("/contents")))
            .bearer_auth(&self.token)
            .body(bytes.to_vec());
        let a = answer(req.send().await.unwrap()).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        a.body["id"].as_str().unwrap().to_string()
    }

    pub async fn signer(&self, inn: &str, kpp: &str) -> Signer {
        self.signer_with(inn, kpp, "ecdsa").await
    }

    /// A signer with an `ecdsa` (P-256) or `rsa` (2048) key.
    pub async fn signer_with(&self, inn: &str, kpp: &str, algorithm: &str) -> Signer {
        let body = json!({ "inn": inn, "kpp": kpp, "fio": "Иванов Иван Иванович", "algorithm": algorithm });
        let a = self.post("/test-tools/v1/generate-certificate", body).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let certificate = B64.decode(a.body["certificate"].as_str().unwrap()).unwrap();
        let pem = a.body["private-key"].as_str().unwrap();
        let key = match algorithm {
            "rsa" => Key::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(
                rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap(),
            ))),
            _ => Key::Ecdsa(p256::ecdsa::SigningKey::from_pkcs8_pem(pem).unwrap()),
        };
        Signer { certificate, key }
    }

    /// Polls a task until it leaves `running`.
    pub async fn wait_task(&self, path: &str) -> Value {
        for _ in 0..400 {
            let a = self.get(path).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            if a.body["task-state"] != "running" {
                return a.body;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("task {path} still running");
    }

    /// Polls a docflow until `done` says so.
    pub async fn wait_docflow(&self, id: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..400 {
            let a = self.get(&self.acc(&format!("/docflows/{id}"))).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            if done(&a.body) {
                return a.body;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("docflow {id} did not get there");
    }

    /// Creates a draft to `recipient` from the sandbox's organization.
    pub async fn draft(&self, recipient: Value) -> String {
        let a = self
            .post(
                &self.acc("/drafts"),
                json!({
                    "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" },
                    "payer": { "inn": INN, "organization": { "kpp": KPP } },
                    "recipient": recipient,
                }),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        a.body["id"].as_str().unwrap().to_string()
    }

    /// Adds a document from bytes and answers the document JSON.
    pub async fn add_document(
        &self,
        draft: &str,
        bytes: &[u8],
        description: Option<Value>,
    ) -> Value {
        let content = self.upload(bytes).await;
        let mut body = json!({ "content-id": content });
        if let Some(d) = description {
            body["description"] = d;
        }
        let a = self
            .post(&self.acc(&format!("/drafts/{draft}/documents")), body)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        a.body
    }

    pub async fn sign_document(&self, draft: &str, doc: &str, signature: &[u8]) {
        let a = self
            .post(
                &self.acc(&format!("/drafts/{draft}/documents/{doc}/signatures")),
                json!({ "base64-content": B64.encode(signature) }),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }

    /// Starts a draft task (`check`, `prepare`, `send`) and waits for its end.
    pub async fn run_task(&self, draft: &str, op: &str) -> Value {
        let a = self
            .send(
                Method::POST,
                &self.acc(&format!("/drafts/{draft}/{op}?deferred=true")),
                None,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let task = a.body["id"].as_str().unwrap().to_string();
        self.wait_task(&self.acc(&format!("/drafts/{draft}/tasks/{task}")))
            .await
    }

    /// A signed report for `code`, sent; answers the docflow id.
    pub async fn send_report(&self, code: &str, signer: &Signer) -> String {
        let draft = self.draft(json!({ "ifns-code": code })).await;
        let (_, report) = report_for(code);
        let doc = self.add_document(&draft, &report, None).await;
        self.sign_document(&draft, doc["id"].as_str().unwrap(), &signer.sign(&report))
            .await;
        let task = self.run_task(&draft, "send").await;
        assert_eq!(task["task-state"], "succeed", "{task}");
        assert!(task["task-result"]["id"].is_string(), "{task}");
        task["task-result"]["id"].as_str().unwrap().to_string()
    }

    /// Answers every `reply` link of a docflow with a signed reply, as the vendor's docs describe.
    pub async fn answer_replies(&self, docflow: &Value, signer: &Signer) -> usize {
        let mut sent = 0;
        let id = docflow["id"].as_str().unwrap();
        for doc in docflow["documents"].as_array().unwrap() {
            for link in doc["links"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| l["rel"] == "reply")
            {
                let doc_id = doc["id"].as_str().unwrap();
                let kind = link["name"].as_str().unwrap();
                let base = self.acc(&format!("/docflows/{id}/documents/{doc_id}"));
                let r = self
                    .post(
                        &format!("{base}/generate-reply?documentType={kind}"),
                        json!({ "certificate-base64": B64.encode(&signer.certificate) }),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
                let reply = r.body["id"].as_str().unwrap().to_string();
                let content = B64.decode(r.body["content"].as_str().unwrap()).unwrap();
                let s = self
                    .put_bytes(
                        &format!("{base}/replies/{reply}/signature"),
                        signer.sign(&content),
                    )
                    .await;
                assert_eq!(s.status, StatusCode::OK, "{}", s.body);
                let sent_answer = self
                    .post(
                        &format!("{base}/replies/{reply}/send"),
                        json!({ "sender-ip": "127.0.0.1" }),
                    )
                    .await;
                assert_eq!(sent_answer.status, StatusCode::OK, "{}", sent_answer.body);
                sent += 1;
            }
        }
        sent
    }
}

pub async fn login(http: &reqwest::Client, sandbox: &Sandbox, user: &str) -> String {
    login_at(http, &sandbox.token_url(), user).await
}

pub async fn login_at(http: &reqwest::Client, token_url: &str, user: &str) -> String {
    let r = http
        .post(token_url)
        .form(&[
            ("grant_type", "password"),
            ("username", user),
            ("password", "sandbox"),
            ("client_id", "sandbox"),
            ("client_secret", "sandbox-api-key"),
            ("scope", "extern.api"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

pub async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = r.bytes().await.unwrap().to_vec();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        bytes,
    }
}

/// The URN suffix of a docflow's status / success state.
pub fn state(docflow: &Value) -> (String, String) {
    let strip = |v: &Value, p: &str| v.as_str().unwrap_or("").trim_start_matches(p).to_string();
    (
        strip(&docflow["status"], "urn:docflow-common-status:"),
        strip(&docflow["success-state"], "urn:docflow-state:"),
    )
}
