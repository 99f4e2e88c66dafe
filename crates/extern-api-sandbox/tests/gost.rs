//! GOST R 34.10-2012 end to end, with the `openssl` command line and its gost engine on the other
//! side: the sandbox's GOST test certificates and keys are read by it, and what it signs is
//! accepted where the real flows check signatures (a draft's check and send, a reply's signature);
//! a changed byte and a certificate of a foreign GOST CA are refused. What the authorities send
//! an organization with a GOST certificate, and a certificate login's challenge, are encrypted to
//! it the GOST way and open with `openssl cms -decrypt` (and the openssl crate) and its key.
//! In GOST mode (`SandboxConfig::gost`) test certificates are GOST unless asked otherwise, and
//! the operator's and the inspection's own signatures are GOST with Streebog, accepted by
//! `openssl cms -verify`.

#![cfg(feature = "gost")]

mod support;

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use extern_api_sandbox::SandboxConfig;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

/// The OpenSSL configuration that switches the gost engine on.
const CONF: &str = "openssl_conf = openssl_def
[openssl_def]
engines = engine_section
[engine_section]
gost = gost_section
[gost_section]
engine_id = gost
default_algorithms = ALL
";

/// The `openssl` command with the gost engine, working in a temporary directory.
struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gost.cnf"), CONF).unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        std::fs::write(self.path(name), bytes).unwrap();
        self.path(name).to_string_lossy().into_owned()
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    /// Runs `openssl args…` in the directory; answers its output, or panics with its errors.
    fn run(&self, args: &[&str]) -> String {
        let out = self.output(args);
        assert!(
            out.status.success(),
            "openssl {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn output(&self, args: &[&str]) -> std::process::Output {
        Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .env("OPENSSL_CONF", self.path("gost.cnf"))
            .output()
            .expect("the openssl command")
    }

    /// A detached CMS signature (DER) over `content` by the certificate and key in the files
    /// `{name}.pem` and `{name}.key`, as `openssl cms -sign` makes it.
    fn sign(&self, name: &str, content: &[u8]) -> Vec<u8> {
        let id = uuid::Uuid::new_v4();
        self.write(&format!("{id}.in"), content);
        let md = if self
            .run(&["x509", "-in", &format!("{name}.pem"), "-noout", "-text"])
            .contains("512 bit modulus")
        {
            "md_gost12_512"
        } else {
            "md_gost12_256"
        };
        self.run(&[
            "cms",
            "-sign",
            "-binary",
            "-md",
            md,
            "-outform",
            "DER",
            "-signer",
            &format!("{name}.pem"),
            "-inkey",
            &format!("{name}.key"),
            "-in",
            &format!("{id}.in"),
            "-out",
            &format!("{id}.sig"),
        ]);
        self.read(&format!("{id}.sig"))
    }
}

/// A GOST certificate from the sandbox's test tools, saved as `{name}.der`, `{name}.pem` and
/// `{name}.key`; answers the certificate (DER).
async fn issue(api: &Api, cli: &Cli, name: &str, algorithm: &str) -> Vec<u8> {
    issue_with(api, cli, name, Some(algorithm)).await
}

/// [`issue`], with `algorithm` left out of the request when `None` (the sandbox's default).
async fn issue_with(api: &Api, cli: &Cli, name: &str, algorithm: Option<&str>) -> Vec<u8> {
    let mut body = json!({
        "inn": INN,
        "kpp": KPP,
        "fio": "Иванов Иван Иванович",
        "ogrn": "1026605606620",
    });
    if let Some(algorithm) = algorithm {
        body["algorithm"] = json!(algorithm);
    }
    let a = api.post("/test-tools/v1/generate-certificate", body).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let der = B64.decode(a.body["certificate"].as_str().unwrap()).unwrap();
    cli.write(&format!("{name}.der"), &der);
    cli.write(
        &format!("{name}.key"),
        a.body["private-key"].as_str().unwrap().as_bytes(),
    );
    cli.run(&[
        "x509",
        "-inform",
        "DER",
        "-in",
        &format!("{name}.der"),
        "-out",
        &format!("{name}.pem"),
    ]);
    der
}

/// The check's errors of the draft's documents.
fn check_errors(task: &Value) -> Vec<String> {
    task["task-result"]["data"]["documents-errors"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|errs| errs.as_array().unwrap().clone())
        .map(|e| e["description"].as_str().unwrap().to_string())
        .collect()
}

