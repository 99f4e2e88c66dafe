//! The variables of tests/conformance/README.md, made on first use in one sandbox over plain HTTP
//! (the runner does not go through the SDK it checks, except to sign).

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use extern_api_core::crypto::{Signer, SoftwareSigner};
use extern_api_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub struct World {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub token: String,
    pub report: Vec<u8>,
    signer: Option<SoftwareSigner>,
    vars: HashMap<String, String>,
}

type Made = Result<(), String>;

impl World {
    pub async fn start() -> Self {
        let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
        let http = reqwest::Client::new();
        let c = sandbox.config().clone();
        let token: Value = http
            .post(sandbox.token_url())
            .form(&[
                ("grant_type", "password"),
                ("client_id", c.client_id.as_str()),
                ("client_secret", c.api_key.as_str()),
                ("username", c.login.as_str()),
                ("password", c.password.as_str()),
                ("scope", "extern.api"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut vars = HashMap::new();
        for (k, v) in [
            ("inn", extern_api_tests::INN),
            ("kpp", extern_api_tests::KPP),
            ("clientId", c.client_id.as_str()),
            ("apiKey", c.api_key.as_str()),
            ("login", c.login.as_str()),
            ("password", c.password.as_str()),
        ] {
            vars.insert(k.to_string(), v.to_string());
        }
        let report_path = std::path::Path::new(extern_api_tests::REPORT);
        let report = std::fs::read(report_path).unwrap();
        vars.insert("reportBase64".into(), B64.encode(&report));
        vars.insert(
            "pdfBase64".into(),
            B64.encode(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
        );
        vars.insert(
            "reportFileName".into(),
            report_path.file_name().unwrap().to_string_lossy().into(),
        );
        Self {
            http,
            token: token["access_token"].as_str().unwrap().to_string(),
            report,
            sandbox,
            signer: None,
            vars,
        }
    }

    /// The value of a variable, made (with whatever it needs) on first use.
    pub fn var<'a>(
        &'a mut self,
        name: &'a str,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>> {
        Box::pin(self.make_var(name))
    }

    async fn make_var(&mut self, name: &str) -> Result<String, String> {
        if let Some(v) = self.vars.get(name) {
            return Ok(v.clone());
        }
        match name {
            "accountId" => self.make_account().await?,
            "orgId" => self.make_organization().await?,
            "certificate" | "signature" => self.make_signature().await?,
            "contentId" => self.make_content().await?,
            "draftId" | "draftDocumentId" | "draftSignatureId" => self.make_draft().await?,
            "docflowId" | "docflowDocumentId" | "docflowSignatureId" | "replyDocumentId" => {
                self.make_docflow().await?
            }
            "demandDocflowId" | "demandDocumentId" => self.make_demand().await?,
            "builderId" | "letterBuilderId" | "registrationBuilderId" => {
                self.make_builders().await?
            }
            _ => return Err(format!("the runner has no variable {{{name}}}")),
        }
        self.vars
            .get(name)
            .cloned()
            .ok_or_else(|| format!("making {{{name}}} did not give it a value"))
    }

    fn set(&mut self, name: &str, value: impl ToString) {
        self.vars.insert(name.to_string(), value.to_string());
    }

    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut rq = self
            .http
            .request(method.clone(), format!("{}{path}", self.sandbox.url()))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            rq = rq.json(&b);
        }
        let rs = rq.send().await.map_err(|e| e.to_string())?;
        let status = rs.status();
        let text = rs.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("setup {method} {path}: {status} {text}"));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn make_account(&mut self) -> Made {
        let accounts = self.api(reqwest::Method::GET, "/v1", None).await?;
        let id = accounts["accounts"][0]["id"]
            .as_str()
            .ok_or("no account")?
            .to_string();
        self.set("accountId", id);
        Ok(())
    }

    async fn make_organization(&mut self) -> Made {
        let account = self.var("accountId").await?;
        let orgs = self
            .api(
                reqwest::Method::GET,
                &format!("/v1/{account}/organizations"),
                None,
            )
            .await?;
        let id = orgs["organizations"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["general"]["inn"] == "6676130154"))
            .and_then(|o| o["id"].as_str())
            .ok_or_else(|| format!("no seeded organization in {orgs}"))?
            .to_string();
        self.set("orgId", id);
        Ok(())
    }

