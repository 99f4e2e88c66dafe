//! The rest of a docflow's operations over HTTP: requisites changed with JSON Patch, the
//! deprecated content getters, the Java SDK's cloud decryption confirm, a demand recognized.

mod support;

use std::io::Read;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

/// A random account: 403 for every caller.
fn foreign(path: &str) -> String {
    format!("/v1/{}{path}", uuid::Uuid::new_v4())
}

async fn patch(api: &Api, path: &str, ops: Value) -> Answer {
    api.send(Method::PATCH, path, Some(ops)).await
}

fn unzip(bytes: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    archive.by_index(0).unwrap().read_to_end(&mut out).unwrap();
    out
}

fn document<'a>(df: &'a Value, kind: &str) -> &'a Value {
    df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["description"]["type"] == format!("urn:document:{kind}"))
        .unwrap_or_else(|| panic!("no {kind} in {df}"))
}

async fn demand(api: &Api) -> Value {
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
async fn a_comment_on_a_docflow() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0087", &signer).await;
    let path = api.acc(&format!("/docflows/{id}"));
    let added = patch(
        &api,
        &path,
        json!([{ "op": "add", "path": "/description/requisites/comment", "value": { "text": "Проверить", "color": "Red" } }]),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(added.body["id"], id.as_str());
    assert_eq!(
        added.body["description"]["requisites"]["comment"],
        json!({ "text": "Проверить", "color": "red" })
    );
    assert_eq!(
        added.body["description"]["form-version"]["knd"], "0710099",
        "the rest of the description stays"
    );
    // The C# JsonPatchDocument writes paths in lower case; a PascalCase value reads too.
    let replaced = patch(
        &api,
        &path,
        json!([{ "op": "replace", "path": "/Description/Requisites/Comment/Text", "value": "Готово" }]),
    )
    .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let got = api.get(&path).await.body;
    assert_eq!(
        got["description"]["requisites"]["comment"],
        json!({ "text": "Готово", "color": "red" })
    );
    let plain = patch(
        &api,
        &path,
        json!([{ "op": "replace", "path": "/description/requisites/comment", "value": { "Text": "Без цвета" } }]),
    )
    .await;
    assert_eq!(
        plain.body["description"]["requisites"]["comment"]["color"],
        "none"
    );
    let removed = patch(
        &api,
        &path,
        json!([{ "op": "remove", "path": "/description/requisites/comment" }]),
    )
    .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert!(
        removed.body["description"]["requisites"]
            .get("comment")
            .is_none()
    );

    for (ops, id) in [
        (
            json!([{ "op": "replace", "path": "/status", "value": "x" }]),
            "invalidPatch",
        ),
        (
            json!([{ "op": "move", "path": "/description/requisites/comment", "from": "/x" }]),
            "invalidPatch",
        ),
        (
            json!([{ "op": "add", "path": "/description/requisites/comment", "value": { "text": "x", "color": "pink" } }]),
            "invalidRequisites",
        ),
        (
            json!([{ "op": "add", "path": "/description/requisites/comment", "value": { "text": "" } }]),
            "invalidRequisites",
        ),
        (
            json!([{ "op": "add", "path": "/description/requisites/demand-knd", "value": "1165050" }]),
            "invalidRequisites",
        ),
        (
            json!([{ "op": "add", "path": "/description/requisites/whatever", "value": 1 }]),
            "readOnlyRequisite",
        ),
        (
            json!([{ "op": "replace", "path": "/description/requisites/comment/text", "value": "x" }]),
            "invalidPatch",
        ),
    ] {
        let a = patch(&api, &path, ops.clone()).await;
        assert_eq!(a.status, 400, "{ops}: {}", a.body);
        assert_eq!(a.body["id"], format!("urn:error:externapi:{id}"), "{ops}");
    }
    let not_a_list = patch(&api, &path, json!({ "op": "add" })).await;
    assert_eq!(not_a_list.status, 400);
    let unknown = patch(
        &api,
        &api.acc(&format!("/docflows/{}", uuid::Uuid::new_v4())),
        json!([]),
    )
    .await;
    assert_eq!(unknown.status, 404);
    let other = patch(&api, &foreign(&format!("/docflows/{id}")), json!([])).await;
    assert_eq!(other.status, 403);
}

#[tokio::test]
async fn demands_take_comments_on_documents_and_letters_move_into_the_demands_table() {
    let api = Api::start().await;
    let df = demand(&api).await;
    let path = api.acc(&format!("/docflows/{}", df["id"].as_str().unwrap()));
    let refused = patch(
        &api,
        &path,
        json!([{ "op": "add", "path": "/description/requisites/comment", "value": { "text": "x" } }]),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["id"], "urn:error:externapi:invalidRequisites");

    let letter = api
        .post("/test-tools/v1/generate-cu-letter", json!({}))
        .await
        .body["docflow-id"]
        .as_str()
        .unwrap()
        .to_string();
    let moved = patch(
        &api,
        &api.acc(&format!("/docflows/{letter}")),
        json!([{ "op": "add", "path": "/description/requisites/demand-knd", "value": "1165050" }]),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(
        moved.body["description"]["requisites"]["demand-knd"],
        "1165050"
    );
    let bad_knd = patch(
        &api,
        &api.acc(&format!("/docflows/{letter}")),
        json!([{ "op": "add", "path": "/description/requisites/demand-knd", "value": "11" }]),
    )
    .await;
    assert_eq!(bad_knd.status, 400);
}

#[tokio::test]
async fn a_demands_requisites_are_edited() {
    let api = Api::start().await;
    let df = demand(&api).await;
    let attachment = document(&df, "fns534-demand-attachment");
    assert_eq!(attachment["description"]["support-recognition"], true);
    let requisites = &attachment["description"]["requisites"];
    assert!(requisites["demand-number"].is_string(), "{requisites}");
    assert_eq!(requisites["demand-status"], "in-progress");
    assert_eq!(requisites["demand-knd"], "1165050");
    let path = api.acc(&format!(
        "/docflows/{}/documents/{}",
        df["id"].as_str().unwrap(),
        attachment["id"].as_str().unwrap()
    ));
    let assignee = uuid::Uuid::new_v4();
    let edited = patch(
        &api,
        &path,
        json!([
            { "op": "replace", "path": "/description/requisites/demandstatus", "value": "Done" },
            { "op": "add", "path": "/description/requisites/labels", "value": [{ "name": "срочно" }] },
            { "op": "add", "path": "/description/requisites/labels/-", "value": { "name": "бухгалтерия" } },
            { "op": "add", "path": "/description/requisites/comment", "value": { "text": "Собрать документы", "color": "green" } },
            { "op": "add", "path": "/description/requisites/assignees", "value": [{ "id": assignee, "email": "a@b.c" }] },
            { "op": "replace", "path": "/description/requisites/demand-number", "value": "42" },
            { "op": "replace", "path": "/description/requisites/demand-date", "value": "2024-10-01" },
        ]),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["id"], attachment["id"]);
    let r = &edited.body["description"]["requisites"];
    assert_eq!(r["demand-status"], "done");
    assert_eq!(
        r["labels"],
        json!([{ "name": "срочно" }, { "name": "бухгалтерия" }])
    );
    assert_eq!(r["comment"]["color"], "green");
    assert_eq!(r["assignees"][0]["id"], assignee.to_string());
    assert_eq!(r["demand-number"], "42");
    assert_eq!(r["demand-date"], "2024-10-01");
    assert_eq!(r["demand-knd"], "1165050", "untouched requisites stay");
    let got = api.get(&path).await.body;
    assert_eq!(got["description"]["requisites"], *r);
    let removed = patch(
        &api,
        &path,
        json!([{ "op": "remove", "path": "/description/requisites/labels/0" }]),
    )
    .await;
    assert_eq!(
        removed.body["description"]["requisites"]["labels"],
        json!([{ "name": "бухгалтерия" }])
    );

    for (ops, id) in [
        (
            json!([{ "op": "replace", "path": "/description/requisites/receipt-deadline-date", "value": "2030-01-01" }]),
            "readOnlyRequisite",
        ),
        (
            json!([{ "op": "remove", "path": "/description/requisites/demand-inn-list" }]),
            "readOnlyRequisite",
        ),
        (
            json!([{ "op": "add", "path": "/description/requisites/assignees/-", "value": { "id": uuid::Uuid::new_v4() } }]),
            "invalidRequisites",
        ),
        (
            json!([{ "op": "replace", "path": "/description/requisites/demand-status", "value": "lost" }]),
            "invalidRequisites",
        ),
        (
            json!([{ "op": "replace", "path": "/description/requisites/demand-date", "value": "01.10.2024" }]),
            "invalidRequisites",
        ),
        (
            json!([{ "op": "remove", "path": "/description/requisites/demand-number" }]),
            "invalidRequisites",
        ),
        (
            json!([{ "op": "remove", "path": "/description/requisites/labels/9" }]),
            "invalidPatch",
        ),
    ] {
        let a = patch(&api, &path, ops.clone()).await;
        assert_eq!(a.status, 400, "{ops}: {}", a.body);
        assert_eq!(a.body["id"], format!("urn:error:externapi:{id}"), "{ops}");
    }
    let main = document(&df, "fns534-demand");
    let not_a_demand = patch(
        &api,
        &api.acc(&format!(
            "/docflows/{}/documents/{}",
            df["id"].as_str().unwrap(),
            main["id"].as_str().unwrap()
        )),
        json!([{ "op": "add", "path": "/description/requisites/comment", "value": { "text": "x" } }]),
    )
    .await;
    assert_eq!(
        not_a_demand.body["id"],
        "urn:error:externapi:requisitesNotEditable"
    );
    let unknown = patch(
        &api,
        &api.acc(&format!(
            "/docflows/{}/documents/{}",
            df["id"].as_str().unwrap(),
            uuid::Uuid::new_v4()
        )),
        json!([]),
    )
    .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn the_deprecated_content_getters() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0087", &signer).await;
    let df = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    let report = document(&df, "fns534-report");
    let base = api.acc(&format!(
        "/docflows/{id}/documents/{}",
        report["id"].as_str().unwrap()
    ));
    let decrypted = api.get(&format!("{base}/decrypted-content")).await;
    assert_eq!(decrypted.status, 200, "{}", decrypted.body);
    let zipped = B64.decode(decrypted.body.as_str().unwrap()).unwrap();
    assert_eq!(
        report["description"]["compressed"], true,
        "compressed, so zipped"
    );
    assert_eq!(unzip(&zipped), report_for("0087").1);
    let encrypted = api.get(&format!("{base}/encrypted-content")).await;
    assert_eq!(encrypted.status, 200, "{}", encrypted.body);
    let variant = report["content"]["docflow-document-contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["encrypted"] == true)
        .unwrap()["content-id"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = api
        .get(&api.acc(&format!("/contents/{variant}")))
        .await
        .bytes;
    assert_eq!(
        B64.decode(encrypted.body.as_str().unwrap()).unwrap(),
        stored
    );

    let description = document(&df, "fns534-report-description");
    let none = api
        .get(&api.acc(&format!(
            "/docflows/{id}/documents/{}/encrypted-content",
            description["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(
        none.status, 404,
        "the operator's documents are not encrypted"
    );
    let unknown = api
        .get(&api.acc(&format!(
            "/docflows/{id}/documents/{}/decrypted-content",
            uuid::Uuid::new_v4()
        )))
        .await;
    assert_eq!(unknown.status, 404);
    let other = api
        .get(&foreign(&format!(
            "/docflows/{id}/documents/{}/decrypted-content",
            report["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(other.status, 403);
}

#[tokio::test]
async fn cloud_decryption_confirmed_under_the_java_name() {
    let api = Api::start().await;
    let cert = api
        .post(
            "/test-tools/v1/generate-cloud-certificate",
            json!({ "inn": INN, "kpp": KPP, "confirm-type": "sms" }),
        )
        .await;
    assert_eq!(cert.status, 200);
    let df = demand(&api).await;
    let id = df["id"].as_str().unwrap();
    let mut seen = Vec::new();
    for (kind, unzipped) in [("fns534-demand", true), ("fns534-demand-attachment", false)] {
        let base = api.acc(&format!(
            "/docflows/{id}/documents/{}",
            document(&df, kind)["id"].as_str().unwrap()
        ));
        let sealed = api.get(&format!("{base}/decrypted-content")).await;
        assert_eq!(sealed.status, 404, "not decrypted yet");
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
        let no_code = api
            .send(
                Method::POST,
                &format!("{base}/decrypt-content-confirm?requestId={request}"),
                None,
            )
            .await;
        assert_eq!(no_code.status, 400);
        let done = api
            .send(
                Method::POST,
                &format!(
                    "{base}/decrypt-content-confirm?requestId={request}&code={code}&unzip={unzipped}"
                ),
                None,
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.body);
        let bytes = B64.decode(done.body.as_str().unwrap()).unwrap();
        let plain = if unzipped { bytes } else { unzip(&bytes) };
        assert!(plain.starts_with(b"<?xml"), "the decrypted XML");
        let now = api.get(&format!("{base}/decrypted-content")).await;
        assert_eq!(now.status, 200, "decrypted now: {}", now.body);
        seen.push(plain);
    }
    assert_ne!(seen[0], seen[1]);
}

#[tokio::test]
async fn a_demand_is_recognized() {
    let api = Api::start().await;
    let df = demand(&api).await;
    let id = df["id"].as_str().unwrap();
    let attachment = document(&df, "fns534-demand-attachment");
    let plain = attachment["content"]["docflow-document-contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["compressed"] == false)
        .expect("no RSA certificate: the demand arrives readable")["content-id"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes = api.get(&api.acc(&format!("/contents/{plain}"))).await.bytes;
    let content = api.upload(&bytes).await;
    let base = api.acc(&format!(
        "/docflows/{id}/documents/{}",
        attachment["id"].as_str().unwrap()
    ));
    let r = api
        .post(
            &format!("{base}/recognize"),
            json!({ "content-id": content }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let expected = &attachment["description"]["requisites"];
    assert_eq!(r.body["demand-number"], expected["demand-number"]);
    assert_eq!(r.body["demand-knd"], "1165050");
    assert_eq!(r.body["demand-date"], expected["demand-date"]);
    assert_eq!(
        r.body["receipt-deadline-date"],
        expected["receipt-deadline-date"]
    );
    assert_eq!(
        r.body["reply-deadline-date"],
        expected["reply-deadline-date"]
    );
    assert_eq!(r.body["demand-inn-list"], json!([INN]));
    // Written into the document's requisites.
    let edited = patch(
        &api,
        &base,
        json!([{ "op": "replace", "path": "/description/requisites/demand-number", "value": "7" }]),
    )
    .await;
    assert_eq!(edited.status, 200);
    let again = api
        .post(
            &format!("{base}/recognize"),
            json!({ "content-id": content }),
        )
        .await;
    assert_eq!(again.status, 200);
    let got = api.get(&base).await.body;
    assert_eq!(
        got["description"]["requisites"]["demand-number"],
        r.body["demand-number"]
    );

    let main = document(&df, "fns534-demand");
    let unsupported = api
        .post(
            &api.acc(&format!(
                "/docflows/{id}/documents/{}/recognize",
                main["id"].as_str().unwrap()
            )),
            json!({ "content-id": content }),
        )
        .await;
    assert_eq!(
        unsupported.body["id"],
        "urn:error:externapi:recognitionUnsupported"
    );
    let missing = api
        .post(
            &format!("{base}/recognize"),
            json!({ "content-id": uuid::Uuid::new_v4() }),
        )
        .await;
    assert_eq!(missing.body["id"], "urn:error:externapi:contentNotFound");
    let scan = api.upload(b"%PDF-1.4 not a demand").await;
    let unreadable = api
        .post(&format!("{base}/recognize"), json!({ "content-id": scan }))
        .await;
    assert_eq!(
        unreadable.body["id"],
        "urn:error:externapi:recognitionFailed"
    );
    let no_body = api.post(&format!("{base}/recognize"), json!({})).await;
    assert_eq!(no_body.status, 400);
}