/// A draft to 0087 with the sample report signed by `signature`; answers the draft id.
async fn signed_draft(api: &Api, report: &[u8], signature: &[u8]) -> String {
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let doc = api.add_document(&draft, report, None).await;
    api.sign_document(&draft, doc["id"].as_str().unwrap(), signature)
        .await;
    draft
}

#[tokio::test]
async fn gost_certificates_and_keys_are_read_by_the_openssl_command() {
    let api = Api::start().await;
    let cli = Cli::new();
    let ca = api.get("/test-tools/v1/ca-certificate").await;
    let ca_der = B64
        .decode(ca.body["gost-certificate"].as_str().unwrap())
        .unwrap();
    cli.write("ca.der", &ca_der);
    cli.run(&["x509", "-inform", "DER", "-in", "ca.der", "-out", "ca.pem"]);
    for (algorithm, bits) in [("gost2012-256", "256"), ("gost2012-512", "512")] {
        issue(&api, &cli, algorithm, algorithm).await;
        let text = cli.run(&[
            "x509",
            "-inform",
            "DER",
            "-in",
            &format!("{algorithm}.der"),
            "-noout",
            "-text",
            "-nameopt",
            "utf8,sep_multiline",
        ]);
        assert!(
            text.contains(&format!("GOST R 34.10-2012 with {bits} bit modulus")),
            "{text}"
        );
        assert!(
            text.contains("GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)"),
            "{text}"
        );
        assert!(text.contains(INN), "{text}");
        assert!(text.contains("1026605606620"), "{text}");
        assert!(text.contains("Иванов Иван Иванович"), "{text}");
        assert!(text.contains("Extern API Sandbox GOST CA"), "{text}");
        // The key is the certificate's.
        let key = cli.run(&["pkey", "-in", &format!("{algorithm}.key"), "-pubout"]);
        let public = cli.run(&[
            "x509",
            "-in",
            &format!("{algorithm}.pem"),
            "-noout",
            "-pubkey",
        ]);
        assert_eq!(key, public);
        let verified = cli.run(&["verify", "-CAfile", "ca.pem", &format!("{algorithm}.pem")]);
        assert!(verified.contains("OK"), "{verified}");
        // What the key signs verifies against the GOST CA with OpenSSL itself.
        let sig = cli.sign(algorithm, b"<File/>");
        cli.write("content.xml", b"<File/>");
        cli.write("content.sig", &sig);
        cli.run(&[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "content.sig",
            "-content",
            "content.xml",
            "-CAfile",
            "ca.pem",
            "-out",
            "/dev/null",
        ]);
    }
}

