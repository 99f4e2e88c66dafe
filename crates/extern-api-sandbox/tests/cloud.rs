//! Cloud signing over HTTP: SMS-like codes and myDSS-like app confirmations, for drafts and
//! replies, with their failures.

mod support;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

async fn cloud_certificate(api: &Api, confirm: &str) -> String {
    let a = api
        .post(
            "/test-tools/v1/generate-cloud-certificate",
            json!({ "inn": INN, "kpp": KPP, "confirm-type": confirm }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["certificate"].as_str().unwrap().to_string()
}

/// A draft to 0087 from a sender holding `certificate`, with the sample report, unsigned.
async fn draft(api: &Api, certificate: &str) -> (String, String) {
    let d = api
        .post(&api.acc("/drafts"), json!({ "sender": { "inn": INN, "kpp": KPP, "certificate": { "content": certificate } }, "recipient": { "ifns-code": "0087" } }))
        .await;
    let draft = d.body["id"].as_str().unwrap().to_string();
    let (_, report) = report_for("0087");
    let doc = api.add_document(&draft, &report, None).await;
    (draft, doc["id"].as_str().unwrap().to_string())
}

async fn code(api: &Api, request: &str) -> String {
    api.get(&format!(
        "/test-tools/v1/cloud-confirmation-code?request-id={request}"
    ))
    .await
    .body["code"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn confirm(api: &Api, path: &str, request: &str, code: &str) -> Answer {
    api.send(
        Method::POST,
        &format!("{path}/cloud-sign-confirm?requestId={request}&code={code}"),
        None,
    )
    .await
}

#[tokio::test]
async fn sms_signing_of_a_draft_then_sending_it() {
    let api = Api::start().await;
    let cert = cloud_certificate(&api, "sms").await;
    let (draft, doc) = draft(&api, &cert).await;
    let path = api.acc(&format!("/drafts/{draft}"));
    let init = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await;
    assert_eq!(init.status, 200, "{}", init.body);
    assert_eq!(init.body["confirm-type"], "sms");
    let request = init.body["request-id"].as_str().unwrap().to_string();
    let right = code(&api, &request).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let bad = confirm(&api, &path, &request, wrong).await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["message"]
            .as_str()
            .unwrap()
            .contains("2 attempts left")
    );
    let ok = confirm(&api, &path, &request, &right).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["signed-documents"].as_array().unwrap().len(), 1);
    let d = api.get(&format!("{path}/documents/{doc}")).await.body;
    assert_eq!(d["signatures"].as_array().unwrap().len(), 1);
    let sent = api.run_task(&draft, "send").await;
    assert_eq!(
        sent["task-result"]["type"], "urn:docflow:fns534-report",
        "{sent}"
    );
}

#[tokio::test]
async fn three_wrong_codes_end_the_operation() {
    let api = Api::start().await;
    let cert = cloud_certificate(&api, "sms").await;
    let (draft, _) = draft(&api, &cert).await;
    let path = api.acc(&format!("/drafts/{draft}"));
    let request = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await
        .body["request-id"]
        .as_str()
        .unwrap()
        .to_string();
    let right = code(&api, &request).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    confirm(&api, &path, &request, wrong).await;
    confirm(&api, &path, &request, wrong).await;
    let last = confirm(&api, &path, &request, wrong).await;
    assert_eq!(
        last.body["id"],
        "urn:error:externapi:exceededConfirmationAttemptsCount"
    );
    assert_eq!(
        confirm(&api, &path, &request, &right).await.status,
        404,
        "the operation is gone"
    );
    // The draft is free again.
    assert_eq!(
        api.send(Method::POST, &format!("{path}/cloud-sign"), None)
            .await
            .status,
        200
    );
}

async fn start_in_app(api: &Api) -> (String, String, String, Value) {
    let cert = cloud_certificate(api, "myDSS").await;
    let (draft, doc) = draft(api, &cert).await;
    let path = api.acc(&format!("/drafts/{draft}"));
    let init = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await;
    assert_eq!(init.body["confirm-type"], "myDSS");
    (draft, doc, path, init.body)
}

#[tokio::test]
async fn mydss_approval_signs_and_locks_meanwhile() {
    let api = Api::start().await;
    let (draft, doc, path, init) = start_in_app(&api).await;
    let task = init["task-id"].as_str().unwrap().to_string();
    let pending = api.get(&format!("{path}/tasks/{task}")).await.body;
    assert_eq!(
        (pending["task-state"].as_str(), pending["progress"].as_str()),
        (Some("running"), Some("AwaitingForConfirmation"))
    );
    assert_eq!(
        api.send(Method::POST, &format!("{path}/cloud-sign"), None)
            .await
            .status,
        409,
        "one operation at a time"
    );
    assert_eq!(
        api.send(Method::POST, &format!("{path}/check?deferred=true"), None)
            .await
            .status,
        409,
        "the draft is locked"
    );
    let approve = api
        .post(
            "/test-tools/v1/confirm-cloud-operation",
            json!({ "request-id": init["request-id"] }),
        )
        .await;
    assert_eq!(approve.status, 200, "{}", approve.body);
    let done = api.get(&format!("{path}/tasks/{task}")).await.body;
    assert_eq!(
        (done["task-state"].as_str(), done["progress"].as_str()),
        (Some("succeed"), Some("Completed"))
    );
    assert_eq!(
        api.get(&format!("{path}/documents/{doc}")).await.body["signatures"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let check = api.run_task(&draft, "check").await;
    // Every document is listed, with no errors (send_report.rst: `{"<id>": []}`).
    let listed = check["task-result"]["data"]["documents-errors"]
        .as_object()
        .unwrap();
    assert!(!listed.is_empty(), "{check}");
    assert!(
        listed.values().all(|e| e.as_array().unwrap().is_empty()),
        "{check}"
    );
}

#[tokio::test]
async fn mydss_denial_and_timeout() {
    let api = Api::start().await;
    let (_, _, path, init) = start_in_app(&api).await;
    api.post(
        "/test-tools/v1/confirm-cloud-operation",
        json!({ "request-id": init["request-id"], "deny": true }),
    )
    .await;
    let denied = api
        .get(&format!(
            "{path}/tasks/{}",
            init["task-id"].as_str().unwrap()
        ))
        .await
        .body;
    assert_eq!(
        (denied["task-state"].as_str(), denied["progress"].as_str()),
        (Some("failed"), Some("CanceledByUser"))
    );
    assert_eq!(
        denied["error"]["id"],
        "urn:error:externapi:cloudOperationCanceledByUser"
    );

    let again = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await
        .body;
    api.sandbox()
        .advance_clock(std::time::Duration::from_secs(301));
    let timed_out = api
        .get(&format!(
            "{path}/tasks/{}",
            again["task-id"].as_str().unwrap()
        ))
        .await
        .body;
    assert_eq!(
        (
            timed_out["task-state"].as_str(),
            timed_out["progress"].as_str()
        ),
        (Some("failed"), Some("Timeout"))
    );
}

#[tokio::test]
async fn replies_are_cloud_signed_too_and_local_certificates_are_refused() {
    let api = Api::start().await;
    let cert = cloud_certificate(&api, "sms").await;
    let (draft, _) = draft(&api, &cert).await;
    let path = api.acc(&format!("/drafts/{draft}"));
    let request = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await
        .body["request-id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = code(&api, &request).await;
    confirm(&api, &path, &request, &c).await;
    let id = api.run_task(&draft, "send").await["task-result"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let df = api
        .wait_docflow(&id, |d| {
            d["success-state"] == "urn:docflow-state:successful"
        })
        .await;
    let kv = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["description"]["type"] == "urn:document:fns534-report-acceptance-result-positive"
        })
        .unwrap();
    let base = api.acc(&format!(
        "/docflows/{id}/documents/{}",
        kv["id"].as_str().unwrap()
    ));
    let reply = api
        .post(
            &format!("{base}/generate-reply?documentType=fns534-report-receipt"),
            json!({ "certificate-base64": cert }),
        )
        .await
        .body;
    let rpath = format!("{base}/replies/{}", reply["id"].as_str().unwrap());
    let init = api
        .send(Method::POST, &format!("{rpath}/cloud-sign"), None)
        .await
        .body;
    let request = init["request-id"].as_str().unwrap().to_string();
    let c = code(&api, &request).await;
    assert_eq!(confirm(&api, &rpath, &request, &c).await.status, 200);
    let signed = api.get(&rpath).await.body;
    assert!(signed["signature"].is_string());
    assert_eq!(
        api.post(&format!("{rpath}/send"), json!({})).await.status,
        200
    );

    // A certificate whose key the service does not hold cannot be used in the cloud.
    let local = api.signer(INN, KPP).await;
    let (draft, _) = self::draft(&api, &B64.encode(&local.certificate)).await;
    let refused = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/{draft}/cloud-sign")),
            None,
        )
        .await;
    assert_eq!(
        refused.body["id"],
        "urn:error:externapi:notCloudCertificate"
    );
}
