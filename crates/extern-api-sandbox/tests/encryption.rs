//! Documents from the authorities arrive encrypted for the organization's certificates and are
//! opened in the cloud (or by the client, then stored with PUT decrypted-content).

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::*;

fn variants(doc: &Value) -> Vec<(bool, String)> {
    doc["content"]["docflow-document-contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["encrypted"].as_bool().unwrap(),
                c["compression-type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn encrypted_demand(api: &Api, confirm: &str) -> Value {
    let cert = api
        .post(
            "/test-tools/v1/generate-cloud-certificate",
            json!({ "inn": INN, "kpp": KPP, "confirm-type": confirm }),
        )
        .await;
    assert_eq!(cert.status, 200);
    let id = api
        .post("/test-tools/v1/generate-demand", json!({}))
        .await
        .body["docflow-id"]
        .as_str()
        .unwrap()
        .to_string();
    api.get(&api.acc(&format!("/docflows/{id}"))).await.body
}

#[tokio::test]
async fn demands_arrive_encrypted_and_open_in_the_cloud() {
    let api = Api::start().await;
    let df = encrypted_demand(&api, "sms").await;
    let id = df["id"].as_str().unwrap().to_string();
    let from_fns: Vec<&Value> = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["description"]["type"] != "urn:document:fns534-demand-date-confirmation")
        .collect();
    assert_eq!(from_fns.len(), 3, "main document, description, attachment");
    for doc in &from_fns {
        assert_eq!(
            variants(doc),
            [(true, "zip".to_string())],
            "only the encrypted variant"
        );
        assert_eq!(
            doc["description"]["encrypted-certificates"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
    let pd = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == "urn:document:fns534-demand-date-confirmation")
        .unwrap();
    assert_eq!(
        variants(pd),
        [(false, "zip".to_string()), (false, "none".to_string())],
        "the operator's documents are not encrypted"
    );
    let check = api
        .post(&api.acc(&format!("/docflows/{id}/check-demand")), json!({}))
        .await;
    assert_eq!(
        check.body["id"],
        "urn:error:externapi:decryptedContentRequired"
    );

    for doc in from_fns {
        let base = api.acc(&format!(
            "/docflows/{id}/documents/{}",
            doc["id"].as_str().unwrap()
        ));
        let init = api
            .send(Method::POST, &format!("{base}/decrypt-content"), None)
            .await;
        assert_eq!(init.status, 200, "{}", init.body);
        let request = init.body["request-id"].as_str().unwrap();
        let code = api
            .get(&format!(
                "/test-tools/v1/cloud-confirmation-code?request-id={request}"
            ))
            .await
            .body["code"]
            .as_str()
            .unwrap()
            .to_string();
        let done = api
            .send(
                Method::POST,
                &format!(
                    "{base}/confirm-content-decryption?requestId={request}&code={code}&unzip=true"
                ),
                None,
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.body);
        let content = done.body["decrypted-documents"][0]["content-id"]
            .as_str()
            .unwrap();
        let plain = api
            .get(&api.acc(&format!("/contents/{content}")))
            .await
            .bytes;
        assert!(
            plain.starts_with(b"<?xml"),
            "the decrypted content is the XML"
        );
    }
    let df = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    let main = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == "urn:document:fns534-demand")
        .unwrap();
    assert_eq!(
        variants(main),
        [(true, "zip".to_string()), (false, "none".to_string())]
    );
    assert_eq!(
        api.post(&api.acc(&format!("/docflows/{id}/check-demand")), json!({}))
            .await
            .body["error-codes"],
        json!([])
    );
}

#[tokio::test]
async fn cloud_decryption_in_the_app_and_one_at_a_time() {
    let api = Api::start().await;
    let df = encrypted_demand(&api, "myDSS").await;
    let id = df["id"].as_str().unwrap().to_string();
    let docs: Vec<String> = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["description"]["encrypted-certificates"]
                .as_array()
                .is_some_and(|c| !c.is_empty())
        })
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    let base = |doc: &str| api.acc(&format!("/docflows/{id}/documents/{doc}"));
    let init = api
        .send(
            Method::POST,
            &format!("{}/decrypt-content", base(&docs[0])),
            None,
        )
        .await
        .body;
    assert_eq!(init["confirm-type"], "myDSS");
    assert_eq!(
        api.send(
            Method::POST,
            &format!("{}/decrypt-content", base(&docs[1])),
            None
        )
        .await
        .status,
        409,
        "one decryption per docflow at a time"
    );
    let task = init["task-id"].as_str().unwrap();
    assert_eq!(
        api.get(&format!("{}/tasks/{task}", base(&docs[0])))
            .await
            .body["progress"],
        "AwaitingForConfirmation"
    );
    api.post(
        "/test-tools/v1/confirm-cloud-operation",
        json!({ "request-id": init["request-id"] }),
    )
    .await;
    let done = api
        .get(&format!("{}/tasks/{task}", base(&docs[0])))
        .await
        .body;
    assert_eq!(
        (done["task-state"].as_str(), done["progress"].as_str()),
        (Some("succeed"), Some("Completed"))
    );
}

#[tokio::test]
async fn stored_decrypted_content_must_be_the_document() {
    let api = Api::start().await;
    let df = encrypted_demand(&api, "sms").await;
    let id = df["id"].as_str().unwrap();
    let main = df["documents"][0]["id"].as_str().unwrap();
    let wrong = api.upload(b"<?xml version=\"1.0\"?><other/>").await;
    let a = api
        .send(
            Method::PUT,
            &api.acc(&format!(
                "/docflows/{id}/documents/{main}/decrypted-content"
            )),
            Some(json!({ "content-id": wrong })),
        )
        .await;
    assert_eq!(a.body["id"], "urn:error:externapi:decryptedContentMismatch");
}
