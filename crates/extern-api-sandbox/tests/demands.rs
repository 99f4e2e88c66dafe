//! Incoming demands, driven with plain HTTP: receipt → check-demand → accept or decline →
//! the inspection's receipt.

mod support;

use base64::Engine;
use serde_json::{Value, json};
use support::*;

async fn demand(api: &Api, body: Value) -> Value {
    let a = api.post("/test-tools/v1/generate-demand", body).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.body["docflow-id"].as_str().unwrap().to_string();
    api.get(&api.acc(&format!("/docflows/{id}"))).await.body
}

fn doc<'a>(df: &'a Value, kind: &str) -> &'a Value {
    df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == format!("urn:document:{kind}"))
        .unwrap()
}

fn replies(d: &Value) -> Vec<String> {
    d["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["rel"] == "reply")
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect()
}

/// Generates, signs and sends one reply; answers the HTTP result of the send.
async fn answer(api: &Api, signer: &Signer, df: &Value, kind: &str, codes: &[&str]) -> Answer {
    let id = df["id"].as_str().unwrap();
    let main = doc(df, "fns534-demand")["id"].as_str().unwrap().to_string();
    let base = api.acc(&format!("/docflows/{id}/documents/{main}"));
    let query: String = codes
        .iter()
        .map(|c| format!("&declineNoticeErrorCode={c}"))
        .collect();
    let r = api
        .post(
            &format!("{base}/generate-reply?documentType={kind}{query}"),
            json!({ "certificate-base64": B64.encode(&signer.certificate) }),
        )
        .await;
    if r.status != 201 {
        return r;
    }
    let reply = r.body["id"].as_str().unwrap().to_string();
    let content = B64.decode(r.body["content"].as_str().unwrap()).unwrap();
    assert_eq!(
        api.put_bytes(
            &format!("{base}/replies/{reply}/signature"),
            signer.sign(&content)
        )
        .await
        .status,
        200
    );
    api.post(
        &format!("{base}/replies/{reply}/send"),
        json!({ "sender-ip": "127.0.0.1" }),
    )
    .await
}

#[tokio::test]
async fn a_demand_received_answered_and_finished() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let df = demand(&api, json!({})).await;
    assert_eq!(df["type"], "urn:docflow:fns534-demand");
    assert_eq!(state(&df), ("received".into(), "neutral".into()));
    let kinds: Vec<&str> = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["description"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "urn:document:fns534-demand",
            "urn:document:fns534-demand-description",
            "urn:document:fns534-demand-attachment",
            "urn:document:fns534-demand-date-confirmation"
        ]
    );
    assert!(
        doc(&df, "fns534-demand")["description"]["filename"]
            .as_str()
            .unwrap()
            .starts_with(&format!("ON_DOCNPNO_{INN}{KPP}_"))
    );
    assert!(
        df["description"]["reply-deadline-date"].is_string()
            && df["description"]["receipt-deadline-date"].is_string()
    );
    assert_eq!(
        replies(doc(&df, "fns534-demand")),
        ["fns534-demand-receipt"]
    );

    let after_receipt = answer(&api, &signer, &df, "fns534-demand-receipt", &[]).await;
    assert_eq!(after_receipt.status, 200, "{}", after_receipt.body);
    assert_eq!(state(&after_receipt.body).0, "arrived");
    assert_eq!(
        replies(doc(&after_receipt.body, "fns534-demand")),
        [
            "fns534-demand-acceptance-result-positive",
            "fns534-demand-acceptance-result-negative"
        ]
    );

    let id = df["id"].as_str().unwrap();
    let check = api
        .post(&api.acc(&format!("/docflows/{id}/check-demand")), json!({}))
        .await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert_eq!(check.body["error-codes"], json!([]));
    assert_eq!(check.body["links"].as_array().unwrap().len(), 2);

    let accepted = answer(
        &api,
        &signer,
        &after_receipt.body,
        "fns534-demand-acceptance-result-positive",
        &[],
    )
    .await;
    assert_eq!(
        state(&accepted.body),
        ("processed".into(), "successful".into())
    );
    assert!(
        replies(doc(&accepted.body, "fns534-demand")).is_empty(),
        "the decline is no longer due"
    );
    let done = api
        .wait_docflow(id, |d| d["status"] == "urn:docflow-common-status:finished")
        .await;
    assert!(
        done["documents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["description"]["type"] == "urn:document:fns534-demand-result-receipt")
    );
    let events = api.get("/v1/events?take=100").await.body;
    let states: Vec<&str> = events["api-events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["new-state"]
                .as_str()
                .unwrap()
                .trim_start_matches("urn:transaction:")
        })
        .collect();
    assert_eq!(
        states,
        [
            "document",
            "receipt-abonent",
            "receiption-result-abonent-positive",
            "receiption-result-cu"
        ]
    );
}