    async fn make_signature(&mut self) -> Made {
        let (cert, key) = extern_api_tests::issue_certificate(
            &self.sandbox,
            extern_api_tests::INN,
            extern_api_tests::KPP,
            // RSA: the sandbox encrypts certificate-login challenges to RSA keys only.
            "rsa",
        )
        .await;
        let signer = SoftwareSigner::from_pem(&key, cert.clone()).map_err(|e| e.to_string())?;
        let signature = signer.sign(&self.report).await.map_err(|e| e.to_string())?;
        self.set("certificate", B64.encode(cert));
        self.set("signature", B64.encode(signature));
        self.signer = Some(signer);
        Ok(())
    }

    pub async fn upload_report(&mut self) -> Result<String, String> {
        let account = self.var("accountId").await?;
        let n = self.report.len();
        let rs = self
            .http
            .post(format!("{}/v1/{account}/contents", self.sandbox.url()))
            .bearer_auth(&self.token)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", format!("bytes 0-{}/{n}", n - 1))
            .body(self.report.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let body: Value = rs.json().await.map_err(|e| e.to_string())?;
        body["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("upload answered {body}"))
    }

    async fn make_content(&mut self) -> Made {
        let id = self.upload_report().await?;
        self.set("contentId", id);
        Ok(())
    }

    /// A draft with the report and its signature; returns its id.
    async fn new_draft(&mut self) -> Result<(String, String, String), String> {
        let account = self.var("accountId").await?;
        let certificate = self.var("certificate").await?;
        let signature = self.var("signature").await?;
        let draft = self
            .api(
                reqwest::Method::POST,
                &format!("/v1/{account}/drafts"),
                Some(json!({
                    "sender": {"inn": "6676130154", "kpp": "667601001",
                               "certificate": {"content": certificate}, "ipaddress": "8.8.8.8"},
                    "recipient": {"ifns-code": "0087"},
                    "payer": {"inn": "6676130154", "organization": {"kpp": "667601001"}}
                })),
            )
            .await?;
        let draft = draft["id"].as_str().ok_or("no draft id")?.to_string();
        let content = self.upload_report().await?;
        let document = self
            .api(
                reqwest::Method::POST,
                &format!("/v1/{account}/drafts/{draft}/documents"),
                Some(json!({"content-id": content,
                            "description": {"filename": self.vars["reportFileName"]}})),
            )
            .await?;
        let document = document["id"].as_str().ok_or("no document id")?.to_string();
        let signed = self
            .api(
                reqwest::Method::POST,
                &format!("/v1/{account}/drafts/{draft}/documents/{document}/signatures"),
                Some(json!({"base64-content": signature})),
            )
            .await?;
        let signature = signed["id"].as_str().ok_or("no signature id")?.to_string();
        Ok((draft, document, signature))
    }

    async fn make_draft(&mut self) -> Made {
        let (draft, document, signature) = self.new_draft().await?;
        self.set("draftId", draft);
        self.set("draftDocumentId", document);
        self.set("draftSignatureId", signature);
        Ok(())
    }

    /// Sends a draft and waits for the first document that asks for a reply.
    async fn make_docflow(&mut self) -> Made {
        let account = self.var("accountId").await?;
        let (draft, ..) = self.new_draft().await?;
        let task = self
            .api(
                reqwest::Method::POST,
                &format!("/v1/{account}/drafts/{draft}/send?deferred=true"),
                None,
            )
            .await?;
        let task = task["id"].as_str().ok_or("no task id")?.to_string();
        let docflow = self
            .poll(&format!("/v1/{account}/drafts/{draft}/tasks/{task}"), |t| {
                t["task-result"]["id"].as_str().map(str::to_string)
            })
            .await?;
        let path = format!("/v1/{account}/docflows/{docflow}");
        let (report, reply) = self
            .poll(&path, |d| {
                let docs = d["documents"].as_array()?;
                let report = docs
                    .iter()
                    .find(|x| x["description"]["type"] == "urn:document:fns534-report")?;
                let reply = docs.iter().find(|x| {
                    x["links"]
                        .as_array()
                        .is_some_and(|l| l.iter().any(|l| l["rel"] == "reply"))
                })?;
                Some((report.clone(), reply["id"].as_str()?.to_string()))
            })
            .await?;
        self.set("docflowId", &docflow);
        self.set(
            "docflowDocumentId",
            report["id"].as_str().unwrap_or_default(),
        );
        let signatures = self
            .api(
                reqwest::Method::GET,
                &format!(
                    "{path}/documents/{}/signatures",
                    report["id"].as_str().unwrap_or_default()
                ),
                None,
            )
            .await?;
        let first = signatures
            .as_array()
            .and_then(|s| s.first())
            .or_else(|| signatures["signatures"].as_array().and_then(|s| s.first()))
            .and_then(|s| s["id"].as_str())
            .ok_or_else(|| format!("no signature of the report in {signatures}"))?
            .to_string();
        self.set("docflowSignatureId", first);
        self.set("replyDocumentId", reply);
        Ok(())
    }

    /// DraftsBuilders of the three types docs/builder/ shows: an inventory answering the demand,
    /// a letter, a business registration.
    async fn make_builders(&mut self) -> Made {
        let demand = self.var("demandDocflowId").await?;
        let document = self.var("demandDocumentId").await?;
        let related = json!({"related-document": {"related-docflow-id": demand,
                                                  "related-document-id": document}});
        for (var, kind, recipient, data) in [
            (
                "builderId",
                "fns534-inventory",
                json!({"ifns-code": "0087"}),
                related,
            ),
            (
                "letterBuilderId",
                "fns534-letter",
                json!({"ifns-code": "0087"}),
                json!({"region": "66", "subject": "Сверка"}),
            ),
            (
                "registrationBuilderId",
                "business-registration",
                json!({"registration-ifns-code": "0087"}),
                json!({"registration-info": {"application-code": "Р11001"},
                    "paper-documents-delivery-type": "No"}),
            ),
        ] {
            let id = self.new_builder(kind, recipient, data).await?;
            self.set(var, id);
        }
        Ok(())
    }

    async fn new_builder(
        &mut self,
        kind: &str,
        recipient: Value,
        data: Value,
    ) -> Result<String, String> {
        let account = self.var("accountId").await?;
        let certificate = self.var("certificate").await?;
        let builder = self
            .api(
                reqwest::Method::POST,
                &format!("/v1/{account}/drafts/builders"),
                Some(json!({
                    "sender": {"inn": "6676130154", "kpp": "667601001",
                               "certificate": {"content": certificate}, "ipaddress": "8.8.8.8"},
                    "payer": {"inn": "6676130154", "organization": {"kpp": "667601001"}},
                    "recipient": recipient,
                    "builder-type": format!("urn:drafts-builder:{kind}"),
                    "builder-data": data,
                })),
            )
            .await?;
        builder["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("no builder in {builder}"))
    }

    async fn make_demand(&mut self) -> Made {
        let account = self.var("accountId").await?;
        let generated: Value = self
            .http
            .post(format!(
                "{}/test-tools/v1/generate-demand",
                self.sandbox.url()
            ))
            .header("X-Kontur-Apikey", &self.vars["apiKey"])
            .json(&json!({}))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let docflow = generated["docflow-id"]
            .as_str()
            .ok_or("no demand")?
            .to_string();
        let d = self
            .api(
                reqwest::Method::GET,
                &format!("/v1/{account}/docflows/{docflow}"),
                None,
            )
            .await?;
        let main = d["documents"]
            .as_array()
            .and_then(|docs| {
                docs.iter()
                    .find(|x| x["description"]["type"] == "urn:document:fns534-demand")
                    .or_else(|| docs.first())
            })
            .and_then(|x| x["id"].as_str())
            .ok_or_else(|| format!("no demand document in {d}"))?
            .to_string();
        self.set("demandDocflowId", docflow);
        self.set("demandDocumentId", main);
        Ok(())
    }

    async fn poll<T>(&self, path: &str, done: impl Fn(&Value) -> Option<T>) -> Result<T, String> {
        for _ in 0..400 {
            let v = self.api(reqwest::Method::GET, path, None).await?;
            if let Some(t) = done(&v) {
                return Ok(t);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err(format!("setup: {path} never got there"))
    }
}
