//! Documents requests of incoming SFR SEDO docflows over HTTP: generated, raw-signed, sent; the
//! SFR's document arrives and the read mark finishes the docflow; and the refusals.

mod support;

use base64::Engine;
use reqwest::Method;
use serde_json::json;
use sha2::Digest;
use support::*;

/// A raw signature of `data` (no CMS): ECDSA DER, or RSA PKCS#1 v1.5, over SHA-256.
fn raw_sign(signer: &Signer, data: &[u8]) -> Vec<u8> {
    if let Some(key) = signer.ecdsa_key() {
        let sig: p256::ecdsa::Signature = signature::Signer::sign(key, data);
        return sig.to_der().as_bytes().to_vec();
    }
    signer
        .rsa_key()
        .unwrap()
        .sign(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &sha2::Sha256::digest(data),
        )
        .unwrap()
}

async fn sedo_docflow(api: &Api, kind: &str) -> String {
    let a = api
        .post(
            "/test-tools/v1/generate-sedo-docflow",
            json!({ "type": kind, "registration-number": "6601234567" }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["docflow-id"].as_str().unwrap().to_string()
}

fn df_path(api: &Api, id: &str) -> String {
    api.acc(&format!("/docflows/{id}"))
}

async fn generate(api: &Api, id: &str, certificate: &[u8]) -> Answer {
    api.post(
        &format!("{}/generate-documents-request", df_path(api, id)),
        json!({ "certificate-base64": B64.encode(certificate) }),
    )
    .await
}

async fn send(api: &Api, id: &str, request: &str) -> Answer {
    api.send(
        Method::POST,
        &format!("{}/documents-requests/{request}/send", df_path(api, id)),
        None,
    )
    .await
}

#[tokio::test]
async fn a_documents_request_fetches_the_sfr_document() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = sedo_docflow(&api, "fss-sedo-pvso-notification").await;
    let df = api.get(&df_path(&api, &id)).await.body;
    assert_eq!(df["type"], "urn:docflow:fss-sedo-pvso-notification");
    assert_eq!(state(&df).0, "received");
    assert!(df["documents"].as_array().unwrap().is_empty());
    let found = api
        .get(&api.acc("/docflows?type=fss-sedo-pvso-notification"))
        .await;
    assert_eq!(found.body["total-count"], 1, "{}", found.body);

    let r = generate(&api, &id, &signer.certificate).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["docflow-id"], id.as_str());
    let request = r.body["id"].as_str().unwrap().to_string();
    let content =
        String::from_utf8(B64.decode(r.body["content"].as_str().unwrap()).unwrap()).unwrap();
    assert!(content.contains("<S:Envelope"), "{content}");
    assert!(content.contains("6601234567"), "the registration number");
    let data = B64
        .decode(r.body["data-to-sign"].as_str().unwrap())
        .unwrap();
    assert!(content.contains(std::str::from_utf8(&data).unwrap()));
    assert!(r.body.get("signature").is_none());
    let path = format!("{}/documents-requests/{request}", df_path(&api, &id));
    let got = api.get(&path).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["data-to-sign"], r.body["data-to-sign"]);

    let unsigned = send(&api, &id, &request).await;
    assert_eq!(unsigned.status, 400);
    assert_eq!(unsigned.body["id"], "urn:error:externapi:requestNotSigned");
    let cms = api
        .put_bytes(&format!("{path}/signature"), signer.sign(&data))
        .await;
    assert_eq!(cms.status, 400, "a CMS signature is not a raw one");
    assert_eq!(cms.body["id"], "urn:error:externapi:invalidSignature");
    let raw = raw_sign(&signer, &data);
    let signed = api
        .put_bytes(&format!("{path}/signature"), raw.clone())
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(signed.body["signature"], B64.encode(&raw));
    let content = String::from_utf8(
        B64.decode(signed.body["content"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert!(content.contains(&format!(
        "<ds:SignatureValue>{}</ds:SignatureValue>",
        B64.encode(&raw)
    )));

    let sent = send(&api, &id, &request).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(state(&sent.body).0, "response-arrived");
    let docs = sent.body["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(
        docs[0]["description"]["type"],
        "urn:document:fss-sedo-pvso-notification-notification-message"
    );
    assert!(
        docs[0]["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["rel"] == "reply" && l["name"] == "fss-sedo-pvso-notification-receipt"),
        "the read mark is due"
    );
    let again = send(&api, &id, &request).await;
    assert_eq!(again.body["id"], "urn:error:externapi:requestAlreadySent");
    let late = generate(&api, &id, &signer.certificate).await;
    assert_eq!(late.status, 400);
    assert_eq!(
        late.body["id"],
        "urn:error:externapi:documentsAlreadyReceived"
    );

    // The read mark finishes it.
    assert_eq!(api.answer_replies(&sent.body, &signer).await, 1);
    let done = api.get(&df_path(&api, &id)).await.body;
    assert_eq!(state(&done), ("finished".into(), "successful".into()));
}

#[tokio::test]
async fn an_rsa_raw_signature_and_a_representative_with_a_warrant() {
    let api = Api::start().await;
    let id = sedo_docflow(&api, "urn:docflow:fss-sedo-demand").await;
    let representative = api.signer_with("7701234560", "770101001", "rsa").await;
    let refused = generate(&api, &id, &representative.certificate).await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.body["id"],
        "urn:error:externapi:certificateInnMismatch"
    );
    let r = api
        .post(
            &format!("{}/generate-documents-request", df_path(&api, &id)),
            json!({ "certificate-base64": B64.encode(&representative.certificate), "machine-readable-warrant-id": uuid::Uuid::new_v4() }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let request = r.body["id"].as_str().unwrap();
    let data = B64
        .decode(r.body["data-to-sign"].as_str().unwrap())
        .unwrap();
    let path = format!("{}/documents-requests/{request}", df_path(&api, &id));
    let other = api.signer(INN, KPP).await;
    let wrong_key = api
        .put_bytes(&format!("{path}/signature"), raw_sign(&other, &data))
        .await;
    assert_eq!(wrong_key.status, 400, "signed by another key");
    let signed = api
        .put_bytes(
            &format!("{path}/signature"),
            raw_sign(&representative, &data),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let sent = send(&api, &id, request).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(
        sent.body["documents"][0]["description"]["type"],
        "urn:document:fss-sedo-demand-message"
    );
}

#[tokio::test]
async fn documents_request_refusals() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    // The SEDO subscription every account has is outgoing.
    let subscriptions = api
        .get(&api.acc("/docflows?type=fss-sedo-provider-subscription"))
        .await
        .body;
    let outgoing = subscriptions["docflows-page-item"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let not_incoming = generate(&api, &outgoing, &signer.certificate).await;
    assert_eq!(not_incoming.status, 400, "{}", not_incoming.body);
    assert_eq!(
        not_incoming.body["id"],
        "urn:error:externapi:documentsRequestUnavailable"
    );
    let fns = api.send_report("0087", &signer).await;
    let not_sedo = generate(&api, &fns, &signer.certificate).await;
    assert_eq!(
        not_sedo.body["id"],
        "urn:error:externapi:documentsRequestUnavailable"
    );
    let unknown = generate(&api, &uuid::Uuid::new_v4().to_string(), &signer.certificate).await;
    assert_eq!(unknown.status, 404);
    let id = sedo_docflow(&api, "fss-sedo-appeal").await;
    let foreign = api
        .post(
            &format!(
                "/v1/{}/docflows/{id}/generate-documents-request",
                uuid::Uuid::new_v4()
            ),
            json!({ "certificate-base64": B64.encode(&signer.certificate) }),
        )
        .await;
    assert_eq!(foreign.status, 403);
    let garbage = api
        .post(
            &format!("{}/generate-documents-request", df_path(&api, &id)),
            json!({ "certificate-base64": "%%%" }),
        )
        .await;
    assert_eq!(garbage.body["id"], "urn:error:externapi:invalidCertificate");
    let no_body = api
        .post(
            &format!("{}/generate-documents-request", df_path(&api, &id)),
            json!({}),
        )
        .await;
    assert_eq!(no_body.status, 400);
    let missing = api
        .get(&format!(
            "{}/documents-requests/{}",
            df_path(&api, &id),
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(missing.status, 404);
    let r = generate(&api, &id, &signer.certificate).await;
    let request = r.body["id"].as_str().unwrap();
    let elsewhere = api
        .get(&format!(
            "{}/documents-requests/{request}",
            df_path(&api, &outgoing)
        ))
        .await;
    assert_eq!(elsewhere.status, 404, "a request belongs to its docflow");
    let bad_type = api
        .post(
            "/test-tools/v1/generate-sedo-docflow",
            json!({ "type": "fss-sedo-provider-subscription" }),
        )
        .await;
    assert_eq!(bad_type.status, 400);
}
