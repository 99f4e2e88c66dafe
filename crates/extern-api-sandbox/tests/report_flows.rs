//! Whole report flows against the test robots, driven with plain HTTP calls.

mod support;

use serde_json::{Value, json};
use support::*;

fn document_types(docflow: &Value) -> Vec<String> {
    docflow["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["description"]["type"]
                .as_str()
                .unwrap()
                .trim_start_matches("urn:document:")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn inspection_0087_accepts_and_the_docflow_finishes_successfully() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;

    // The document's type and file name are detected from the content alone.
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    let doc = api.add_document(&draft, &report, None).await;
    assert_eq!(doc["description"]["type"], "urn:document:fns534-report");
    assert_eq!(doc["description"]["filename"], REPORT_NAME);
    assert_eq!(doc["description"]["properties"]["Encoding"], "windows-1251");
    assert_eq!(doc["description"]["properties"]["КНД"], "0710099");
    api.sign_document(&draft, doc["id"].as_str().unwrap(), &signer.sign(&report))
        .await;

    let check = api.run_task(&draft, "check").await;
    assert_eq!(check["task-state"], "succeed");
    assert_eq!(check["task-type"], "urn:task-type:check");
    // Every document is listed, with no errors (send_report.rst: `{"<id>": []}`).
    let listed = check["task-result"]["data"]["documents-errors"]
        .as_object()
        .unwrap();
    assert!(!listed.is_empty(), "{check}");
    assert!(
        listed.values().all(|e| e.as_array().unwrap().is_empty()),
        "{check}"
    );
    let prepare = api.run_task(&draft, "prepare").await;
    assert_eq!(prepare["task-result"]["status"], "ok", "{prepare}");
    let send = api.run_task(&draft, "send").await;
    assert_eq!(send["task-state"], "succeed");
    let docflow = &send["task-result"];
    assert_eq!(docflow["type"], "urn:docflow:fns534-report");
    assert_eq!(docflow["status"], "urn:docflow-common-status:sent");
    // The operator's documents arrive at once; the date confirmation carries a reply link.
    let types = document_types(docflow);
    assert!(
        types.contains(&"fns534-report-description".to_string()),
        "{types:?}"
    );
    assert!(
        types.contains(&"fns534-report-date-confirmation".to_string()),
        "{types:?}"
    );
    let id = docflow["id"].as_str().unwrap().to_string();
    let draft_after = api.get(&api.acc(&format!("/drafts/{draft}"))).await;
    assert_eq!(draft_after.body["status"], "sent");

    // Robot: receipt → acceptance (KV) → processing result (IV).
    let df = api
        .wait_docflow(&id, |d| {
            document_types(d)
                .iter()
                .any(|t| t == "fns534-report-processing-result-ok")
        })
        .await;
    assert_eq!(state(&df), ("response-arrived".into(), "successful".into()));
    for t in [
        "fns534-report-receipt",
        "fns534-report-acceptance-result-positive",
        "fns534-report-processing-result-ok",
    ] {
        assert!(document_types(&df).contains(&t.to_string()), "{t} missing");
    }
    // Reply links on PD, KV and IV; answering them finishes the docflow.
    let replies = api.answer_replies(&df, &signer).await;
    assert_eq!(replies, 3);
    let done = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    assert_eq!(state(&done), ("finished".into(), "successful".into()));
    assert!(
        !done["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["rel"] == "reply"),
        "no reply is due any more"
    );

    // Every document's content downloads, plain and zipped (one entry, the same bytes); what the
    // subscriber sent is zipped and encrypted for the recipient (a CMS envelope).
    let mut encrypted = 0;
    for doc in done["documents"].as_array().unwrap() {
        let find = |compression: &str| {
            doc["content"]["docflow-document-contents"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["compression-type"] == compression)
                .unwrap_or_else(|| panic!("no {compression} variant in {doc}"))
                .clone()
        };
        let variant = |compression: &str| {
            find(compression)["content-id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let a = api
            .get(&api.acc(&format!("/contents/{}", variant("none"))))
            .await;
        assert_eq!(a.status, 200);
        assert_eq!(
            a.bytes.len() as u64,
            doc["description"]["decrypted-content-size"]
                .as_u64()
                .unwrap()
        );
        let z = api
            .get(&api.acc(&format!("/contents/{}", variant("zip"))))
            .await;
        assert_eq!(z.status, 200);
        if find("zip")["encrypted"] == true {
            assert_eq!(z.bytes[0], 0x30, "a DER envelope");
            assert!(
                doc["description"]["encrypted-content-size"]
                    .as_u64()
                    .unwrap()
                    > 0
            );
            encrypted += 1;
            continue;
        }
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut zip::ZipArchive::new(std::io::Cursor::new(z.bytes))
                .unwrap()
                .by_index(0)
                .unwrap(),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped, a.bytes);
    }
    assert_eq!(
        encrypted, 1,
        "the report is kept encrypted for the inspection"
    );
}

#[tokio::test]
async fn inspection_0088_rejects_and_the_docflow_fails() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0088", &signer).await;
    let df = api
        .wait_docflow(&id, |d| {
            document_types(d)
                .iter()
                .any(|t| t == "fns534-report-acceptance-result-negative")
        })
        .await;
    assert_eq!(state(&df), ("response-arrived".into(), "failed".into()));
    assert!(
        !document_types(&df)
            .iter()
            .any(|t| t.contains("processing-result"))
    );
    api.answer_replies(&df, &signer).await;
    let done = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    assert_eq!(state(&done), ("finished".into(), "failed".into()));
}

#[tokio::test]
async fn inspection_0085_sends_a_precise_notice() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0085", &signer).await;
    let df = api
        .wait_docflow(&id, |d| {
            document_types(d)
                .iter()
                .any(|t| t == "fns534-report-processing-result-precise")
        })
        .await;
    assert_eq!(state(&df), ("response-arrived".into(), "warning".into()));
    api.answer_replies(&df, &signer).await;
    let done = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    assert_eq!(state(&done), ("finished".into(), "warning".into()));
}

#[tokio::test]
async fn answering_kv_before_iv_passes_through_response_processed() {
    let mut config = extern_api_sandbox::SandboxConfig::for_tests();
    config.robots.processing_ms = 3_600_000; // IV an hour after KV
    let api = Api::start_with(config).await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0087", &signer).await;
    let df = api
        .wait_docflow(&id, |d| {
            document_types(d)
                .iter()
                .any(|t| t == "fns534-report-acceptance-result-positive")
        })
        .await;
    assert_eq!(state(&df), ("response-arrived".into(), "neutral".into()));
    api.answer_replies(&df, &signer).await;
    let processed = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    assert_eq!(
        state(&processed),
        ("response-processed".into(), "neutral".into())
    );
    api.sandbox()
        .advance_clock(std::time::Duration::from_secs(3_601));
    let df = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    assert_eq!(state(&df), ("response-arrived".into(), "successful".into()));
}

#[tokio::test]
async fn robots_wait_for_the_clock() {
    let mut config = extern_api_sandbox::SandboxConfig::for_tests();
    config.robots = extern_api_sandbox::RobotTimings {
        receipt_ms: 600_000,
        acceptance_ms: 600_000,
        processing_ms: 0,
    };
    let api = Api::start_with(config).await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0087", &signer).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(
        state(&api.get(&api.acc(&format!("/docflows/{id}"))).await.body).0,
        "sent"
    );
    let a = api
        .post("/test-tools/v1/advance-clock", json!({ "seconds": 600 }))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        state(&api.get(&api.acc(&format!("/docflows/{id}"))).await.body).0,
        "delivered"
    );
    api.post("/test-tools/v1/advance-clock", json!({ "seconds": 600 }))
        .await;
    assert_eq!(
        state(&api.get(&api.acc(&format!("/docflows/{id}"))).await.body),
        ("response-arrived".into(), "successful".into())
    );
}

