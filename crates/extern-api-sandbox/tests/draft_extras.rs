//! The rest of the drafts API over plain HTTP: the draft upsert, documents built from contracts,
//! the web hand-over, the MVD data-to-sign step, the legacy content and signature getters and
//! setters, and printing a draft document — each with its refusals.

mod support;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

fn meta(recipient: Value) -> Value {
    json!({
        "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" },
        "payer": { "inn": INN, "organization": { "kpp": KPP } },
        "recipient": recipient,
    })
}

fn ion3() -> Value {
    json!({
        "version": "3",
        "data": { "ФормОтв": 4, "ДатаНач": "01.01.2023", "ДатаКон": "01.12.2023" },
        "additional-org-info": {
            "document-sender": { "sender-full-name": "Налогоплательщик" },
            "signer-type": "chief",
            "taxpayer": { "kpp": KPP, "taxpayer-chief-fio": "ФИО руководителя", "taxpayer-full-name": "Налогоплательщик" }
        }
    })
}

fn usn() -> Value {
    json!({
        "period": { "year": "2021", "period-modifiers": "None" },
        "additional-org-info": {
            "signer-type": "representative",
            "document-sender": { "sender-full-name": "Тестовая организация" },
            "taxpayer": { "taxpayer-chief-fio": "Иванов Иван Иванович", "taxpayer-full-name": "Тестовая организация" }
        },
        "data": { "НомКорр": 0, "ПоМесту": 120, "СумНалПат": "3681", "ЗаКв": { "ОКТМО": "50701000", "АвПУ": "560073" } }
    })
}

/// A random account: 403 for every caller.
fn foreign(path: &str) -> String {
    format!("/v1/{}{path}", uuid::Uuid::new_v4())
}

async fn download(api: &Api, content: &str) -> Vec<u8> {
    let a = api.get(&api.acc(&format!("/contents/{content}"))).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.bytes
}

