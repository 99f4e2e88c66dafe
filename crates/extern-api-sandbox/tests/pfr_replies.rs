//! PFR replies over HTTP: generated encrypted for the signer, decrypted, signed and sent (or
//! signed in the cloud), as the Java SDK's PFR scenarios do it; and the refusals.

mod support;

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use cms::enveloped_data::{EnvelopedData, RecipientInfo};
use der::Decode;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

/// Opens CMS EnvelopedData (RSA key transport, AES-256-CBC) with the signer's RSA key.
fn open(signer: &Signer, enveloped: &[u8]) -> Vec<u8> {
    let key = signer.rsa_key().unwrap();
    let info = cms::content_info::ContentInfo::from_der(enveloped).unwrap();
    let data: EnvelopedData = info.content.decode_as().unwrap();
    let cek = data
        .recip_infos
        .0
        .iter()
        .find_map(|r| match r {
            RecipientInfo::Ktri(k) => key.decrypt(rsa::Pkcs1v15Encrypt, k.enc_key.as_bytes()).ok(),
            _ => None,
        })
        .unwrap();
    let eci = &data.encrypted_content;
    let iv = eci
        .content_enc_alg
        .parameters
        .as_ref()
        .unwrap()
        .decode_as::<der::asn1::OctetString>()
        .unwrap();
    let mut buf = eci.encrypted_content.as_ref().unwrap().as_bytes().to_vec();
    let n = cbc::Decryptor::<aes::Aes256>::new_from_slices(&cek, iv.as_bytes())
        .unwrap()
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .unwrap()
        .len();
    buf.truncate(n);
    buf
}

/// A PFR report built and sent by `signer`, answered by the PFR with its protocol: the docflow.
async fn pfr_docflow(api: &Api, signer: &Signer) -> Value {
    let b = api
        .post(
            &api.acc("/drafts/builders"),
            json!({ "sender": { "inn": INN, "kpp": KPP }, "recipient": { "sfr-code": "087-001" }, "payer": { "inn": INN }, "builder-type": "urn:drafts-builder:pfr-report", "builder-data": {} }),
        )
        .await;
    assert_eq!(b.status, 201, "{}", b.body);
    let b = b.body["id"].as_str().unwrap().to_string();
    let d = api
        .post(
            &api.acc(&format!("/drafts/builders/{b}/documents")),
            json!({ "builder-data": {} }),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.body);
    let d = d.body["id"].as_str().unwrap().to_string();
    let bytes = b"%PDF-1.4 pfr report";
    let content = api.upload(bytes).await;
    let f = api
        .post(
            &api.acc(&format!("/drafts/builders/{b}/documents/{d}/files")),
            json!({ "content-id": content, "base64-signature-content": B64.encode(signer.sign(bytes)), "meta": { "file-name": "report.pdf", "builder-data": {} } }),
        )
        .await;
    assert_eq!(f.status, 201, "{}", f.body);
    let task = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/builders/{b}/build?deferred=true")),
            None,
        )
        .await;
    assert!(task.status.is_success(), "{}", task.body);
    let task = task.body["id"].as_str().unwrap().to_string();
    let built = api
        .wait_task(&api.acc(&format!("/drafts/builders/{b}/tasks/{task}")))
        .await;
    let draft = built["task-result"]["draft-ids"][0]
        .as_str()
        .unwrap()
        .to_string();
    let draft_json = api.get(&api.acc(&format!("/drafts/{draft}"))).await.body;
    for link in draft_json["documents"].as_array().unwrap() {
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
    let id = sent["task-result"]["id"].as_str().unwrap().to_string();
    api.wait_docflow(&id, |d| {
        d["status"] == "urn:docflow-common-status:response-arrived"
    })
    .await
}

fn protocol(df: &Value) -> String {
    df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == "urn:document:pfr-report-protocol")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn base(api: &Api, df: &Value, doc: &str) -> String {
    api.acc(&format!(
        "/docflows/{}/documents/{doc}",
        df["id"].as_str().unwrap()
    ))
}

async fn generate(api: &Api, base: &str, certificate: &[u8]) -> Answer {
    api.post(
        &format!("{base}/pfr-generate-reply?documentType=pfr-report-protocol-receipt"),
        json!({ "certificate-base64": B64.encode(certificate) }),
    )
    .await
}

