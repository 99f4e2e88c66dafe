//! DraftsBuilder over plain HTTP: a demand answered with an inventory end to end, the limits and
//! labels that split drafts, letters, and the build lock.

mod support;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

async fn reply(api: &Api, signer: &Signer, df: &Value, doc: &str, kind: &str) -> Value {
    let id = df["id"].as_str().unwrap();
    let base = api.acc(&format!("/docflows/{id}/documents/{doc}"));
    let r = api
        .post(
            &format!("{base}/generate-reply?documentType={kind}"),
            json!({ "certificate-base64": B64.encode(&signer.certificate) }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rid = r.body["id"].as_str().unwrap().to_string();
    let content = B64.decode(r.body["content"].as_str().unwrap()).unwrap();
    assert_eq!(
        api.put_bytes(
            &format!("{base}/replies/{rid}/signature"),
            signer.sign(&content)
        )
        .await
        .status,
        200
    );
    let sent = api
        .post(
            &format!("{base}/replies/{rid}/send"),
            json!({ "sender-ip": "127.0.0.1" }),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    sent.body
}

fn find<'a>(df: &'a Value, kind: &str) -> &'a Value {
    df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == format!("urn:document:{kind}"))
        .unwrap()
}

async fn builder(api: &Api, builder_type: &str, data: Value) -> String {
    let b = api
        .post(
            &api.acc("/drafts/builders"),
            json!({
                "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" },
                "recipient": { "ifns-code": "0087" },
                "payer": { "inn": INN },
                "builder-type": builder_type,
                "builder-data": data,
            }),
        )
        .await;
    assert_eq!(b.status, 201, "{}", b.body);
    b.body["id"].as_str().unwrap().to_string()
}

async fn document(api: &Api, b: &str, data: Value) -> String {
    let d = api
        .post(
            &api.acc(&format!("/drafts/builders/{b}/documents")),
            json!({ "builder-data": data }),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.body);
    d.body["id"].as_str().unwrap().to_string()
}

async fn file(api: &Api, b: &str, d: &str, name: &str, bytes: &[u8], signer: Option<&Signer>) {
    let content = api.upload(bytes).await;
    let mut body = json!({ "content-id": content, "meta": { "file-name": name, "builder-data": { "scanned-file-order": 1 } } });
    if let Some(s) = signer {
        body["base64-signature-content"] = json!(B64.encode(s.sign(bytes)));
    }
    let f = api
        .post(
            &api.acc(&format!("/drafts/builders/{b}/documents/{d}/files")),
            body,
        )
        .await;
    assert_eq!(f.status, 201, "{}", f.body);
}

