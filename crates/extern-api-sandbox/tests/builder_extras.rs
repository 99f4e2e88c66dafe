//! The rest of the drafts builder API over plain HTTP: the builder upsert, preparing documents,
//! a file generated from a contract, and the file content getter — each with its refusals.

mod support;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

const LETTER: &str = "urn:drafts-builder:fns534-letter";

fn letter_meta(subject: &str) -> Value {
    json!({
        "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" },
        "recipient": { "ifns-code": "0087" },
        "payer": { "inn": INN },
        "builder-type": LETTER,
        "builder-data": { "region": "66", "subject": subject },
    })
}

/// A random account: 403 for every caller.
fn foreign(path: &str) -> String {
    format!("/v1/{}{path}", uuid::Uuid::new_v4())
}

async fn letter(api: &Api) -> String {
    let b = api
        .post(&api.acc("/drafts/builders"), letter_meta("Письмо"))
        .await;
    assert_eq!(b.status, 201, "{}", b.body);
    b.body["id"].as_str().unwrap().to_string()
}

async fn document(api: &Api, b: &str, kind: &str) -> String {
    let d = api
        .post(
            &api.acc(&format!("/drafts/builders/{b}/documents")),
            json!({ "builder-data": { "type": kind } }),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.body);
    d.body["id"].as_str().unwrap().to_string()
}

/// Adds a file; `bytes: None` adds one without content. Answers the file id.
async fn file(api: &Api, b: &str, d: &str, name: &str, bytes: Option<&[u8]>) -> String {
    let mut body = json!({ "meta": { "file-name": name } });
    if let Some(bytes) = bytes {
        body["content-id"] = json!(api.upload(bytes).await);
    }
    let f = api
        .post(
            &api.acc(&format!("/drafts/builders/{b}/documents/{d}/files")),
            body,
        )
        .await;
    assert_eq!(f.status, 201, "{}", f.body);
    f.body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn put_builder_creates_under_the_callers_id_and_replaces_it() {
    let api = Api::start().await;
    let id = uuid::Uuid::new_v4();
    let path = api.acc(&format!("/drafts/builders/{id}"));
    let created = api
        .send(Method::PUT, &path, Some(letter_meta("Первое")))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["id"], id.to_string());
    assert_eq!(created.body["status"], "new");
    assert_eq!(
        api.get(&path).await.body["meta"]["builder-data"]["subject"],
        "Первое"
    );

    let replaced = api
        .send(Method::PUT, &path, Some(letter_meta("Второе")))
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(
        api.get(&format!("{path}/meta")).await.body["builder-data"]["subject"],
        "Второе"
    );

    let mut other_type = letter_meta("x");
    other_type["builder-type"] = json!("urn:drafts-builder:fns534-inventory");
    assert_eq!(
        api.send(Method::PUT, &path, Some(other_type)).await.status,
        400
    );
    let mut no_region = letter_meta("x");
    no_region["builder-data"] = json!({});
    assert_eq!(
        api.send(Method::PUT, &path, Some(no_region)).await.status,
        400
    );
    let mut unknown = letter_meta("x");
    unknown["builder-type"] = json!("urn:drafts-builder:nothing");
    let fresh = api.acc(&format!("/drafts/builders/{}", uuid::Uuid::new_v4()));
    assert_eq!(
        api.send(Method::PUT, &fresh, Some(unknown)).await.status,
        400
    );
    let a = api
        .send(
            Method::PUT,
            &foreign(&format!("/drafts/builders/{id}")),
            Some(letter_meta("x")),
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);

    // A built builder no longer changes.
    let d = document(&api, &id.to_string(), "letter").await;
    file(&api, &id.to_string(), &d, "letter.txt", Some(b"text")).await;
    let t = api
        .send(Method::POST, &format!("{path}/build?deferred=true"), None)
        .await;
    assert_eq!(t.status, 202, "{}", t.body);
    let task = api
        .wait_task(&format!("{path}/tasks/{}", t.body["id"].as_str().unwrap()))
        .await;
    assert_eq!(task["task-state"], "succeed", "{task}");
    let late = api
        .send(Method::PUT, &path, Some(letter_meta("Третье")))
        .await;
    assert_eq!(late.status, 409, "{}", late.body);
}