#[tokio::test]
async fn a_report_signed_by_the_openssl_command_is_checked_sent_and_answered() {
    let api = Api::start().await;
    let cli = Cli::new();
    let certificate = issue(&api, &cli, "signer", "gost2012-256").await;
    let (_, report) = report_for("0087");
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let doc = api.add_document(&draft, &report, None).await;
    let added = api
        .post(
            &api.acc(&format!(
                "/drafts/{draft}/documents/{}/signatures",
                doc["id"].as_str().unwrap()
            )),
            json!({ "base64-content": B64.encode(cli.sign("signer", &report)) }),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    // The signature is titled after its certificate, and named by its thumbprint.
    assert!(
        added.body["title"]
            .as_str()
            .unwrap()
            .contains("Иванов Иван Иванович"),
        "{}",
        added.body
    );
    let fingerprint = cli.run(&[
        "x509",
        "-in",
        "signer.pem",
        "-noout",
        "-fingerprint",
        "-sha1",
    ]);
    assert_eq!(
        added.body["signature-certificate-thumbprint"]
            .as_str()
            .unwrap(),
        fingerprint
            .trim()
            .rsplit('=')
            .next()
            .unwrap()
            .replace(':', "")
    );
    let check = api.run_task(&draft, "check").await;
    assert_eq!(check["task-state"], "succeed", "{check}");
    assert_eq!(check_errors(&check), Vec::<String>::new(), "{check}");
    let send = api.run_task(&draft, "send").await;
    assert_eq!(send["task-state"], "succeed", "{send}");
    assert_eq!(
        send["task-result"]["type"], "urn:docflow:fns534-report",
        "{send}"
    );
    let id = send["task-result"]["id"].as_str().unwrap().to_string();
    let df = api
        .wait_docflow(&id, |d| {
            d.to_string().contains("fns534-report-processing-result-ok")
        })
        .await;

    // Every reply the docflow asks for, signed with GOST by the command line.
    let mut sent = 0;
    for doc in df["documents"].as_array().unwrap() {
        for link in doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["rel"] == "reply")
        {
            let doc_id = doc["id"].as_str().unwrap();
            let kind = link["name"].as_str().unwrap();
            let base = api.acc(&format!("/docflows/{id}/documents/{doc_id}"));
            let r = api
                .post(
                    &format!("{base}/generate-reply?documentType={kind}"),
                    json!({ "certificate-base64": B64.encode(&certificate) }),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
            let reply = r.body["id"].as_str().unwrap().to_string();
            let content = B64.decode(r.body["content"].as_str().unwrap()).unwrap();
            let mut changed = content.clone();
            changed[content.len() / 2] ^= 1;
            let refused = api
                .put_bytes(
                    &format!("{base}/replies/{reply}/signature"),
                    cli.sign("signer", &changed),
                )
                .await;
            assert_eq!(refused.status, 400, "{}", refused.body);
            assert_eq!(
                refused.body["id"], "urn:error:externapi:invalidSignature",
                "{}",
                refused.body
            );
            let s = api
                .put_bytes(
                    &format!("{base}/replies/{reply}/signature"),
                    cli.sign("signer", &content),
                )
                .await;
            assert_eq!(s.status, 200, "{}", s.body);
            let answer = api
                .post(
                    &format!("{base}/replies/{reply}/send"),
                    json!({ "sender-ip": "127.0.0.1" }),
                )
                .await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            sent += 1;
        }
    }
    assert_eq!(sent, 3);
    let done = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    assert_eq!(state(&done), ("finished".into(), "successful".into()));
}

#[tokio::test]
async fn a_changed_byte_is_refused_at_check_and_send() {
    let api = Api::start().await;
    let cli = Cli::new();
    issue(&api, &cli, "signer", "gost2012-512").await;
    let (_, report) = report_for("0087");
    let signature = cli.sign("signer", &report);
    let mut changed = report.clone();
    let last = changed.len() - 3;
    changed[last] ^= 0x20;
    let draft = signed_draft(&api, &changed, &signature).await;
    let check = api.run_task(&draft, "check").await;
    let errors = check_errors(&check);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Подпись не соответствует содержимому")),
        "{check}"
    );
    let send = api.run_task(&draft, "send").await;
    assert_eq!(
        send["task-result"]["status"], "check-protocol-has-errors",
        "{send}"
    );

    // The same signature over the bytes it was made for passes.
    let draft = signed_draft(&api, &report, &signature).await;
    let check = api.run_task(&draft, "check").await;
    assert_eq!(check_errors(&check), Vec::<String>::new(), "{check}");
}

