//! Printed forms are real PDFs: a PDF reader (lopdf) parses what a print task makes, and its text
//! holds the printed document's key fields, one a line.

mod support;

use serde_json::{Value, json};
use support::*;

/// The text of a printed PDF's pages, parsed by lopdf.
fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF header");
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert_eq!(pages, [1], "one page");
    doc.extract_text(&pages).expect("its text extracts")
}

/// Polls the print task under `base` and downloads its PDF.
async fn printed(api: &Api, base: &str, started: &Value) -> Vec<u8> {
    let task = api
        .wait_task(&format!("{base}/tasks/{}", started["id"].as_str().unwrap()))
        .await;
    assert_eq!(task["task-state"], "succeed", "{task}");
    let content = task["task-result"]["content-id"].as_str().unwrap();
    let a = api.get(&api.acc(&format!("/contents/{content}"))).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.bytes
}

fn has_line(text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l.trim() == line),
        "no line {line:?} in:\n{text}"
    );
}

#[tokio::test]
async fn a_printed_draft_document_shows_its_key_fields() {
    let api = Api::start().await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (name, report) = report_for("0087");
    let added = api
        .add_document(&draft, &report, Some(json!({ "filename": name })))
        .await;
    let doc = added["id"].as_str().unwrap();
    let base = api.acc(&format!("/drafts/{draft}/documents/{doc}"));
    let started = api.get(&format!("{base}/print?deferred=true")).await;
    assert_eq!(started.status, 202, "{}", started.body);

    let text = pdf_text(&printed(&api, &base, &started.body).await);
    has_line(&text, &format!("File name: {name}"));
    has_line(&text, "Document type: urn:document:fns534-report");
    has_line(&text, &format!("Draft: {draft}"));
    has_line(&text, &format!("Document: {doc}"));
    has_line(&text, &format!("INN: {INN}"));
    has_line(&text, &format!("KPP: {KPP}"));
    has_line(&text, "Recipient: 0087");
}

#[tokio::test]
async fn a_russian_file_name_prints_transliterated() {
    let api = Api::start().await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    let added = api
        .add_document(
            &draft,
            &report,
            Some(json!({ "filename": "Отчёт за год.xml", "type": "urn:document:fns534-report" })),
        )
        .await;
    let doc = added["id"].as_str().unwrap();
    let base = api.acc(&format!("/drafts/{draft}/documents/{doc}"));
    let started = api.get(&format!("{base}/print?deferred=true")).await;
    assert_eq!(started.status, 202, "{}", started.body);
    let text = pdf_text(&printed(&api, &base, &started.body).await);
    has_line(&text, "File name: Otchyot za god.xml");
}

#[tokio::test]
async fn a_printed_docflow_document_shows_its_key_fields() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0087", &signer).await;
    let docflow = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    let document = docflow["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == "urn:document:fns534-report")
        .unwrap_or_else(|| panic!("the report in {docflow}"));
    let doc = document["id"].as_str().unwrap();
    let filename = document["description"]["filename"].as_str().unwrap();
    let base = api.acc(&format!("/docflows/{id}/documents/{doc}"));
    let started = api
        .post(&format!("{base}/print?deferred=true"), json!({}))
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    assert_eq!(started.body["task-type"], "urn:task-type:docflowPrint");

    let text = pdf_text(&printed(&api, &base, &started.body).await);
    has_line(&text, "Document type: urn:document:fns534-report");
    has_line(&text, &format!("File name: {filename}"));
    has_line(&text, &format!("Docflow: {id}"));
    has_line(&text, &format!("Document: {doc}"));
    has_line(&text, &format!("INN: {INN}"));
    has_line(&text, &format!("KPP: {KPP}"));
    has_line(&text, "Recipient: 0087");
}
