//! The check protocol: each error the vendor's check reports for a bad report, over HTTP.

mod support;

use serde_json::{Value, json};
use support::*;

/// Builds a draft to `ifns` with one document and runs the check; answers the documents' errors.
async fn check_errors(
    api: &Api,
    draft_meta: Option<Value>,
    ifns: &str,
    bytes: &[u8],
    filename: Option<&str>,
    signature: Option<Vec<u8>>,
) -> Vec<String> {
    let draft = match draft_meta {
        Some(meta) => {
            let a = api.post(&api.acc("/drafts"), meta).await;
            assert_eq!(a.status, 201, "{}", a.body);
            a.body["id"].as_str().unwrap().to_string()
        }
        None => api.draft(json!({ "ifns-code": ifns })).await,
    };
    let description = filename.map(|f| json!({ "filename": f }));
    let doc = api.add_document(&draft, bytes, description).await;
    let doc_id = doc["id"].as_str().unwrap().to_string();
    if let Some(sig) = signature {
        api.sign_document(&draft, &doc_id, &sig).await;
    }
    let task = api.run_task(&draft, "check").await;
    assert_eq!(task["task-state"], "succeed", "{task}");
    task["task-result"]["data"]["documents-errors"][&doc_id]
        .as_array()
        .map(|errs| {
            errs.iter()
                .map(|e| e["description"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn has(errors: &[String], needle: &str) -> bool {
    errors.iter().any(|e| e.contains(needle))
}

#[tokio::test]
async fn a_correct_report_has_no_errors() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (_, report) = report_for("0087");
    let errors = check_errors(
        &api,
        None,
        "0087",
        &report,
        None,
        Some(signer.sign(&report)),
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test]
async fn file_name_differs_from_its_file_id() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (_, report) = report_for("0087");
    let errors = check_errors(
        &api,
        None,
        "0087",
        &report,
        Some("report.xml"),
        Some(signer.sign(&report)),
    )
    .await;
    assert!(
        has(&errors, "не совпадает с идентификатором файла"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn wrong_encoding() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (_, cp1251) = report_for("0087");
    let text = encoding_rs::WINDOWS_1251
        .decode(&cp1251)
        .0
        .replace("windows-1251", "utf-8");
    let utf8 = text.into_bytes();
    let errors = check_errors(&api, None, "0087", &utf8, None, Some(signer.sign(&utf8))).await;
    assert!(has(&errors, "windows-1251"), "{errors:?}");
    // Declared windows-1251 but really UTF-8 text is read as mojibake: the ИдФайл survives (ASCII),
    // so the encoding itself is the error reported.
}

#[tokio::test]
async fn sender_in_the_file_name_differs_from_the_draft() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (_, report) = report_for("0087");
    let meta = json!({ "sender": { "inn": INN, "kpp": "667602002", "ipaddress": "127.0.0.1" }, "recipient": { "ifns-code": "0087" } });
    let errors = check_errors(
        &api,
        Some(meta),
        "0087",
        &report,
        None,
        Some(signer.sign(&report)),
    )
    .await;
    assert!(
        has(&errors, "ИНН/КПП отправителя в имени файла"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn recipient_differs_from_the_file_id() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (_, report) = report_for("0087");
    let errors = check_errors(
        &api,
        None,
        "0088",
        &report,
        None,
        Some(signer.sign(&report)),
    )
    .await;
    assert!(
        has(&errors, "Инспекция-получатель в имени файла (0087)"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn missing_signature() {
    let api = Api::start().await;
    let (_, report) = report_for("0087");
    let errors = check_errors(&api, None, "0087", &report, None, None).await;
    assert!(has(&errors, "не подписан"), "{errors:?}");
}

#[tokio::test]
async fn tampered_signature() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (_, report) = report_for("0087");
    let mut other = report.clone();
    let last = other.len() - 3;
    other[last] ^= 0x20;
    let errors = check_errors(&api, None, "0087", &report, None, Some(signer.sign(&other))).await;
    assert!(
        has(&errors, "Подпись не соответствует содержимому"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn signer_inn_differs_from_the_sender() {
    let api = Api::start().await;
    let stranger = api.signer("7701234560", "770101001").await;
    let (_, report) = report_for("0087");
    let errors = check_errors(
        &api,
        None,
        "0087",
        &report,
        None,
        Some(stranger.sign(&report)),
    )
    .await;
    assert!(
        has(&errors, "ИНН в сертификате подписанта (7701234560)"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn sending_a_report_with_errors_succeeds_with_an_error_object() {
    // The vendor's quirk: the send task ends `succeed`, and its result is an error, not a docflow.
    let api = Api::start().await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    api.add_document(&draft, &report, None).await;
    let task = api.run_task(&draft, "send").await;
    assert_eq!(task["task-state"], "succeed");
    assert_eq!(
        task["task-result"]["id"], "urn:error:externapi:checkProtocolHasErrors",
        "{task}"
    );
    assert_eq!(task["task-result"]["status"], "check-protocol-has-errors");
    assert!(
        task["task-result"]["check-result"]["documents-errors"]
            .as_object()
            .unwrap()
            .len()
            == 1
    );
    let d = api.get(&api.acc(&format!("/drafts/{draft}"))).await;
    assert_ne!(d.body["status"], "sent");
    let search = api.get(&api.acc("/docflows")).await;
    assert_eq!(search.body["total-count"], 0, "no docflow was created");
}

#[tokio::test]
async fn prepare_reports_check_errors() {
    let api = Api::start().await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    api.add_document(&draft, &report, None).await;
    let task = api.run_task(&draft, "prepare").await;
    assert_eq!(
        task["task-result"]["status"], "check-protocol-has-errors",
        "{task}"
    );
    assert_eq!(task["task-result"]["links"][0]["rel"], "next");
}

#[tokio::test]
async fn rsa_signatures_verify_too() {
    let api = Api::start().await;
    let signer = api.signer_with(INN, KPP, "rsa").await;
    let (_, report) = report_for("0087");
    let errors = check_errors(
        &api,
        None,
        "0087",
        &report,
        None,
        Some(signer.sign(&report)),
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    let mut other = report.clone();
    other[100] ^= 1;
    let errors = check_errors(&api, None, "0087", &report, None, Some(signer.sign(&other))).await;
    assert!(
        has(&errors, "Подпись не соответствует содержимому"),
        "{errors:?}"
    );
}
