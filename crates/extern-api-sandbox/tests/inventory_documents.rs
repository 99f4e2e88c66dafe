//! The documents of an inventory (опись answering a demand) under
//! `…/docflows/{demand}/documents/{attachment}/inventories/{inventory}/documents/{document}`:
//! the docflow document operations one level deeper, refused unless the inventory answers that
//! attachment.

mod support;

use std::io::Read;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

/// A sent inventory and the three ids that name it.
struct Inventory {
    demand: String,
    attachment: String,
    /// The demand's main document (not what the inventory answers).
    main: String,
    id: String,
}

impl Inventory {
    fn at(&self, api: &Api, rest: &str) -> String {
        api.acc(&format!(
            "/docflows/{}/documents/{}/inventories/{}{rest}",
            self.demand, self.attachment, self.id
        ))
    }

    /// `…/inventories/{id}/documents/{doc}` + `rest`.
    fn doc(&self, api: &Api, doc: &str, rest: &str) -> String {
        self.at(api, &format!("/documents/{doc}{rest}"))
    }
}

fn find<'a>(df: &'a Value, kind: &str) -> &'a Value {
    df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == format!("urn:document:{kind}"))
        .unwrap_or_else(|| panic!("no {kind} in {df}"))
}

fn id_of(df: &Value, kind: &str) -> String {
    find(df, kind)["id"].as_str().unwrap().to_string()
}

fn b64(answer: &Answer) -> Vec<u8> {
    B64.decode(
        answer
            .body
            .as_str()
            .unwrap_or_else(|| panic!("{}", answer.body)),
    )
    .unwrap()
}