const ROSSTAT_REPORT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<report code="610016007004" form="7" shifr="stk_un_p5" version="26-06-2020" format-version="1.3" year="2020" period="1">
<title><item name="okpo" value="0123456789" /><item name="name" value="ООО Ромашка" /></title>
<sections/></report>"#;

async fn rosstat(code: &str) -> (Api, Value) {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let draft = api.draft(json!({ "togs-code": code })).await;
    let doc = api
        .add_document(&draft, ROSSTAT_REPORT.as_bytes(), None)
        .await;
    assert_eq!(doc["description"]["type"], "urn:document:stat-report");
    api.sign_document(
        &draft,
        doc["id"].as_str().unwrap(),
        &signer.sign(ROSSTAT_REPORT.as_bytes()),
    )
    .await;
    let send = api.run_task(&draft, "send").await;
    let id = send["task-result"]["id"].as_str().unwrap().to_string();
    assert_eq!(send["task-result"]["type"], "urn:docflow:stat-report");
    let df = api
        .wait_docflow(&id, |d| {
            document_types(d)
                .iter()
                .any(|t| t.starts_with("stat-report-protocol"))
        })
        .await;
    api.answer_replies(&df, &signer).await;
    let done = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    (api, done)
}

#[tokio::test]
async fn rosstat_00_87_accepts() {
    let (_api, done) = rosstat("00-87").await;
    assert_eq!(state(&done), ("finished".into(), "successful".into()));
}

#[tokio::test]
async fn rosstat_00_88_rejects() {
    let (_api, done) = rosstat("00-88").await;
    assert_eq!(state(&done), ("finished".into(), "failed".into()));
}