#[tokio::test]
async fn prepare_lists_the_documents_the_build_would_leave_out() {
    let api = Api::start().await;
    let b = letter(&api).await;
    let good = document(&api, &b, "letter").await;
    file(&api, &b, &good, "letter.txt", Some(b"text")).await;
    let empty = document(&api, &b, "attachment").await;
    let hollow = document(&api, &b, "attachment").await;
    file(&api, &b, &hollow, "nothing.pdf", None).await;

    let url = api.acc(&format!("/drafts/builders/{b}/documents/prepare"));
    let started = api.send(Method::POST, &url, None).await;
    assert_eq!(started.status, 202, "{}", started.body);
    assert_eq!(started.body["task-state"], "running");
    let task = api
        .wait_task(&api.acc(&format!(
            "/drafts/builders/{b}/tasks/{}",
            started.body["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(task["task-state"], "succeed", "{task}");
    let errors = task["task-result"]["error-drafts-builder-documents"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = errors
        .iter()
        .map(|e| e["document-id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{task}");
    assert!(ids.contains(&empty.as_str()) && ids.contains(&hollow.as_str()));
    assert!(!ids.contains(&good.as_str()));
    assert!(errors.iter().all(|e| e["error-message"].is_string()));
    assert_eq!(
        api.get(&api.acc(&format!("/drafts/builders/{b}")))
            .await
            .body["status"],
        "new"
    );

    let missing = uuid::Uuid::new_v4();
    let a = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/builders/{missing}/documents/prepare")),
            None,
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let a = api
        .send(
            Method::POST,
            &foreign(&format!("/drafts/builders/{b}/documents/prepare")),
            None,
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn a_file_is_generated_from_a_contract_and_read_back() {
    let api = Api::start().await;
    let b = letter(&api).await;
    let d = document(&api, &b, "letter").await;
    let files = api.acc(&format!("/drafts/builders/{b}/documents/{d}/files"));
    let generated = api
        .post(
            &format!("{files}/generate?version=2"),
            json!({ "text": "Прошу <разъяснить>", "items": [{ "n": 1 }, { "n": 2 }] }),
        )
        .await;
    assert_eq!(generated.status, 201, "{}", generated.body);
    let file_id = generated.body["id"].as_str().unwrap().to_string();
    assert_eq!(generated.body["drafts-builder-document-id"], d.as_str());
    assert!(generated.body["content-id"].is_string());
    let name = generated.body["meta"]["file-name"].as_str().unwrap();
    assert!(name.ends_with(".xml"), "{name}");

    let content = api.get(&format!("{files}/{file_id}/content")).await;
    assert_eq!(content.status, 200, "{}", content.body);
    let xml = String::from_utf8(B64.decode(content.body.as_str().unwrap()).unwrap()).unwrap();
    assert!(xml.contains("text=\"Прошу &lt;разъяснить&gt;\""), "{xml}");
    assert!(xml.contains("version=\"2\""), "{xml}");
    assert_eq!(xml.matches("<items ").count(), 2, "{xml}");
    let listed = api.get(&files).await.body;
    assert_eq!(listed.as_array().unwrap().len(), 1);

    assert_eq!(
        api.post(&format!("{files}/generate"), json!({}))
            .await
            .status,
        400
    );
    assert_eq!(
        api.post(&format!("{files}/generate?version=two"), json!({ "a": 1 }))
            .await
            .status,
        400
    );
    let missing = uuid::Uuid::new_v4();
    let a = api
        .post(
            &api.acc(&format!(
                "/drafts/builders/{b}/documents/{missing}/files/generate"
            )),
            json!({ "a": 1 }),
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let a = api
        .post(
            &foreign(&format!(
                "/drafts/builders/{b}/documents/{d}/files/generate"
            )),
            json!({ "a": 1 }),
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn file_content_is_base64_and_404_without_content() {
    let api = Api::start().await;
    let b = letter(&api).await;
    let d = document(&api, &b, "attachment").await;
    let bytes = b"%PDF-1.4 attachment".to_vec();
    let with = file(&api, &b, &d, "a.pdf", Some(&bytes)).await;
    let without = file(&api, &b, &d, "b.pdf", None).await;
    let files = api.acc(&format!("/drafts/builders/{b}/documents/{d}/files"));

    let a = api.get(&format!("{files}/{with}/content")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(B64.decode(a.body.as_str().unwrap()).unwrap(), bytes);
    let a = api.get(&format!("{files}/{without}/content")).await;
    assert_eq!(a.status, 404, "{}", a.body);
    let missing = uuid::Uuid::new_v4();
    assert_eq!(
        api.get(&format!("{files}/{missing}/content")).await.status,
        404
    );
    let a = api
        .get(&foreign(&format!(
            "/drafts/builders/{b}/documents/{d}/files/{with}/content"
        )))
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}