#[tokio::test]
async fn put_draft_creates_under_the_callers_id_and_replaces_the_meta() {
    let api = Api::start().await;
    let id = uuid::Uuid::new_v4();
    let path = api.acc(&format!("/drafts/{id}"));
    let created = api
        .send(
            Method::PUT,
            &path,
            Some(meta(json!({ "ifns-code": "0087" }))),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["id"], id.to_string());
    assert_eq!(created.body["status"], "new");
    assert_eq!(created.body["meta"]["recipient"]["ifns-code"], "0087");
    assert_eq!(api.get(&path).await.status, 200);

    let replaced = api
        .send(
            Method::PUT,
            &path,
            Some(meta(json!({ "togs-code": "00-87" }))),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let read = api.get(&format!("{path}/meta")).await.body;
    assert_eq!(read["recipient"]["togs-code"], "00-87");
    assert!(read["recipient"].get("ifns-code").is_none(), "{read}");

    let mut bad = meta(json!({ "ifns-code": "0087" }));
    bad["sender"]["inn"] = json!("123");
    assert_eq!(api.send(Method::PUT, &path, Some(bad)).await.status, 400);
    let other = api
        .send(
            Method::PUT,
            &foreign(&format!("/drafts/{id}")),
            Some(meta(json!({ "ifns-code": "0087" }))),
        )
        .await;
    assert_eq!(other.status, 403, "{}", other.body);

    // A sent draft no longer changes.
    let signer = api.signer(INN, KPP).await;
    let sent = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    let doc = api.add_document(&sent, &report, None).await;
    api.sign_document(&sent, doc["id"].as_str().unwrap(), &signer.sign(&report))
        .await;
    assert_eq!(api.run_task(&sent, "send").await["task-state"], "succeed");
    let again = api
        .send(
            Method::PUT,
            &api.acc(&format!("/drafts/{sent}")),
            Some(meta(json!({ "ifns-code": "0087" }))),
        )
        .await;
    assert_eq!(again.status, 400, "{}", again.body);
}

#[tokio::test]
async fn an_ion_request_is_built_from_its_contract() {
    let api = Api::start().await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let build = |q: &str| api.acc(&format!("/drafts/{draft}/build-document?{q}"));
    let a = api.post(&build("type=ION3&version=3"), ion3()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body["description"]["type"],
        "urn:document:fns534-ion-request"
    );
    let filename = a.body["description"]["filename"].as_str().unwrap();
    assert!(
        filename.starts_with(&format!("ZAPROS_ION3_0087_0087_{INN}{KPP}_")),
        "{filename}"
    );
    let content = a.body["contents"][0]["content-id"].as_str().unwrap();
    let xml = download(&api, content).await;
    let text = encoding_rs::WINDOWS_1251.decode(&xml).0.into_owned();
    assert!(text.contains("ДатаНач=\"01.01.2023\""), "{text}");
    assert!(text.contains(&format!("ИННЮЛ=\"{INN}\"")), "{text}");
    let d = api.get(&api.acc(&format!("/drafts/{draft}"))).await.body;
    assert_eq!(d["documents"].as_array().unwrap().len(), 1);

    // Signed and sent, it makes the docflow DraftDocumentBuildController.rst names.
    let signer = api.signer(INN, KPP).await;
    let doc = a.body["id"].as_str().unwrap();
    api.sign_document(&draft, doc, &signer.sign(&xml)).await;
    let sent = api.run_task(&draft, "send").await;
    assert_eq!(sent["task-state"], "succeed", "{sent}");
    assert_eq!(
        sent["task-result"]["type"], "urn:docflow:fns534-ion",
        "{sent}"
    );
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let build = |q: &str| api.acc(&format!("/drafts/{draft}/build-document?{q}"));

    // The C# SDK's spelling of the type and the version read from the contract alone.
    let a = api.post(&build("type=ion9"), ion3()).await;
    assert_eq!(a.status, 200, "{}", a.body);

    for (q, body) in [
        ("type=ION1&version=3", ion3()),
        ("type=PDF", ion3()),
        ("version=3", ion3()),
        ("type=ION3&version=x", ion3()),
        ("type=ION3&version=2", ion3()),
    ] {
        let a = api.post(&build(q), body).await;
        assert_eq!(a.status, 400, "{q}: {}", a.body);
    }
    let mut two_years = ion3();
    two_years["data"]["ДатаКон"] = json!("01.01.2024");
    assert_eq!(api.post(&build("type=ION3"), two_years).await.status, 400);
    let mut no_format = ion3();
    no_format["data"]["ФормОтв"] = json!(3);
    assert_eq!(api.post(&build("type=ION3"), no_format).await.status, 400);
    assert_eq!(api.post(&build("type=ION3"), json!([1])).await.status, 400);

    let rosstat = api.draft(json!({ "togs-code": "00-87" })).await;
    let a = api
        .post(
            &api.acc(&format!("/drafts/{rosstat}/build-document?type=ION3")),
            ion3(),
        )
        .await;
    assert_eq!(
        a.status, 400,
        "an ION request goes to an inspection: {}",
        a.body
    );
    let missing = uuid::Uuid::new_v4();
    let a = api
        .post(
            &api.acc(&format!("/drafts/{missing}/build-document?type=ION3")),
            ion3(),
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let a = api
        .post(
            &foreign(&format!("/drafts/{draft}/build-document?type=ION3")),
            ion3(),
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn a_usn_declaration_built_into_an_empty_document_passes_the_check() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let empty = api
        .post(
            &api.acc(&format!("/drafts/{draft}/documents")),
            json!({ "description": { "type": "urn:document:fns534-report" } }),
        )
        .await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    let doc = empty.body["id"].as_str().unwrap().to_string();
    let base = api.acc(&format!("/drafts/{draft}/documents/{doc}"));
    let built = api
        .post(&format!("{base}/build?type=USN&version=1"), usn())
        .await;
    assert_eq!(built.status, 200, "{}", built.body);
    assert!(built.bytes.is_empty());

    let d = api.get(&base).await.body;
    let filename = d["description"]["filename"].as_str().unwrap();
    assert!(filename.starts_with("NO_USN_0087_0087_"), "{filename}");
    assert_eq!(d["description"]["type"], "urn:document:fns534-report");
    assert_eq!(d["description"]["properties"]["КНД"], "1152017");
    let content = d["contents"][0]["content-id"].as_str().unwrap();
    let xml = download(&api, content).await;
    api.sign_document(&draft, &doc, &signer.sign(&xml)).await;
    let check = api.run_task(&draft, "check").await;
    assert_eq!(check["task-state"], "succeed", "{check}");
    let errors = &check["task-result"]["data"];
    assert_eq!(errors["common-errors"], json!([]), "{check}");
    assert_eq!(errors["documents-errors"][&doc], json!([]), "{check}");

    let missing = uuid::Uuid::new_v4();
    let a = api
        .post(
            &api.acc(&format!(
                "/drafts/{draft}/documents/{missing}/build?type=USN"
            )),
            usn(),
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let mut bad = usn();
    bad["period"]["period-modifiers"] = json!("Sometimes");
    assert_eq!(
        api.post(&format!("{base}/build?type=USN"), bad)
            .await
            .status,
        400
    );
    let a = api
        .post(
            &foreign(&format!("/drafts/{draft}/documents/{doc}/build?type=USN")),
            usn(),
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn an_edok_application_and_a_sedo_subscription_are_built() {
    let api = Api::start().await;
    let draft = api
        .draft(json!({ "upfr-code": "666-666", "ifns-code": "0087" }))
        .await;
    let zped = json!({
        "for-ul": true,
        "insurer-ul": { "full-name": "ООО «КОЛОРИТ»", "short-name": "ООО «КОЛОРИТ»", "phone": "83912150738", "email": "color24@mail.ru" },
        "representative": { "name": "Иван", "surname": "Иванов", "patronymic": "Иванович", "position": "Директор" }
    });
    let a = api
        .post(
            &api.acc(&format!("/drafts/{draft}/build-document?type=ZPED")),
            zped,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body["description"]["type"],
        "urn:document:pfr-ancillary-document"
    );
    let a = api
        .post(
            &api.acc(&format!("/drafts/{draft}/build-document?type=ZPED")),
            json!({ "for-ul": false }),
        )
        .await;
    assert_eq!(
        a.status, 400,
        "an IP application needs insurer-ip: {}",
        a.body
    );
    // The draft already makes a pfr-ancillary docflow: an ION request does not belong in it.
    let a = api
        .post(
            &api.acc(&format!("/drafts/{draft}/build-document?type=ION5")),
            json!({ "version": 3, "data": { "ФормОтв": 4 } }),
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.body);

    let sedo = api.draft(json!({ "fss-code": "12341" })).await;
    let url = api.acc(&format!(
        "/drafts/{sedo}/build-document?type=fssSedoProviderSubscriptionForRegistrationNumber"
    ));
    let a = api
        .post(&url, json!({ "subscription-type": "subscribe" }))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body["description"]["type"],
        "urn:document:fss-sedo-provider-subscription-subscribe-request-for-registration-number"
    );
    let a = api
        .post(&url, json!({ "subscription-type": "sometimes" }))
        .await;
    assert_eq!(a.status, 400, "{}", a.body);
}

#[tokio::test]
async fn create_web_draft_hands_a_report_over_once() {
    let api = Api::start().await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    api.add_document(&draft, &report, None).await;
    let url = api.acc(&format!("/drafts/{draft}/create-web-draft"));
    let a = api.send(Method::POST, &url, None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let d = api.get(&api.acc(&format!("/drafts/{draft}"))).await.body;
    assert_eq!(d["status"], "transferred-to-web");
    let again = api.send(Method::POST, &url, None).await;
    assert_eq!(again.status, 400, "{}", again.body);

    let with_attachment = api.draft(json!({ "ifns-code": "0087" })).await;
    api.add_document(&with_attachment, &report, None).await;
    api.add_document(
        &with_attachment,
        b"%PDF-1.4 scan",
        Some(json!({ "filename": "scan.pdf" })),
    )
    .await;
    let a = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/{with_attachment}/create-web-draft")),
            None,
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.body);

    let mvd = api.draft(json!({ "mvd-code": "1234" })).await;
    let a = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/{mvd}/create-web-draft")),
            None,
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.body);
    let missing = uuid::Uuid::new_v4();
    let a = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/{missing}/create-web-draft")),
            None,
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let a = api
        .send(
            Method::POST,
            &foreign(&format!("/drafts/{draft}/create-web-draft")),
            None,
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn data_to_sign_stamps_an_order_id_into_a_checked_mvd_notification() {
    let api = Api::start().await;
    let draft = api.draft(json!({ "mvd-code": "1234" })).await;
    let notice = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Уведомление Вид=\"прием\"><Работник/></Уведомление>";
    let doc = api
        .add_document(
            &draft,
            notice.as_bytes(),
            Some(json!({ "type": "urn:document:mvd-notification", "filename": "notice.xml" })),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = api.acc(&format!("/drafts/{draft}/documents/{doc}/data-to-sign"));
    let early = api.send(Method::PATCH, &url, None).await;
    assert_eq!(early.status, 400, "not checked yet: {}", early.body);

    assert_eq!(api.run_task(&draft, "check").await["task-state"], "succeed");
    let a = api.send(Method::PATCH, &url, None).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let content = a.body["decrypted-content-id"].as_str().unwrap().to_string();
    let stamped = String::from_utf8(download(&api, &content).await).unwrap();
    assert!(
        stamped.contains("<Уведомление OrderId=\"") && stamped.contains("<Работник/>"),
        "{stamped}"
    );
    let d = api
        .get(&api.acc(&format!("/drafts/{draft}/documents/{doc}")))
        .await
        .body;
    assert_eq!(d["contents"][0]["content-id"], content.as_str());

    // Again after an edit: a new OrderId, one attribute.
    let b = api.send(Method::PATCH, &url, None).await;
    assert_eq!(b.status, 200, "{}", b.body);
    let restamped =
        String::from_utf8(download(&api, b.body["decrypted-content-id"].as_str().unwrap()).await)
            .unwrap();
    assert_eq!(restamped.matches("OrderId=").count(), 1, "{restamped}");

    let report_draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    let rdoc = api.add_document(&report_draft, &report, None).await;
    let a = api
        .send(
            Method::PATCH,
            &api.acc(&format!(
                "/drafts/{report_draft}/documents/{}/data-to-sign",
                rdoc["id"].as_str().unwrap()
            )),
            None,
        )
        .await;
    assert_eq!(a.status, 400, "not an MVD draft: {}", a.body);
    let missing = uuid::Uuid::new_v4();
    let a = api
        .send(
            Method::PATCH,
            &api.acc(&format!("/drafts/{draft}/documents/{missing}/data-to-sign")),
            None,
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let a = api
        .send(
            Method::PATCH,
            &foreign(&format!("/drafts/{draft}/documents/{doc}/data-to-sign")),
            None,
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn legacy_content_and_signature_getters_and_setters() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    let doc = api.add_document(&draft, &report, None).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let base = api.acc(&format!("/drafts/{draft}/documents/{doc}"));

    let plain = api.get(&format!("{base}/decrypted-content")).await;
    assert_eq!(plain.status, 200, "{}", plain.body);
    assert_eq!(B64.decode(plain.body.as_str().unwrap()).unwrap(), report);

    // The raw-bytes setter replaces the content; the document is described again.
    let mut edited = report.clone();
    edited.extend_from_slice(b"\n");
    let put = api
        .put_bytes(&format!("{base}/decrypted-content"), edited.clone())
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let plain = api.get(&format!("{base}/decrypted-content")).await;
    assert_eq!(B64.decode(plain.body.as_str().unwrap()).unwrap(), edited);
    let d = api.get(&base).await.body;
    assert_eq!(d["description"]["type"], "urn:document:fns534-report");
    assert_eq!(
        api.put_bytes(&format!("{base}/decrypted-content"), Vec::new())
            .await
            .status,
        400
    );

    let none = api.get(&format!("{base}/signature")).await;
    assert_eq!(none.status, 404, "{}", none.body);
    let signature = signer.sign(&edited);
    let put = api
        .put_bytes(&format!("{base}/signature"), signature.clone())
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let put = api
        .put_bytes(&format!("{base}/signature"), signature.clone())
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let got = api.get(&format!("{base}/signature")).await;
    assert_eq!(B64.decode(got.body.as_str().unwrap()).unwrap(), signature);
    let d = api.get(&base).await.body;
    assert_eq!(d["signatures"].as_array().unwrap().len(), 1, "{d}");

    let early = api.get(&format!("{base}/encrypted-content")).await;
    assert_eq!(early.status, 404, "not prepared yet: {}", early.body);
    let prepared = api.run_task(&draft, "prepare").await;
    assert_eq!(prepared["task-result"]["status"], "ok", "{prepared}");
    let sealed = api.get(&format!("{base}/encrypted-content")).await;
    assert_eq!(sealed.status, 200, "{}", sealed.body);
    let sealed = B64.decode(sealed.body.as_str().unwrap()).unwrap();
    assert_eq!(sealed.first(), Some(&0x30), "a DER envelope");
    assert_ne!(sealed, edited);

    let missing = uuid::Uuid::new_v4();
    let a = api
        .get(&api.acc(&format!(
            "/drafts/{draft}/documents/{missing}/decrypted-content"
        )))
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let a = api
        .get(&foreign(&format!(
            "/drafts/{draft}/documents/{doc}/decrypted-content"
        )))
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn a_draft_document_prints_as_a_task() {
    let api = Api::start().await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    let doc = api.add_document(&draft, &report, None).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let base = api.acc(&format!("/drafts/{draft}/documents/{doc}"));
    let sync = api.get(&format!("{base}/print")).await;
    assert_eq!(sync.status, 400, "{}", sync.body);
    let started = api.get(&format!("{base}/print?deferred=true")).await;
    assert_eq!(started.status, 202, "{}", started.body);
    assert_eq!(started.body["task-type"], "urn:task-type:print");
    let task = api
        .wait_task(&format!(
            "{base}/tasks/{}",
            started.body["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(task["task-state"], "succeed", "{task}");
    let pdf = download(&api, task["task-result"]["content-id"].as_str().unwrap()).await;
    assert!(pdf.starts_with(b"%PDF"));

    let scan = api
        .add_document(
            &draft,
            b"%PDF-1.4 scan",
            Some(json!({ "filename": "scan.pdf", "content-type": "application/pdf" })),
        )
        .await;
    let a = api
        .get(&api.acc(&format!(
            "/drafts/{draft}/documents/{}/print?deferred=true",
            scan["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(
        a.body["id"], "urn:error:externapi:documentPrintUnsupported",
        "{}",
        a.body
    );
    let missing = uuid::Uuid::new_v4();
    assert_eq!(
        api.get(&format!("{base}/tasks/{missing}")).await.status,
        404
    );
    let a = api
        .get(&foreign(&format!(
            "/drafts/{draft}/documents/{doc}/print?deferred=true"
        )))
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}