fn rels(v: &Value) -> Vec<String> {
    v["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_pfr_reply_is_decrypted_signed_and_sent() {
    let api = Api::start().await;
    let signer = api.signer_with(INN, KPP, "rsa").await;
    let df = pfr_docflow(&api, &signer).await;
    let base = base(&api, &df, &protocol(&df));
    let r = generate(&api, &base, &signer.certificate).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["docflow-id"], df["id"]);
    let reply = r.body["id"].as_str().unwrap().to_string();
    let docs = r.body["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1, "one receipt for the protocol");
    let doc = &docs[0];
    assert_eq!(doc["reply-id"], r.body["id"]);
    assert_eq!(doc["docflow-id"], df["id"]);
    for rel in ["docflow", "save-signature", "send", "sign", "sign-confirm"] {
        assert!(rels(doc).contains(&rel.to_string()), "{rel} in {doc}");
    }
    assert!(doc.get("decrypted-content").is_none(), "{doc}");
    let rdoc = doc["id"].as_str().unwrap().to_string();
    let plain = open(
        &signer,
        &B64.decode(doc["encrypted-content"].as_str().unwrap())
            .unwrap(),
    );
    let (text, _, _) = encoding_rs::WINDOWS_1251.decode(&plain);
    assert!(text.contains("ПодтверждениеПолучения"), "{text}");
    let path = format!("{base}/pfr-replies/{reply}");
    let early = send(&api, &path).await;
    assert_eq!(early.status, 400, "{}", early.body);
    assert_eq!(
        early.body["id"],
        "urn:error:externapi:decryptedContentRequired"
    );
    let unsigned = api
        .put_bytes(
            &format!("{path}/documents/{rdoc}/signature"),
            signer.sign(&plain),
        )
        .await;
    assert_eq!(
        unsigned.body["id"],
        "urn:error:externapi:decryptedContentRequired"
    );
    let put = api
        .put_bytes(
            &format!("{path}/documents/{rdoc}/decrypted-content"),
            plain.clone(),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert!(put.bytes.is_empty());
    let got = api.get(&path).await;
    assert_eq!(got.status, 200);
    assert_eq!(
        got.body["documents"][0]["decrypted-content"],
        B64.encode(&plain)
    );
    let not_signed = send(&api, &path).await;
    assert_eq!(not_signed.body["id"], "urn:error:externapi:replyNotSigned");
    let wrong = api
        .put_bytes(
            &format!("{path}/documents/{rdoc}/signature"),
            signer.sign(b"something else"),
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.body["id"], "urn:error:externapi:invalidSignature");
    let other = api.signer(INN, KPP).await;
    let mismatch = api
        .put_bytes(
            &format!("{path}/documents/{rdoc}/signature"),
            other.sign(&plain),
        )
        .await;
    assert_eq!(
        mismatch.body["id"],
        "urn:error:externapi:certificateMismatch"
    );
    let signed = api
        .put_bytes(
            &format!("{path}/documents/{rdoc}/signature"),
            signer.sign(&plain),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert!(
        api.get(&path).await.body["documents"][0]["signature"].is_string(),
        "the signature is stored"
    );
    let sent = send(&api, &path).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(state(&sent.body), ("finished".into(), "successful".into()));
    let receipt = sent.body["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == "urn:document:pfr-report-protocol-receipt")
        .expect("the receipt joined the docflow");
    assert_eq!(receipt["signatures"].as_array().unwrap().len(), 1);
    let again = send(&api, &path).await;
    assert_eq!(again.body["id"], "urn:error:externapi:replyAlreadySent");
    let regenerate = generate(&api, &base, &signer.certificate).await;
    assert_eq!(regenerate.status, 400);
    assert_eq!(
        regenerate.body["id"],
        "urn:error:externapi:replyNotAvailable"
    );
    let late = api
        .put_bytes(
            &format!("{path}/documents/{rdoc}/decrypted-content"),
            b"late".to_vec(),
        )
        .await;
    assert_eq!(late.body["id"], "urn:error:externapi:replyAlreadySent");
}

#[tokio::test]
async fn an_ecdsa_certificate_gets_the_reply_already_decrypted() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let df = pfr_docflow(&api, &signer).await;
    let base = base(&api, &df, &protocol(&df));
    let r = generate(&api, &base, &signer.certificate).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let doc = &r.body["documents"][0];
    assert!(doc.get("encrypted-content").is_none(), "{doc}");
    let plain = B64
        .decode(doc["decrypted-content"].as_str().unwrap())
        .unwrap();
    let path = format!("{base}/pfr-replies/{}", r.body["id"].as_str().unwrap());
    let rdoc = doc["id"].as_str().unwrap();
    let signed = api
        .put_bytes(
            &format!("{path}/documents/{rdoc}/signature"),
            signer.sign(&plain),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let sent = api
        .post(&format!("{path}/send"), json!({ "sender-ip": "127.0.0.1" }))
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(state(&sent.body).0, "finished");
}

#[tokio::test]
async fn pfr_reply_refusals() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let df = pfr_docflow(&api, &signer).await;
    let protocol = protocol(&df);
    let base = base(&api, &df, &protocol);
    let no_type = api
        .post(
            &format!("{base}/pfr-generate-reply"),
            json!({ "certificate-base64": B64.encode(&signer.certificate) }),
        )
        .await;
    assert_eq!(no_type.status, 400, "{}", no_type.body);
    let not_due = api
        .post(
            &format!("{base}/pfr-generate-reply?documentType=pfr-report-acknowledgement"),
            json!({ "certificate-base64": B64.encode(&signer.certificate) }),
        )
        .await;
    assert_eq!(not_due.body["id"], "urn:error:externapi:replyNotAvailable");
    let stranger = api.signer("7701234560", "770101001").await;
    let inn = generate(&api, &base, &stranger.certificate).await;
    assert_eq!(inn.body["id"], "urn:error:externapi:certificateInnMismatch");
    let garbage = api
        .post(
            &format!("{base}/pfr-generate-reply?documentType=pfr-report-protocol-receipt"),
            json!({ "certificate-base64": "not base64!" }),
        )
        .await;
    assert_eq!(garbage.body["id"], "urn:error:externapi:invalidCertificate");
    let unknown_doc = generate(
        &api,
        &api.acc(&format!(
            "/docflows/{}/documents/{}",
            df["id"].as_str().unwrap(),
            uuid::Uuid::new_v4()
        )),
        &signer.certificate,
    )
    .await;
    assert_eq!(unknown_doc.status, 404);
    let unknown_df = generate(
        &api,
        &api.acc(&format!(
            "/docflows/{}/documents/{protocol}",
            uuid::Uuid::new_v4()
        )),
        &signer.certificate,
    )
    .await;
    assert_eq!(unknown_df.status, 404);
    let foreign = generate(
        &api,
        &format!(
            "/v1/{}/docflows/{}/documents/{protocol}",
            uuid::Uuid::new_v4(),
            df["id"].as_str().unwrap()
        ),
        &signer.certificate,
    )
    .await;
    assert_eq!(foreign.status, 403);
    // An FNS docflow is answered with generate-reply, not this.
    let fns = api.send_report("0087", &signer).await;
    let fns_df = api.get(&api.acc(&format!("/docflows/{fns}"))).await.body;
    let first = fns_df["documents"][0]["id"].as_str().unwrap().to_string();
    let not_pfr = generate(&api, &base_of(&api, &fns, &first), &signer.certificate).await;
    assert_eq!(not_pfr.status, 400);
    assert_eq!(not_pfr.body["id"], "urn:error:externapi:notPfrDocflow");
    // Unknown replies and reply documents.
    let missing = api
        .get(&format!("{base}/pfr-replies/{}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(missing.status, 404);
    let r = generate(&api, &base, &signer.certificate).await;
    let path = format!("{base}/pfr-replies/{}", r.body["id"].as_str().unwrap());
    let no_doc = api
        .put_bytes(
            &format!(
                "{path}/documents/{}/decrypted-content",
                uuid::Uuid::new_v4()
            ),
            b"x".to_vec(),
        )
        .await;
    assert_eq!(no_doc.status, 404);
    let rdoc = r.body["documents"][0]["id"].as_str().unwrap();
    let empty = api
        .put_bytes(
            &format!("{path}/documents/{rdoc}/decrypted-content"),
            Vec::new(),
        )
        .await;
    assert_eq!(empty.status, 400);
    let no_task = api
        .get(&format!("{path}/tasks/{}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(no_task.status, 404);
    let not_cloud = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await;
    assert_eq!(not_cloud.status, 400);
    assert_eq!(
        not_cloud.body["id"],
        "urn:error:externapi:notCloudCertificate"
    );
}

async fn send(api: &Api, path: &str) -> Answer {
    api.post(&format!("{path}/send"), json!({ "sender-ip": "127.0.0.1" }))
        .await
}

fn base_of(api: &Api, docflow: &str, doc: &str) -> String {
    api.acc(&format!("/docflows/{docflow}/documents/{doc}"))
}

async fn cloud_certificate(api: &Api, confirm: &str) -> Vec<u8> {
    let a = api
        .post(
            "/test-tools/v1/generate-cloud-certificate",
            json!({ "inn": INN, "kpp": KPP, "confirm-type": confirm }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    B64.decode(a.body["certificate"].as_str().unwrap()).unwrap()
}

/// A PFR reply generated for a cloud certificate, its documents stored "decrypted" with any bytes
/// (as PfrReportCloudTestScenarioIT does): the reply path.
async fn cloud_reply(api: &Api, confirm: &str) -> String {
    let signer = api.signer(INN, KPP).await;
    let cert = cloud_certificate(api, confirm).await;
    let df = pfr_docflow(api, &signer).await;
    let base = base(api, &df, &protocol(&df));
    let r = generate(api, &base, &cert).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let path = format!("{base}/pfr-replies/{}", r.body["id"].as_str().unwrap());
    let early = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await;
    assert_eq!(
        early.body["id"],
        "urn:error:externapi:decryptedContentRequired"
    );
    for d in r.body["documents"].as_array().unwrap() {
        let put = api
            .put_bytes(
                &format!(
                    "{path}/documents/{}/decrypted-content",
                    d["id"].as_str().unwrap()
                ),
                b"<random bytes/>".to_vec(),
            )
            .await;
        assert_eq!(put.status, 200, "{}", put.body);
    }
    path
}

async fn send_and_finish(api: &Api, path: &str) {
    let reply = api.get(path).await.body;
    for d in reply["documents"].as_array().unwrap() {
        assert!(d["signature"].is_string(), "{d}");
    }
    let sent = api
        .post(&format!("{path}/send"), json!({ "sender-ip": "127.0.0.1" }))
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(state(&sent.body).0, "finished");
}

#[tokio::test]
async fn a_pfr_reply_signed_in_the_cloud_with_a_code() {
    let api = Api::start().await;
    let path = cloud_reply(&api, "sms").await;
    let init = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await;
    assert_eq!(init.status, 200, "{}", init.body);
    assert_eq!(init.body["confirm-type"], "sms");
    let busy = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await;
    assert_eq!(busy.status, 409, "one operation at a time");
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
    let no_code = api
        .send(
            Method::POST,
            &format!("{path}/cloud-sign-confirm?requestId={request}"),
            None,
        )
        .await;
    assert_eq!(no_code.status, 400);
    let ok = api
        .send(
            Method::POST,
            &format!("{path}/cloud-sign-confirm?requestId={request}&code={code}"),
            None,
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["signed-documents"].as_array().unwrap().len(), 1);
    send_and_finish(&api, &path).await;
}

#[tokio::test]
async fn a_pfr_reply_signed_in_the_app() {
    let api = Api::start().await;
    let path = cloud_reply(&api, "myDSS").await;
    let init = api
        .send(Method::POST, &format!("{path}/cloud-sign"), None)
        .await;
    assert_eq!(init.status, 200, "{}", init.body);
    let task = init.body["task-id"].as_str().unwrap();
    let pending = api.get(&format!("{path}/tasks/{task}")).await;
    assert_eq!(pending.status, 200, "{}", pending.body);
    assert_eq!(pending.body["task-state"], "running");
    assert_eq!(pending.body["progress"], "AwaitingForConfirmation");
    let approved = api
        .post(
            "/test-tools/v1/confirm-cloud-operation",
            json!({ "request-id": init.body["request-id"] }),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    let done = api.wait_task(&format!("{path}/tasks/{task}")).await;
    assert_eq!(done["task-state"], "succeed", "{done}");
    send_and_finish(&api, &path).await;
}