#[tokio::test]
async fn a_certificate_of_a_foreign_gost_ca_is_refused() {
    let api = Api::start().await;
    let cli = Cli::new();
    // A CA of its own, even under the sandbox GOST CA's name, and a certificate with the
    // sender's INN.
    cli.run(&[
        "genpkey",
        "-algorithm",
        "gost2012_256",
        "-pkeyopt",
        "paramset:A",
        "-out",
        "foreign-ca.key",
    ]);
    cli.run(&[
        "req",
        "-x509",
        "-new",
        "-key",
        "foreign-ca.key",
        "-md_gost12_256",
        "-days",
        "30",
        "-subj",
        "/CN=Extern API Sandbox GOST CA/O=extern-api sandbox",
        "-out",
        "foreign-ca.pem",
    ]);
    cli.run(&[
        "genpkey",
        "-algorithm",
        "gost2012_256",
        "-pkeyopt",
        "paramset:A",
        "-out",
        "foreign.key",
    ]);
    cli.run(&[
        "req",
        "-new",
        "-key",
        "foreign.key",
        "-md_gost12_256",
        "-subj",
        &format!("/CN=Иванов Иван Иванович/1.2.643.100.4={INN}"),
        "-utf8",
        "-out",
        "foreign.csr",
    ]);
    cli.run(&[
        "x509",
        "-req",
        "-in",
        "foreign.csr",
        "-CA",
        "foreign-ca.pem",
        "-CAkey",
        "foreign-ca.key",
        "-md_gost12_256",
        "-days",
        "30",
        "-set_serial",
        "2",
        "-out",
        "foreign.pem",
    ]);
    cli.run(&[
        "x509",
        "-in",
        "foreign.pem",
        "-outform",
        "DER",
        "-out",
        "foreign.der",
    ]);
    let (_, report) = report_for("0087");
    let draft = signed_draft(&api, &report, &cli.sign("foreign", &report)).await;
    let check = api.run_task(&draft, "check").await;
    let errors = check_errors(&check);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("not issued by the sandbox's certificate authority")),
        "{check}"
    );
    let send = api.run_task(&draft, "send").await;
    assert_eq!(
        send["task-result"]["status"], "check-protocol-has-errors",
        "{send}"
    );

    // Nor may it answer a docflow.
    let ours = issue(&api, &cli, "signer", "gost2012-256").await;
    let id = api.send_report("0087", &api.signer(INN, KPP).await).await;
    let df = api
        .wait_docflow(&id, |d| d.to_string().contains("\"rel\":\"reply\""))
        .await;
    let (doc, kind) = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|d| {
            d["links"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["rel"] == "reply")
                .map(|l| (d["id"].as_str().unwrap(), l["name"].as_str().unwrap()))
        })
        .unwrap();
    let base = api.acc(&format!("/docflows/{id}/documents/{doc}"));
    let generate = |cert: Vec<u8>| {
        let url = format!("{base}/generate-reply?documentType={kind}");
        let api = &api;
        async move {
            api.post(&url, json!({ "certificate-base64": B64.encode(cert) }))
                .await
        }
    };
    let foreign = generate(cli.read("foreign.der")).await;
    assert_eq!(foreign.status, 400, "{}", foreign.body);
    assert_eq!(
        foreign.body["id"], "urn:error:externapi:invalidCertificate",
        "{}",
        foreign.body
    );
    // A reply generated for our GOST certificate, signed by the foreign one.
    let reply = generate(ours).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let rid = reply.body["id"].as_str().unwrap();
    let content = B64.decode(reply.body["content"].as_str().unwrap()).unwrap();
    let refused = api
        .put_bytes(
            &format!("{base}/replies/{rid}/signature"),
            cli.sign("foreign", &content),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("not issued by the sandbox's certificate authority"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn the_wire_names_the_gost_algorithms_and_checks_the_ogrn() {
    let api = Api::start().await;
    let generate = |body: Value| {
        let api = &api;
        async move { api.post("/test-tools/v1/generate-certificate", body).await }
    };
    let unknown = generate(json!({ "inn": INN, "algorithm": "gost2001" })).await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let ogrn = generate(json!({ "inn": INN, "algorithm": "gost2012-256", "ogrn": "12" })).await;
    assert_eq!(ogrn.status, 400, "{}", ogrn.body);
    assert_eq!(ogrn.body["id"], "urn:error:externapi:invalidOgrn");
    // The default stays ECDSA.
    let default = generate(json!({ "inn": INN })).await;
    assert_eq!(default.status, 200, "{}", default.body);
    let cert = B64
        .decode(default.body["certificate"].as_str().unwrap())
        .unwrap();
    let cli = Cli::new();
    cli.write("default.der", &cert);
    let text = cli.run(&[
        "x509",
        "-inform",
        "DER",
        "-in",
        "default.der",
        "-noout",
        "-text",
    ]);
    assert!(text.contains("id-ecPublicKey"), "{text}");
}

/// The demand generated for `INN` (test tools); answers the docflow.
async fn demand(api: &Api) -> Value {
    let a = api.post("/test-tools/v1/generate-demand", json!({})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.body["docflow-id"].as_str().unwrap();
    api.get(&api.acc(&format!("/docflows/{id}"))).await.body
}

#[tokio::test]
async fn a_demand_for_a_gost_only_organization_opens_with_openssl_cms_decrypt() {
    let api = Api::start().await;
    let cli = Cli::new();
    // The organization's only certificate.
    issue(&api, &cli, "org", "gost2012-256").await;
    let serial = cli.run(&["x509", "-in", "org.pem", "-noout", "-serial"]);
    let serial = serial.trim().trim_start_matches("serial=").to_string();

    let df = demand(&api).await;
    let doc = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == "urn:document:fns534-demand")
        .unwrap();
    assert_eq!(
        doc["description"]["encrypted-certificates"],
        json!([{ "serial-number": serial }])
    );
    let variants = doc["content"]["docflow-document-contents"]
        .as_array()
        .unwrap();
    assert_eq!(
        variants.len(),
        1,
        "only the encrypted variant: {variants:?}"
    );
    assert_eq!(variants[0]["encrypted"], true);
    let content = variants[0]["content-id"].as_str().unwrap();
    let sealed = api.get(&api.acc(&format!("/contents/{content}"))).await;
    assert_eq!(sealed.status, 200);
    assert_eq!(
        doc["description"]["encrypted-content-size"],
        json!(sealed.bytes.len())
    );
    cli.write("demand.p7m", &sealed.bytes);

    // GOST key transport and GOST 28147-89, as the authorities encrypt.
    let printed = cli.run(&[
        "cms",
        "-cmsout",
        "-print",
        "-inform",
        "DER",
        "-in",
        "demand.p7m",
    ]);
    assert!(
        printed.contains("GOST R 34.10-2012 with 256 bit modulus"),
        "{printed}"
    );
    assert!(
        printed.contains("GOST 28147-89 (1.2.643.2.2.21)"),
        "{printed}"
    );

    cli.run(&[
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "demand.p7m",
        "-recip",
        "org.pem",
        "-inkey",
        "org.key",
        "-out",
        "demand.zip",
    ]);
    let zipped = cli.read("demand.zip");
    assert!(
        zipped.starts_with(b"PK\x03\x04"),
        "zipped before encryption"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    assert_eq!(archive.len(), 1);
    let mut entry = archive.by_index(0).unwrap();
    assert_eq!(
        entry.name().unwrap(),
        doc["description"]["filename"].as_str().unwrap()
    );
    let mut xml = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut xml).unwrap();
    assert!(xml.starts_with(b"<?xml"), "the demand's XML");
    assert!(
        xml.windows(b"1165050".len()).any(|w| w == b"1165050"),
        "the demand's KND"
    );
    assert_eq!(
        json!(xml.len()),
        doc["description"]["decrypted-content-size"]
    );

    // Another key of the organization's GOST CA does not open it.
    issue(&api, &cli, "other", "gost2012-256").await;
    let refused = cli.output(&[
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "demand.p7m",
        "-recip",
        "other.pem",
        "-inkey",
        "other.key",
        "-out",
        "other.zip",
    ]);
    assert!(!refused.status.success());
}

#[tokio::test]
async fn a_certificate_login_with_a_gost_key() {
    use openssl::cms::CmsContentInfo;
    use openssl::pkey::PKey;
    use openssl::x509::X509;

    let api = Api::start().await;
    let cli = Cli::new();
    let der = issue(&api, &cli, "login", "gost2012-512").await;
    let challenge = answer(
        api.http
            .post(api.url("/authentication/certificate"))
            .form(&[
                ("client_id", "sandbox"),
                ("client_secret", "sandbox-api-key"),
                ("public_key", B64.encode(&der).as_str()),
                ("free", "false"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(challenge.status, 200, "{}", challenge.body);
    let thumbprint = challenge.body["trusted_thumbprints"][0]
        .as_str()
        .unwrap()
        .to_string();
    let encrypted = B64
        .decode(challenge.body["encrypted_key"].as_str().unwrap())
        .unwrap();

    // As the SDK's OpensslDecryptor opens it, once the engine is loaded.
    openssl_gost::load().unwrap();
    let key = PKey::private_key_from_pem(&cli.read("login.key")).unwrap();
    let cert = X509::from_der(&der).unwrap();
    let decrypted = CmsContentInfo::from_der(&encrypted)
        .unwrap()
        .decrypt(&key, &cert)
        .unwrap();
    assert_eq!(decrypted.len(), 32);
    // And as the openssl command does.
    cli.write("challenge.p7m", &encrypted);
    cli.run(&[
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "challenge.p7m",
        "-recip",
        "login.pem",
        "-inkey",
        "login.key",
        "-out",
        "challenge.bin",
    ]);
    assert_eq!(cli.read("challenge.bin"), decrypted);

    let grant = |decrypted: Vec<u8>| {
        let api = &api;
        let thumbprint = thumbprint.clone();
        async move {
            answer(
                api.http
                    .post(api.sandbox().token_url())
                    .form(&[
                        ("grant_type", "certificate"),
                        ("client_id", "sandbox"),
                        ("client_secret", "sandbox-api-key"),
                        ("decrypted_key", B64.encode(&decrypted).as_str()),
                        ("thumbprint", thumbprint.as_str()),
                    ])
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let mut wrong = decrypted.clone();
    wrong[0] ^= 1;
    let refused = grant(wrong).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.body["error"], "invalid_grant");

    // The challenge is single use: a fresh one for the right answer.
    let challenge = answer(
        api.http
            .post(api.url("/authentication/certificate"))
            .form(&[
                ("client_id", "sandbox"),
                ("client_secret", "sandbox-api-key"),
                ("public_key", B64.encode(&der).as_str()),
                ("free", "false"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(challenge.status, 200, "{}", challenge.body);
    let encrypted = B64
        .decode(challenge.body["encrypted_key"].as_str().unwrap())
        .unwrap();
    let decrypted = CmsContentInfo::from_der(&encrypted)
        .unwrap()
        .decrypt(&key, &cert)
        .unwrap();
    let token = grant(decrypted).await;
    assert_eq!(token.status, 200, "{}", token.body);
    let access = token.body["access_token"].as_str().unwrap();
    let accounts = api
        .http
        .get(api.url("/v1"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.status(), 200);
}

/// A sandbox in GOST mode, robots answering at once.
fn gost_mode() -> SandboxConfig {
    SandboxConfig {
        gost: true,
        ..SandboxConfig::for_tests()
    }
}

/// The sandbox's GOST test CA, saved as `ca.pem`.
async fn save_gost_ca(api: &Api, cli: &Cli) {
    let ca = api.get("/test-tools/v1/ca-certificate").await;
    let der = B64
        .decode(ca.body["gost-certificate"].as_str().unwrap())
        .unwrap();
    cli.write("ca.der", &der);
    cli.run(&["x509", "-inform", "DER", "-in", "ca.der", "-out", "ca.pem"]);
}

#[tokio::test]
async fn in_gost_mode_a_certificate_without_algorithm_is_gost_2012_256() {
    let api = Api::start_with(gost_mode()).await;
    let cli = Cli::new();
    save_gost_ca(&api, &cli).await;
    issue_with(&api, &cli, "default", None).await;
    let text = cli.run(&["x509", "-in", "default.pem", "-noout", "-text"]);
    assert!(
        text.contains("GOST R 34.10-2012 with 256 bit modulus"),
        "{text}"
    );
    let verified = cli.run(&["verify", "-CAfile", "ca.pem", "default.pem"]);
    assert!(verified.contains("OK"), "{verified}");
    let key = cli.run(&["pkey", "-in", "default.key", "-pubout"]);
    let public = cli.run(&["x509", "-in", "default.pem", "-noout", "-pubkey"]);
    assert_eq!(key, public);
    // Asked for, the others are still there.
    issue(&api, &cli, "ecdsa", "ecdsa").await;
    let text = cli.run(&["x509", "-in", "ecdsa.pem", "-noout", "-text"]);
    assert!(text.contains("id-ecPublicKey"), "{text}");
    issue(&api, &cli, "gost512", "gost2012-512").await;
    let text = cli.run(&["x509", "-in", "gost512.pem", "-noout", "-text"]);
    assert!(
        text.contains("GOST R 34.10-2012 with 512 bit modulus"),
        "{text}"
    );
}

/// The plain bytes of a docflow document: the listed plain variant, or the encrypted one opened
/// with `openssl cms -decrypt` by `{recipient}.pem` / `{recipient}.key` and unzipped (and then
/// stored as the document's decrypted content, as a subscriber does).
async fn plain_content(api: &Api, cli: &Cli, df: &Value, doc: &Value, recipient: &str) -> Vec<u8> {
    let variants = doc["content"]["docflow-document-contents"]
        .as_array()
        .unwrap();
    if let Some(plain) = variants
        .iter()
        .find(|v| v["encrypted"] == false && v["compressed"] == false)
    {
        let id = plain["content-id"].as_str().unwrap();
        let a = api.get(&api.acc(&format!("/contents/{id}"))).await;
        assert_eq!(a.status, 200);
        return a.bytes;
    }
    let sealed = variants.iter().find(|v| v["encrypted"] == true).unwrap();
    let id = sealed["content-id"].as_str().unwrap();
    let a = api.get(&api.acc(&format!("/contents/{id}"))).await;
    assert_eq!(a.status, 200);
    let name = uuid::Uuid::new_v4();
    cli.write(&format!("{name}.p7m"), &a.bytes);
    cli.run(&[
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        &format!("{name}.p7m"),
        "-recip",
        &format!("{recipient}.pem"),
        "-inkey",
        &format!("{recipient}.key"),
        "-out",
        &format!("{name}.zip"),
    ]);
    let zipped = cli.read(&format!("{name}.zip"));
    let content = api.upload(&zipped).await;
    let stored = api
        .send(
            Method::PUT,
            &api.acc(&format!(
                "/docflows/{}/documents/{}/decrypted-content",
                df["id"].as_str().unwrap(),
                doc["id"].as_str().unwrap()
            )),
            Some(json!({ "content-id": content })),
        )
        .await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    let mut entry = archive.by_index(0).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut plain).unwrap();
    plain
}

/// Checks every signature of the docflow's documents that the sandbox made itself (operator and
/// inspection) as a subscriber with OpenSSL would: `openssl cms -verify` over the document's
/// plain bytes, without and with the GOST CA; a Streebog digest; a GOST 2012-256 signer whose
/// thumbprint and name the signature's description shows. Answers how many signatures of the
/// operator and of the inspection were checked.
async fn check_own_signatures(api: &Api, cli: &Cli, df: &Value, recipient: &str) -> (usize, usize) {
    let (mut operator, mut inspection) = (0, 0);
    let id = df["id"].as_str().unwrap();
    for doc in df["documents"].as_array().unwrap() {
        let own: Vec<&Value> = doc["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| {
                matches!(
                    s["signer-type"].as_str().unwrap(),
                    "provider-representative" | "cu-representative"
                )
            })
            .collect();
        if own.is_empty() {
            continue;
        }
        let plain = plain_content(api, cli, df, doc, recipient).await;
        let name = uuid::Uuid::new_v4();
        let content = cli.write(&format!("{name}.xml"), &plain);
        for s in own {
            let doc_id = doc["id"].as_str().unwrap();
            let sig_id = s["id"].as_str().unwrap();
            let a = api
                .get(&api.acc(&format!(
                    "/docflows/{id}/documents/{doc_id}/signatures/{sig_id}/content"
                )))
                .await;
            assert_eq!(a.status, 200, "{}", a.body);
            let sig = B64.decode(a.body.as_str().unwrap()).unwrap();
            let sig_file = cli.write(&format!("{sig_id}.sig"), &sig);
            cli.run(&[
                "cms",
                "-verify",
                "-noverify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                &sig_file,
                "-content",
                &content,
                "-out",
                "/dev/null",
            ]);
            let signer = format!("{sig_id}.pem");
            cli.run(&[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                &sig_file,
                "-content",
                &content,
                "-CAfile",
                "ca.pem",
                "-signer",
                &signer,
                "-out",
                "/dev/null",
            ]);
            let printed = cli.run(&[
                "cms", "-cmsout", "-print", "-inform", "DER", "-in", &sig_file,
            ]);
            assert!(
                printed.contains("md_gost12_256") || printed.contains("1.2.643.7.1.1.2.2"),
                "{printed}"
            );
            // A changed byte is refused.
            let mut changed = plain.clone();
            let last = changed.len() - 2;
            changed[last] ^= 1;
            let changed = cli.write(&format!("{name}.changed"), &changed);
            let refused = cli.output(&[
                "cms",
                "-verify",
                "-noverify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                &sig_file,
                "-content",
                &changed,
                "-out",
                "/dev/null",
            ]);
            assert!(!refused.status.success());
            // The signer: a GOST 2012-256 key, the thumbprint and the name shown.
            let text = cli.run(&[
                "x509",
                "-in",
                &signer,
                "-noout",
                "-text",
                "-nameopt",
                "utf8,sep_multiline",
            ]);
            assert!(
                text.contains("GOST R 34.10-2012 with 256 bit modulus"),
                "{text}"
            );
            let fingerprint = cli.run(&["x509", "-in", &signer, "-noout", "-fingerprint", "-sha1"]);
            assert_eq!(
                s["signature-certificate-thumbprint"].as_str().unwrap(),
                fingerprint
                    .trim()
                    .rsplit('=')
                    .next()
                    .unwrap()
                    .replace(':', ""),
                "{s}"
            );
            let title = s["title"].as_str().unwrap();
            match s["signer-type"].as_str().unwrap() {
                "provider-representative" => {
                    assert!(title.contains("Оператор ЭДО"), "{title}");
                    assert!(text.contains("Оператор ЭДО"), "{text}");
                    operator += 1;
                }
                _ => {
                    assert!(title.contains("Тестовая инспекция"), "{title}");
                    assert!(text.contains("Тестовая инспекция"), "{text}");
                    inspection += 1;
                }
            }
        }
    }
    (operator, inspection)
}

#[tokio::test]
async fn in_gost_mode_the_operator_and_the_inspection_sign_with_gost() {
    let api = Api::start_with(gost_mode()).await;
    let cli = Cli::new();
    save_gost_ca(&api, &cli).await;
    // The organization's certificate as the test site issues it: GOST, by default.
    issue_with(&api, &cli, "org", None).await;
    let (_, report) = report_for("0087");
    let draft = signed_draft(&api, &report, &cli.sign("org", &report)).await;
    let send = api.run_task(&draft, "send").await;
    assert_eq!(send["task-state"], "succeed", "{send}");
    let id = send["task-result"]["id"].as_str().unwrap().to_string();
    let df = api
        .wait_docflow(&id, |d| {
            d.to_string().contains("fns534-report-processing-result-ok")
        })
        .await;
    let (operator, inspection) = check_own_signatures(&api, &cli, &df, "org").await;
    assert!(operator >= 1, "{df}");
    assert!(
        inspection >= 3,
        "receipt, acceptance and processing results: {df}"
    );
}

#[tokio::test]
async fn in_gost_mode_a_demand_is_signed_with_gost_and_its_signatures_check() {
    let api = Api::start_with(gost_mode()).await;
    let cli = Cli::new();
    save_gost_ca(&api, &cli).await;
    issue_with(&api, &cli, "org", None).await;
    let df = demand(&api).await;
    let (operator, inspection) = check_own_signatures(&api, &cli, &df, "org").await;
    assert_eq!(operator, 1, "the date confirmation: {df}");
    assert_eq!(inspection, 2, "the demand and its attachment: {df}");
    // The sandbox reads its own GOST signatures too: `check-demand` verifies the inspection's,
    // once every document is stored decrypted.
    let id = df["id"].as_str().unwrap();
    let df = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    for doc in df["documents"].as_array().unwrap() {
        plain_content(&api, &cli, &df, doc, "org").await;
    }
    let check = api
        .post(&api.acc(&format!("/docflows/{id}/check-demand")), json!({}))
        .await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert_eq!(check.body["error-codes"], json!([]), "{}", check.body);
}

#[tokio::test]
async fn in_gost_mode_the_test_tools_reports_are_signed_with_gost() {
    let api = Api::start_with(gost_mode()).await;
    let cli = Cli::new();
    save_gost_ca(&api, &cli).await;
    let a = api
        .post("/test-tools/v1/generate-docflows", json!({ "count": 1 }))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let list = api.get(&api.acc("/docflows")).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let id = list.body["docflows-page-item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["type"] == "urn:docflow:fns534-report")
        .unwrap_or_else(|| panic!("{}", list.body))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let df = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    let report = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == "urn:document:fns534-report")
        .unwrap_or_else(|| panic!("{df}"));
    let sig = &report["signatures"][0];
    let a = api
        .get(&api.acc(&format!(
            "/docflows/{id}/documents/{}/signatures/{}/content",
            report["id"].as_str().unwrap(),
            sig["id"].as_str().unwrap()
        )))
        .await;
    let sig_file = cli.write("report.sig", &B64.decode(a.body.as_str().unwrap()).unwrap());
    let printed = cli.run(&[
        "cms", "-cmsout", "-print", "-inform", "DER", "-in", &sig_file,
    ]);
    assert!(
        printed.contains("md_gost12_256") || printed.contains("1.2.643.7.1.1.2.2"),
        "{printed}"
    );
    let plain = plain_content(&api, &cli, &df, report, "none").await;
    let content = cli.write("report.xml", &plain);
    cli.run(&[
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        &sig_file,
        "-content",
        &content,
        "-CAfile",
        "ca.pem",
        "-out",
        "/dev/null",
    ]);
}