/// A demand (KND 1165050) answered with an inventory built by DraftsBuilder, signed by `signer`
/// and sent to 0087, which receives and accepts it. Answers the inventory and its docflow.
async fn send_inventory(api: &Api, signer: &Signer) -> (Inventory, Value) {
    let generated = api
        .post(
            "/test-tools/v1/generate-demand",
            json!({ "knds": ["1165050"] }),
        )
        .await;
    assert_eq!(generated.status, 200, "{}", generated.body);
    let demand_id = generated.body["docflow-id"].as_str().unwrap().to_string();
    let demand = api
        .get(&api.acc(&format!("/docflows/{demand_id}")))
        .await
        .body;
    let attachment = id_of(&demand, "fns534-demand-attachment");
    let main = id_of(&demand, "fns534-demand");
    let b = api
        .post(
            &api.acc("/drafts/builders"),
            json!({
                "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" },
                "recipient": { "ifns-code": "0087" },
                "payer": { "inn": INN },
                "builder-type": "urn:drafts-builder:fns534-inventory",
                "builder-data": { "related-document": { "related-docflow-id": demand_id, "related-document-id": attachment } },
            }),
        )
        .await;
    assert_eq!(b.status, 201, "{}", b.body);
    let b = b.body["id"].as_str().unwrap().to_string();
    let d = api
        .post(
            &api.acc(&format!("/drafts/builders/{b}/documents")),
            json!({ "builder-data": { "type": "scanned", "claim-item-number": "1.1", "scanned-document-name": "Договор" } }),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.body);
    let d = d.body["id"].as_str().unwrap().to_string();
    let pdf = b"%PDF-1.4 scanned contract".to_vec();
    let content = api.upload(&pdf).await;
    let f = api
        .post(
            &api.acc(&format!("/drafts/builders/{b}/documents/{d}/files")),
            json!({
                "content-id": content,
                "meta": { "file-name": "contract.pdf", "builder-data": { "scanned-file-order": 1 } },
                "base64-signature-content": B64.encode(signer.sign(&pdf)),
            }),
        )
        .await;
    assert_eq!(f.status, 201, "{}", f.body);
    let t = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/builders/{b}/build?deferred=true")),
            None,
        )
        .await;
    assert!(t.status == 200 || t.status == 202, "{}", t.body);
    let built = api
        .wait_task(&api.acc(&format!(
            "/drafts/builders/{b}/tasks/{}",
            t.body["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(built["task-state"], "succeed", "{built}");
    let draft = built["task-result"]["draft-ids"][0]
        .as_str()
        .unwrap()
        .to_string();
    // The generated inventory XML is the one document still to sign.
    let listed = api.get(&api.acc(&format!("/drafts/{draft}"))).await.body;
    for link in listed["documents"].as_array().unwrap() {
        let href = link["href"].as_str().unwrap();
        let doc = api
            .get(href.trim_start_matches(api.sandbox().url().as_str()))
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
        sent["task-result"]["type"], "urn:docflow:fns534-inventory",
        "{sent}"
    );
    let id = sent["task-result"]["id"].as_str().unwrap().to_string();
    let df = api
        .wait_docflow(&id, |d| {
            d["success-state"] == "urn:docflow-state:successful"
        })
        .await;
    (
        Inventory {
            demand: demand_id,
            attachment,
            main,
            id,
        },
        df,
    )
}

/// The content id of a document's variant: the encrypted one, or the plain (uncompressed) one.
fn variant(doc: &Value, encrypted: bool) -> Option<String> {
    doc["content"]["docflow-document-contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["encrypted"] == encrypted && (encrypted || c["compression-type"] == "none"))
        .map(|c| c["content-id"].as_str().unwrap().to_string())
}

/// A cloud certificate of the sandbox's organization, confirmed by `confirm` (`sms`, `myDSS`).
async fn cloud_certificate(api: &Api, confirm: &str) -> String {
    let cert = api
        .post(
            "/test-tools/v1/generate-cloud-certificate",
            json!({ "inn": INN, "kpp": KPP, "confirm-type": confirm }),
        )
        .await;
    assert_eq!(cert.status, 200, "{}", cert.body);
    cert.body["certificate"].as_str().unwrap().to_string()
}

async fn sms_code(api: &Api, request: &str) -> String {
    api.get(&format!(
        "/test-tools/v1/cloud-confirmation-code?request-id={request}"
    ))
    .await
    .body["code"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn inventory_documents_read_as_docflow_documents() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (inv, df) = send_inventory(&api, &signer).await;
    let doc = find(&df, "fns534-inventory");
    let doc_id = doc["id"].as_str().unwrap();
    let twin = |rest: &str| api.acc(&format!("/docflows/{}/documents/{doc_id}{rest}", inv.id));

    let signatures = api.get(&inv.doc(&api, doc_id, "/signatures")).await;
    assert_eq!(signatures.status, 200, "{}", signatures.body);
    assert_eq!(signatures.body.as_array().unwrap().len(), 1);
    assert_eq!(signatures.body, api.get(&twin("/signatures")).await.body);
    let sig = signatures.body[0]["id"].as_str().unwrap();
    let content = api
        .get(&inv.doc(&api, doc_id, &format!("/signatures/{sig}/content")))
        .await;
    assert_eq!(content.status, 200, "{}", content.body);
    assert_eq!(
        b64(&content),
        b64(&api.get(&twin(&format!("/signatures/{sig}/content"))).await)
    );

    // The deprecated content getters answer base64 JSON strings.
    let plain = api
        .get(&api.acc(&format!("/contents/{}", variant(doc, false).unwrap())))
        .await
        .bytes;
    let decrypted = api.get(&inv.doc(&api, doc_id, "/decrypted-content")).await;
    assert_eq!(decrypted.status, 200, "{}", decrypted.body);
    assert_eq!(b64(&decrypted), plain);
    let sealed = api
        .get(&api.acc(&format!("/contents/{}", variant(doc, true).unwrap())))
        .await
        .bytes;
    let encrypted = api.get(&inv.doc(&api, doc_id, "/encrypted-content")).await;
    assert_eq!(encrypted.status, 200, "{}", encrypted.body);
    assert_eq!(b64(&encrypted), sealed, "kept encrypted for the inspection");
    let operators = id_of(&df, "fns534-inventory-description");
    let none = api
        .get(&inv.doc(&api, &operators, "/encrypted-content"))
        .await;
    assert_eq!(none.status, 404, "the operator's documents are kept plain");

    // Storing the decrypted content: it must be the document.
    let same = api.upload(&plain).await;
    let saved = api
        .send(
            Method::PUT,
            &inv.doc(&api, doc_id, "/decrypted-content"),
            Some(json!({ "content-id": same })),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body["content-id"].is_string());
    let other = api.upload(b"<?xml version=\"1.0\"?><other/>").await;
    let wrong = api
        .send(
            Method::PUT,
            &inv.doc(&api, doc_id, "/decrypted-content"),
            Some(json!({ "content-id": other })),
        )
        .await;
    assert_eq!(
        (wrong.status.as_u16(), wrong.body["id"].as_str()),
        (400, Some("urn:error:externapi:decryptedContentMismatch"))
    );

    // Printing is a task polled under the inventory document.
    let started = api
        .post(&inv.doc(&api, doc_id, "/print?deferred=true"), json!({}))
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    assert_eq!(started.body["task-type"], "urn:task-type:docflowPrint");
    let task = api
        .wait_task(&inv.doc(
            &api,
            doc_id,
            &format!("/tasks/{}", started.body["id"].as_str().unwrap()),
        ))
        .await;
    assert_eq!(task["task-state"], "succeed", "{task}");
    let pdf = api
        .get(&api.acc(&format!(
            "/contents/{}",
            task["task-result"]["content-id"].as_str().unwrap()
        )))
        .await
        .bytes;
    assert!(pdf.starts_with(b"%PDF"));
    let sync = api.post(&inv.doc(&api, doc_id, "/print"), json!({})).await;
    assert_eq!(sync.body["id"], "urn:error:externapi:deferredRequired");
    let unknown_task = uuid::Uuid::new_v4();
    assert_eq!(
        api.get(&inv.doc(&api, doc_id, &format!("/tasks/{unknown_task}")))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn refusals_name_the_inventory() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (inv, df) = send_inventory(&api, &signer).await;
    let doc_id = id_of(&df, "fns534-inventory");
    let kv = id_of(&df, "fns534-inventory-acceptance-result-positive");
    let certificate = json!({ "certificate-base64": B64.encode(&signer.certificate) });
    let random = uuid::Uuid::new_v4().to_string();
    // Another inventory id, the demand's main document instead of its attachment, the demand
    // itself in the inventory's place: no such inventory.
    let elsewhere = [
        Inventory {
            id: random.clone(),
            ..inv.clone_ids()
        },
        Inventory {
            attachment: inv.main.clone(),
            ..inv.clone_ids()
        },
        Inventory {
            id: inv.demand.clone(),
            ..inv.clone_ids()
        },
    ];
    for wrong in &elsewhere {
        for path in ["/signatures", "/decrypted-content", "/encrypted-content"] {
            let a = api.get(&wrong.doc(&api, &doc_id, path)).await;
            assert_eq!(a.status, 404, "{path}: {}", a.body);
            assert_eq!(a.body["message"], "inventory not found");
        }
        let a = api
            .post(
                &wrong.doc(
                    &api,
                    &kv,
                    "/generate-reply?documentType=fns534-inventory-receipt",
                ),
                certificate.clone(),
            )
            .await;
        assert_eq!(a.status, 404, "{}", a.body);
        let a = api
            .post(&wrong.doc(&api, &doc_id, "/print?deferred=true"), json!({}))
            .await;
        assert_eq!(a.status, 404, "{}", a.body);
    }
    // A document the inventory does not have.
    let a = api.get(&inv.doc(&api, &random, "/signatures")).await;
    assert_eq!(
        (a.status.as_u16(), a.body["message"].as_str()),
        (404, Some("document not found"))
    );
    // Another account's (or an unknown) account: forbidden before anything is looked up.
    let foreign = inv
        .doc(&api, &doc_id, "/signatures")
        .replace(&api.account, &uuid::Uuid::new_v4().to_string());
    assert_eq!(api.get(&foreign).await.status, 403);
    // A reply belongs to the document it was generated for.
    let r = api
        .post(
            &inv.doc(
                &api,
                &kv,
                "/generate-reply?documentType=fns534-inventory-receipt",
            ),
            certificate.clone(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let reply = r.body["id"].as_str().unwrap();
    for path in [
        format!("/replies/{reply}"),
        format!("/replies/{reply}/tasks/{random}"),
    ] {
        let a = api.get(&inv.doc(&api, &doc_id, &path)).await;
        assert_eq!(a.status, 404, "{path}: {}", a.body);
        assert_eq!(a.body["message"], "reply not found");
    }
    let a = api
        .send(
            Method::POST,
            &inv.doc(&api, &doc_id, &format!("/replies/{reply}/cloud-sign")),
            None,
        )
        .await;
    assert_eq!(a.body["message"], "reply not found", "{}", a.body);
    // A reply no document is due is refused as on a docflow.
    let a = api
        .post(
            &inv.doc(
                &api,
                &doc_id,
                "/generate-reply?documentType=fns534-inventory-receipt",
            ),
            certificate,
        )
        .await;
    assert_eq!(a.body["id"], "urn:error:externapi:replyNotAvailable");
}

impl Inventory {
    fn clone_ids(&self) -> Self {
        Self {
            demand: self.demand.clone(),
            attachment: self.attachment.clone(),
            main: self.main.clone(),
            id: self.id.clone(),
        }
    }
}

#[tokio::test]
async fn the_inspections_acceptance_is_answered_under_the_inventory() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let (inv, df) = send_inventory(&api, &signer).await;
    let kv = id_of(&df, "fns534-inventory-acceptance-result-positive");
    let r = api
        .post(
            &inv.doc(
                &api,
                &kv,
                "/generate-reply?documentType=fns534-inventory-receipt",
            ),
            json!({ "certificate-base64": B64.encode(&signer.certificate) }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["docflow-id"], inv.id.as_str());
    assert_eq!(r.body["document-id"], kv.as_str());
    let reply = r.body["id"].as_str().unwrap().to_string();
    let at = |rest: &str| inv.doc(&api, &kv, &format!("/replies/{reply}{rest}"));
    let got = api.get(&at("")).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body["content"], r.body["content"]);

    // The content replaced (a signature made before is dropped), then signed and sent.
    let content = B64.decode(r.body["content"].as_str().unwrap()).unwrap();
    let edited = [content.as_slice(), b"\n"].concat();
    let put = api.put_bytes(&at("/content"), edited.clone()).await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["content"], B64.encode(&edited));
    let bad = api
        .put_bytes(&at("/signature"), signer.sign(&content))
        .await;
    assert_eq!(bad.body["id"], "urn:error:externapi:invalidSignature");
    let signed = api.put_bytes(&at("/signature"), signer.sign(&edited)).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert!(signed.body["signature"].is_string());
    let sent = api
        .post(&at("/send"), json!({ "sender-ip": "127.0.0.1" }))
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["id"], inv.id.as_str());
    assert_eq!(state(&sent.body), ("finished".into(), "successful".into()));
    assert!(
        sent.body["documents"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |d| d["description"]["type"] == "urn:document:fns534-inventory-receipt"
                    && d["description"]["filename"] == r.body["filename"]
            ),
        "the receipt joined the inventory"
    );
    let again = api
        .post(&at("/send"), json!({ "sender-ip": "127.0.0.1" }))
        .await;
    assert_eq!(again.body["id"], "urn:error:externapi:replyAlreadySent");
    let listed = api.get(&inv.at(&api, "")).await.body;
    assert_eq!(state(&listed), ("finished".into(), "successful".into()));
}

#[tokio::test]
async fn cloud_decryption_and_signing_confirmed_by_sms() {
    let api = Api::start().await;
    let certificate = cloud_certificate(&api, "sms").await;
    let signer = api.signer(INN, KPP).await;
    let (inv, df) = send_inventory(&api, &signer).await;
    let iz = id_of(&df, "fns534-inventory-receipt");
    let kv = id_of(&df, "fns534-inventory-acceptance-result-positive");
    // The inspection's answers come encrypted for the cloud certificate.
    let closed = api.get(&inv.doc(&api, &kv, "/decrypted-content")).await;
    assert_eq!(closed.status, 404, "{}", closed.body);
    assert!(
        b64(&api.get(&inv.doc(&api, &kv, "/encrypted-content")).await).starts_with(&[0x30]),
        "CMS EnvelopedData"
    );

    // decrypt-content-confirm answers the decrypted archive, or (unzip=true) the file in it.
    let init = api
        .send(Method::POST, &inv.doc(&api, &iz, "/decrypt-content"), None)
        .await;
    assert_eq!(init.status, 200, "{}", init.body);
    assert_eq!(init.body["confirm-type"], "sms");
    let request = init.body["request-id"].as_str().unwrap().to_string();
    assert!(
        init.body["links"][0]["href"]
            .as_str()
            .unwrap()
            .ends_with(&inv.doc(
                &api,
                &iz,
                &format!("/confirm-content-decryption?requestId={request}")
            )),
        "{}",
        init.body
    );
    let confirm = |doc: &str, rest: String| inv.doc(&api, doc, &rest);
    let bad_flag = api
        .send(
            Method::POST,
            &confirm(
                &iz,
                format!("/decrypt-content-confirm?requestId={request}&code=000000&unzip=maybe"),
            ),
            None,
        )
        .await;
    assert_eq!(bad_flag.body["id"], "urn:error:externapi:invalidQuery");
    let code = sms_code(&api, &request).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let a = api
        .send(
            Method::POST,
            &confirm(
                &iz,
                format!("/decrypt-content-confirm?requestId={request}&code={wrong}"),
            ),
            None,
        )
        .await;
    assert_eq!(a.body["id"], "urn:error:externapi:wrongConfirmationCode");
    let opened = api
        .send(
            Method::POST,
            &confirm(
                &iz,
                format!("/decrypt-content-confirm?requestId={request}&code={code}"),
            ),
            None,
        )
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let archive = b64(&opened);
    assert!(archive.starts_with(b"PK\x03\x04"), "the decrypted archive");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive)).unwrap();
    let mut xml = Vec::new();
    zip.by_index(0).unwrap().read_to_end(&mut xml).unwrap();
    assert!(xml.starts_with(b"<?xml"));
    assert_eq!(
        b64(&api.get(&inv.doc(&api, &iz, "/decrypted-content")).await),
        xml,
        "decrypted once, the plain content is there"
    );
    let used = api
        .send(
            Method::POST,
            &confirm(
                &iz,
                format!("/decrypt-content-confirm?requestId={request}&code={code}&unzip=true"),
            ),
            None,
        )
        .await;
    assert_eq!(used.status, 404, "the operation is over: {}", used.body);

    // confirm-content-decryption answers a link to the decrypted content.
    let init = api
        .send(Method::POST, &inv.doc(&api, &kv, "/decrypt-content"), None)
        .await;
    let request = init.body["request-id"].as_str().unwrap().to_string();
    let code = sms_code(&api, &request).await;
    let done = api
        .send(
            Method::POST,
            &confirm(
                &kv,
                format!("/confirm-content-decryption?requestId={request}&code={code}"),
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
    assert!(plain.starts_with(b"<?xml"));
    assert_eq!(
        b64(&api.get(&inv.doc(&api, &kv, "/decrypted-content")).await),
        plain
    );

    // The receipt on KV, signed in the cloud with the certificate it was generated for.
    let r = api
        .post(
            &inv.doc(
                &api,
                &kv,
                "/generate-reply?documentType=fns534-inventory-receipt",
            ),
            json!({ "certificate-base64": certificate }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let reply = r.body["id"].as_str().unwrap().to_string();
    let at = |rest: &str| inv.doc(&api, &kv, &format!("/replies/{reply}{rest}"));
    let init = api.send(Method::POST, &at("/cloud-sign"), None).await;
    assert_eq!(init.status, 200, "{}", init.body);
    let request = init.body["request-id"].as_str().unwrap().to_string();
    assert!(
        init.body["links"][0]["href"]
            .as_str()
            .unwrap()
            .ends_with(&at(&format!("/cloud-sign-confirm?requestId={request}"))),
        "{}",
        init.body
    );
    assert_eq!(
        api.send(Method::POST, &at("/cloud-sign"), None)
            .await
            .status,
        409,
        "one cloud operation at a time"
    );
    let code = sms_code(&api, &request).await;
    let signed = api
        .send(
            Method::POST,
            &at(&format!(
                "/cloud-sign-confirm?requestId={request}&code={code}"
            )),
            None,
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(signed.body["signed-documents"].as_array().unwrap().len(), 1);
    assert!(api.get(&at("")).await.body["signature"].is_string());
    let sent = api
        .post(&at("/send"), json!({ "sender-ip": "127.0.0.1" }))
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(state(&sent.body), ("finished".into(), "successful".into()));
}

#[tokio::test]
async fn cloud_operations_confirmed_in_the_app_are_tasks() {
    let api = Api::start().await;
    let certificate = cloud_certificate(&api, "myDSS").await;
    let signer = api.signer(INN, KPP).await;
    let (inv, df) = send_inventory(&api, &signer).await;
    let kv = id_of(&df, "fns534-inventory-acceptance-result-positive");

    // Decryption: the document's task.
    let init = api
        .send(Method::POST, &inv.doc(&api, &kv, "/decrypt-content"), None)
        .await;
    assert_eq!(init.status, 200, "{}", init.body);
    assert_eq!(init.body["confirm-type"], "myDSS");
    let task = inv.doc(
        &api,
        &kv,
        &format!("/tasks/{}", init.body["task-id"].as_str().unwrap()),
    );
    let waiting = api.get(&task).await.body;
    assert_eq!(
        (waiting["task-state"].as_str(), waiting["progress"].as_str()),
        (Some("running"), Some("AwaitingForConfirmation"))
    );
    let in_app = api
        .send(
            Method::POST,
            &inv.doc(
                &api,
                &kv,
                &format!(
                    "/decrypt-content-confirm?requestId={}&code=123456",
                    init.body["request-id"].as_str().unwrap()
                ),
            ),
            None,
        )
        .await;
    assert_eq!(in_app.body["id"], "urn:error:externapi:confirmInApp");
    api.post(
        "/test-tools/v1/confirm-cloud-operation",
        json!({ "request-id": init.body["request-id"] }),
    )
    .await;
    let done = api.get(&task).await.body;
    assert_eq!(done["task-state"], "succeed", "{done}");
    assert!(b64(&api.get(&inv.doc(&api, &kv, "/decrypted-content")).await).starts_with(b"<?xml"));

    // Signing a reply: the reply's task.
    let r = api
        .post(
            &inv.doc(
                &api,
                &kv,
                "/generate-reply?documentType=fns534-inventory-receipt",
            ),
            json!({ "certificate-base64": certificate }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let reply = r.body["id"].as_str().unwrap().to_string();
    let at = |rest: &str| inv.doc(&api, &kv, &format!("/replies/{reply}{rest}"));
    let init = api.send(Method::POST, &at("/cloud-sign"), None).await;
    assert_eq!(init.status, 200, "{}", init.body);
    let task = at(&format!(
        "/tasks/{}",
        init.body["task-id"].as_str().unwrap()
    ));
    assert_eq!(api.get(&task).await.body["task-state"], "running");
    api.post(
        "/test-tools/v1/confirm-cloud-operation",
        json!({ "request-id": init.body["request-id"] }),
    )
    .await;
    let done = api.get(&task).await.body;
    assert_eq!(
        (done["task-state"].as_str(), done["progress"].as_str()),
        (Some("succeed"), Some("Completed"))
    );
    assert!(api.get(&at("")).await.body["signature"].is_string());
    let unknown = uuid::Uuid::new_v4();
    assert_eq!(api.get(&at(&format!("/tasks/{unknown}"))).await.status, 404);
}