#[tokio::test]
async fn check_demand_finds_each_defect_and_a_decline_cites_it() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    for (defect, code) in [
        ("wrong-addressee", "0400100005"),
        ("attachment-count", "0300300030"),
        ("format", "0300300001"),
        ("bad-signature", "0100100004"),
    ] {
        let df = demand(&api, json!({ "defect": defect })).await;
        let id = df["id"].as_str().unwrap();
        let check = api
            .post(&api.acc(&format!("/docflows/{id}/check-demand")), json!({}))
            .await;
        assert_eq!(check.body["error-codes"], json!([code]), "{defect}");
    }
    let df = demand(
        &api,
        json!({ "defect": "attachment-count", "knds": ["1165050", "1165013"] }),
    )
    .await;
    let after_receipt = answer(&api, &signer, &df, "fns534-demand-receipt", &[])
        .await
        .body;
    // A decline needs valid codes.
    assert_eq!(
        answer(
            &api,
            &signer,
            &after_receipt,
            "fns534-demand-acceptance-result-negative",
            &[]
        )
        .await
        .status,
        400
    );
    assert_eq!(
        answer(
            &api,
            &signer,
            &after_receipt,
            "fns534-demand-acceptance-result-negative",
            &["123"]
        )
        .await
        .status,
        400
    );
    let declined = answer(
        &api,
        &signer,
        &after_receipt,
        "fns534-demand-acceptance-result-negative",
        &["0300300030"],
    )
    .await;
    assert_eq!(state(&declined.body), ("processed".into(), "failed".into()));
    let sent = declined.body["documents"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        sent["description"]["filename"]
            .as_str()
            .unwrap()
            .starts_with("UO_")
    );
}

#[tokio::test]
async fn check_demand_is_for_demands_only() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0087", &signer).await;
    let a = api
        .post(&api.acc(&format!("/docflows/{id}/check-demand")), json!({}))
        .await;
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn a_letter_from_the_inspection_is_read_and_acknowledged() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let a = api
        .post(
            "/test-tools/v1/generate-cu-letter",
            json!({ "subject": "Сверка", "text": "Просим прибыть" }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.body["docflow-id"].as_str().unwrap();
    let df = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    assert_eq!(df["type"], "urn:docflow:fns534-cu-letter");
    assert_eq!(state(&df).0, "received");
    assert_eq!(df["description"]["subject"], "Сверка");
    let letter = &df["documents"][0];
    assert_eq!(replies(letter), ["fns534-cu-letter-receipt"]);
    let content = letter["content"]["docflow-document-contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["compression-type"] == "none")
        .unwrap()["content-id"]
        .as_str()
        .unwrap();
    let text = api
        .get(&api.acc(&format!("/contents/{content}")))
        .await
        .bytes;
    assert!(
        encoding_rs::WINDOWS_1251
            .decode(&text)
            .0
            .contains("Просим прибыть")
    );
    // Answering is the same generic reply mechanism.
    let doc = letter["id"].as_str().unwrap();
    let base = api.acc(&format!("/docflows/{id}/documents/{doc}"));
    let r = api
        .post(
            &format!("{base}/generate-reply?documentType=fns534-cu-letter-receipt"),
            json!({ "certificate-base64": B64.encode(&signer.certificate) }),
        )
        .await;
    let rid = r.body["id"].as_str().unwrap();
    let body = B64.decode(r.body["content"].as_str().unwrap()).unwrap();
    api.put_bytes(
        &format!("{base}/replies/{rid}/signature"),
        signer.sign(&body),
    )
    .await;
    let done = api
        .post(&format!("{base}/replies/{rid}/send"), json!({}))
        .await;
    assert_eq!(state(&done.body), ("finished".into(), "successful".into()));
}