async fn build(api: &Api, b: &str) -> Value {
    let t = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/builders/{b}/build?deferred=true")),
            None,
        )
        .await;
    assert_eq!(t.status, 202, "{}", t.body);
    let task = api
        .wait_task(&api.acc(&format!(
            "/drafts/builders/{b}/tasks/{}",
            t.body["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(task["task-state"], "succeed", "{task}");
    task["task-result"].clone()
}

#[tokio::test]
async fn a_demand_answered_with_an_inventory_end_to_end() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let generated = api
        .post(
            "/test-tools/v1/generate-demand",
            json!({ "knds": ["1165050"] }),
        )
        .await;
    let demand_id = generated.body["docflow-id"].as_str().unwrap().to_string();
    let demand = api
        .get(&api.acc(&format!("/docflows/{demand_id}")))
        .await
        .body;
    let main = find(&demand, "fns534-demand")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let attachment = find(&demand, "fns534-demand-attachment")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let demand = reply(&api, &signer, &demand, &main, "fns534-demand-receipt").await;
    reply(
        &api,
        &signer,
        &demand,
        &main,
        "fns534-demand-acceptance-result-positive",
    )
    .await;

    let b = builder(&api, "urn:drafts-builder:fns534-inventory", json!({ "related-document": { "related-docflow-id": demand_id, "related-document-id": attachment } })).await;
    let scans = document(&api, &b, json!({ "type": "scanned", "claim-item-number": "1.1", "scanned-document-name": "Договор" })).await;
    let pdf = b"%PDF-1.4 scanned contract".to_vec();
    file(&api, &b, &scans, "contract.pdf", &pdf, Some(&signer)).await;
    let wrong = document(
        &api,
        &b,
        json!({ "type": "scanned", "claim-item-number": "1.2" }),
    )
    .await;
    file(&api, &b, &wrong, "notes.docx", b"PK...", Some(&signer)).await;

    let result = build(&api, &b).await;
    assert_eq!(result["draft-ids"].as_array().unwrap().len(), 1);
    assert_eq!(
        result["error-drafts-builder-documents"][0]["document-id"],
        wrong.as_str()
    );
    assert!(
        result["error-drafts-builder-documents"][0]["error-message"]
            .as_str()
            .unwrap()
            .contains("scan must be")
    );
    assert_eq!(
        api.get(&api.acc(&format!("/drafts/builders/{b}")))
            .await
            .body["status"],
        "finished"
    );
    assert_eq!(
        api.post(
            &api.acc(&format!("/drafts/builders/{b}/documents")),
            json!({ "builder-data": { "type": "scanned" } })
        )
        .await
        .status,
        409
    );

    // The generated inventory is signed by the sender, then the draft goes as usual.
    let draft = result["draft-ids"][0].as_str().unwrap().to_string();
    let d = api.get(&api.acc(&format!("/drafts/{draft}"))).await.body;
    assert_eq!(
        d["meta"]["related-document"]["related-docflow-id"],
        demand_id.as_str()
    );
    for link in d["documents"].as_array().unwrap() {
        let doc = api
            .get(
                link["href"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(api.sandbox().url().as_str()),
            )
            .await
            .body;
        if doc["signatures"].as_array().unwrap().is_empty() {
            assert_eq!(doc["description"]["type"], "urn:document:fns534-inventory");
            let content = doc["contents"][0]["content-id"].as_str().unwrap();
            let bytes = api
                .get(&api.acc(&format!("/contents/{content}")))
                .await
                .bytes;
            api.sign_document(&draft, doc["id"].as_str().unwrap(), &signer.sign(&bytes))
                .await;
        }
    }
    let sent = api.run_task(&draft, "send").await;
    assert_eq!(
        sent["task-result"]["type"], "urn:docflow:fns534-inventory",
        "{sent}"
    );
    let id = sent["task-result"]["id"].as_str().unwrap().to_string();
    let df = api
        .wait_docflow(&id, |d| {
            d["success-state"] == "urn:docflow-state:successful"
        })
        .await;
    let kv = find(&df, "fns534-inventory-acceptance-result-positive")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let done = reply(&api, &signer, &df, &kv, "fns534-inventory-receipt").await;
    assert_eq!(state(&done), ("finished".into(), "successful".into()));
    // The demand's attachment lists its inventories.
    let listed = api
        .get(&api.acc(&format!(
            "/docflows/{demand_id}/documents/{attachment}/inventories"
        )))
        .await
        .body;
    assert_eq!(listed["total-count"], 1);
    assert_eq!(listed["docflows-page-item"][0]["id"], id.as_str());
    let one = api
        .get(&api.acc(&format!(
            "/docflows/{demand_id}/documents/{attachment}/inventories/{id}"
        )))
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(
        api.get(&api.acc(&format!(
            "/docflows/{demand_id}/documents/{attachment}/related"
        )))
        .await
        .body["total-count"],
        1
    );
    // Inventories are hidden from an unfiltered search, and found by type.
    assert_eq!(
        api.get(&api.acc("/docflows?type=fns534-inventory"))
            .await
            .body["total-count"],
        1
    );
    let all = api.get(&api.acc("/docflows")).await.body;
    assert!(
        all["docflows-page-item"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["type"] != "urn:docflow:fns534-inventory")
    );
}

#[tokio::test]
async fn limits_and_labels_split_the_drafts() {
    let api = Api::start().await;
    let generated = api.post("/test-tools/v1/generate-demand", json!({})).await;
    let demand_id = generated.body["docflow-id"].as_str().unwrap().to_string();
    let demand = api
        .get(&api.acc(&format!("/docflows/{demand_id}")))
        .await
        .body;
    let attachment = find(&demand, "fns534-demand-attachment")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = builder(&api, "urn:drafts-builder:fns534-inventory", json!({ "related-document": { "related-docflow-id": demand_id, "related-document-id": attachment } })).await;
    // 120 files in one label: 99 + 21 → two drafts; one more label → a third.
    let many = document(
        &api,
        &b,
        json!({ "type": "scanned", "claim-item-number": "1.1", "label-for-grouping": "A" }),
    )
    .await;
    for i in 0..120 {
        file(
            &api,
            &b,
            &many,
            &format!("page{i}.png"),
            b"\x89PNG page",
            None,
        )
        .await;
    }
    let other = document(
        &api,
        &b,
        json!({ "type": "formalized", "claim-item-number": "2.1", "label-for-grouping": "B" }),
    )
    .await;
    file(&api, &b, &other, "report.xml", b"<x/>", None).await;
    let result = build(&api, &b).await;
    assert_eq!(result["draft-ids"].as_array().unwrap().len(), 3, "{result}");
    assert_eq!(result["error-drafts-builder-documents"], json!([]));
}

#[tokio::test]
async fn letters_need_a_region_and_are_delivered() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let bad = api
        .post(&api.acc("/drafts/builders"), json!({ "sender": { "inn": INN }, "recipient": { "ifns-code": "0087" }, "builder-type": "urn:drafts-builder:fns534-letter", "builder-data": {} }))
        .await;
    assert_eq!(bad.status, 400);
    let b = builder(
        &api,
        "urn:drafts-builder:fns534-letter",
        json!({ "region": "66", "subject": "Сверка" }),
    )
    .await;
    let letter = document(&api, &b, json!({ "type": "letter" })).await;
    file(
        &api,
        &b,
        &letter,
        "letter.txt",
        "Просим провести сверку".as_bytes(),
        Some(&signer),
    )
    .await;
    let result = build(&api, &b).await;
    let draft = result["draft-ids"][0].as_str().unwrap().to_string();
    let d = api.get(&api.acc(&format!("/drafts/{draft}"))).await.body;
    for link in d["documents"].as_array().unwrap() {
        let doc = api
            .get(
                link["href"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(api.sandbox().url().as_str()),
            )
            .await
            .body;
        if doc["signatures"].as_array().unwrap().is_empty() {
            let content = doc["contents"][0]["content-id"].as_str().unwrap();
            let bytes = api
                .get(&api.acc(&format!("/contents/{content}")))
                .await
                .bytes;
            api.sign_document(&draft, doc["id"].as_str().unwrap(), &signer.sign(&bytes))
                .await;
        }
    }
    let sent = api.run_task(&draft, "send").await;
    assert_eq!(
        sent["task-result"]["type"], "urn:docflow:fns534-letter",
        "{sent}"
    );
    let id = sent["task-result"]["id"].as_str().unwrap().to_string();
    let df = api
        .wait_docflow(&id, |d| {
            d["status"] == "urn:docflow-common-status:delivered"
        })
        .await;
    assert_eq!(state(&df).0, "delivered");
}

#[tokio::test]
async fn building_locks_the_builder() {
    let config = extern_api_sandbox::SandboxConfig {
        task_delay_ms: 500,
        ..extern_api_sandbox::SandboxConfig::for_tests()
    };
    let api = Api::start_with(config).await;
    let b = builder(
        &api,
        "urn:drafts-builder:fns534-letter",
        json!({ "region": "66" }),
    )
    .await;
    let t = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/builders/{b}/build?deferred=true")),
            None,
        )
        .await;
    assert_eq!(t.status, 202);
    assert_eq!(
        api.post(
            &api.acc(&format!("/drafts/builders/{b}/documents")),
            json!({ "builder-data": { "type": "letter" } })
        )
        .await
        .status,
        409
    );
    assert_eq!(
        api.get(&api.acc(&format!("/drafts/builders/{b}")))
            .await
            .body["status"],
        "building"
    );
    assert_eq!(
        api.send(
            Method::POST,
            &api.acc(&format!("/drafts/builders/{b}/build?deferred=true")),
            None
        )
        .await
        .status,
        409
    );
}

/// Builds a one-document package of `builder_type` to `recipient`, signs what is unsigned,
/// sends it and answers the docflow id.
async fn build_and_send(
    api: &Api,
    signer: &Signer,
    builder_type: &str,
    recipient: Value,
    data: Value,
) -> String {
    let b = api
        .post(
            &api.acc("/drafts/builders"),
            json!({ "sender": { "inn": INN, "kpp": KPP }, "recipient": recipient, "payer": { "inn": INN }, "builder-type": builder_type, "builder-data": data }),
        )
        .await;
    assert_eq!(b.status, 201, "{}", b.body);
    let b = b.body["id"].as_str().unwrap().to_string();
    let d = document(api, &b, json!({})).await;
    file(
        api,
        &b,
        &d,
        "application.pdf",
        b"%PDF-1.4 application",
        Some(signer),
    )
    .await;
    let result = build(api, &b).await;
    let draft = result["draft-ids"][0].as_str().unwrap().to_string();
    let d = api.get(&api.acc(&format!("/drafts/{draft}"))).await.body;
    for link in d["documents"].as_array().unwrap() {
        let doc = api
            .get(
                link["href"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(api.sandbox().url().as_str()),
            )
            .await
            .body;
        if doc["signatures"].as_array().unwrap().is_empty() {
            let content = doc["contents"][0]["content-id"].as_str().unwrap();
            let bytes = api
                .get(&api.acc(&format!("/contents/{content}")))
                .await
                .bytes;
            api.sign_document(&draft, doc["id"].as_str().unwrap(), &signer.sign(&bytes))
                .await;
        }
    }
    let sent = api.run_task(&draft, "send").await;
    assert!(sent["task-result"]["id"].is_string(), "{sent}");
    sent["task-result"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn business_registration_is_registered_or_refused() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let data = json!({ "registration-info": { "application-code": "Р11001" }, "paper-documents-delivery-type": "No" });
    let ok = build_and_send(
        &api,
        &signer,
        "urn:drafts-builder:business-registration",
        json!({ "registration-ifns-code": "0087" }),
        data.clone(),
    )
    .await;
    let df = api
        .wait_docflow(&ok, |d| d["status"] == "urn:docflow-common-status:finished")
        .await;
    assert_eq!(df["type"], "urn:docflow:business-registration");
    assert_eq!(state(&df).1, "successful");
    let refused = build_and_send(
        &api,
        &signer,
        "urn:drafts-builder:business-registration",
        json!({ "registration-ifns-code": "0088" }),
        data,
    )
    .await;
    let df = api
        .wait_docflow(&refused, |d| {
            d["status"] == "urn:docflow-common-status:finished"
        })
        .await;
    assert_eq!(state(&df).1, "failed");
}

#[tokio::test]
async fn pfr_reports_get_a_protocol() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = build_and_send(
        &api,
        &signer,
        "urn:drafts-builder:pfr-report",
        json!({ "sfr-code": "087-001" }),
        json!({}),
    )
    .await;
    let df = api
        .wait_docflow(&id, |d| {
            d["success-state"] == "urn:docflow-state:successful"
        })
        .await;
    assert_eq!(df["type"], "urn:docflow:pfr-report");
    let protocol = find(&df, "pfr-report-protocol")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let done = reply(&api, &signer, &df, &protocol, "pfr-report-protocol-receipt").await;
    assert_eq!(state(&done), ("finished".into(), "successful".into()));
}
