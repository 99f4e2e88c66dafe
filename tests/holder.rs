//! A certificate holder played through the sandbox's test tools: reads the SMS code the
//! sandbox "sent", or approves/denies in the "myDSS app" — with scripted mistakes.

use std::sync::{Arc, Mutex};

use base64::Engine;
use extern_api_dss::{CodeFuture, ConfirmationRequest, Confirmer};
use extern_api_sandbox::Sandbox;

/// How the holder behaves.
#[derive(Clone, Copy, Debug)]
pub enum Behaviour {
    /// Enters this many wrong codes, then the right one.
    Sms { wrong_first: u32 },
    /// Gives no code.
    GivesUp,
    /// Approves (or denies) in the app as soon as asked.
    App { deny: bool },
    /// Never answers in the app.
    Silent,
}

/// What the holder saw.
#[derive(Default, Debug)]
pub struct Seen {
    pub requests: Vec<ConfirmationRequest>,
    pub progress: Vec<String>,
}

pub struct SandboxHolder {
    url: String,
    api_key: String,
    behaviour: Behaviour,
    pub seen: Arc<Mutex<Seen>>,
}

impl SandboxHolder {
    pub fn new(sandbox: &Sandbox, behaviour: Behaviour) -> Self {
        Self {
            url: sandbox.url(),
            api_key: sandbox.config().api_key.clone(),
            behaviour,
            seen: Arc::default(),
        }
    }

    async fn right_code(&self, request_id: &str) -> String {
        let answer: serde_json::Value = reqwest::Client::new()
            .get(format!(
                "{}/test-tools/v1/cloud-confirmation-code?request-id={request_id}",
                self.url
            ))
            .header("X-Kontur-Apikey", &self.api_key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["code"].as_str().unwrap().to_string()
    }
}

impl Confirmer for SandboxHolder {
    fn code<'a>(&'a self, request: &'a ConfirmationRequest) -> CodeFuture<'a> {
        Box::pin(async move {
            self.seen.lock().unwrap().requests.push(request.clone());
            match self.behaviour {
                Behaviour::Sms { wrong_first } => {
                    let right = self.right_code(&request.request_id).await;
                    if request.attempt <= wrong_first {
                        // A code that differs from the right one in every digit.
                        Some(
                            right
                                .bytes()
                                .map(|b| if b == b'0' { '1' } else { '0' })
                                .collect(),
                        )
                    } else {
                        Some(right)
                    }
                }
                _ => None,
            }
        })
    }

    fn awaiting_approval(&self, request: &ConfirmationRequest) {
        self.seen.lock().unwrap().requests.push(request.clone());
        let Behaviour::App { deny } = self.behaviour else {
            return;
        };
        let (url, key, id) = (
            self.url.clone(),
            self.api_key.clone(),
            request.request_id.clone(),
        );
        tokio::spawn(async move {
            // The holder takes a moment to pick up the phone.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            reqwest::Client::new()
                .post(format!("{url}/test-tools/v1/confirm-cloud-operation"))
                .header("X-Kontur-Apikey", &key)
                .json(&serde_json::json!({ "request-id": id, "deny": deny }))
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap();
        });
    }

    fn progress(&self, _request: &ConfirmationRequest, progress: &str) {
        self.seen
            .lock()
            .unwrap()
            .progress
            .push(progress.to_string());
    }
}

/// A cloud certificate of the seeded organization (`confirm`: `sms` or `myDSS`), in DER.
pub async fn cloud_certificate(sandbox: &Sandbox, confirm: &str) -> Vec<u8> {
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-cloud-certificate",
            sandbox.url()
        ))
        .header("X-Kontur-Apikey", &sandbox.config().api_key)
        .json(&serde_json::json!({ "inn": crate::INN, "kpp": crate::KPP, "confirm-type": confirm }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(issued["certificate"].as_str().unwrap())
        .unwrap()
}
