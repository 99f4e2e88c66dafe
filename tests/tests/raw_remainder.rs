//! The operations core wrapped last (issue 18), through its typed handlers against the sandbox: a
//! docflow document's description and signatures, a reply read and its content replaced, an
//! inventory's documents (signatures, contents, cloud decryption) and its replies (generated,
//! signed locally and in the cloud, sent), the MVD data-to-sign step, the hand-over to the web UI,
//! a Gosuslugi authorization and the demands' assignees.

use std::io::Read;
use std::time::{Duration, Instant};

use extern_api_core::Error;
use extern_api_core::api::{DraftTask, PollPolicy, wait_task};
use extern_api_core::crypto::{Decryptor, Signer};
use extern_api_core::model::DocflowExt;
use extern_api_core::raw::types;
use extern_api_core::workflows::{DemandDecision, InventoryDocument, InventoryRequest, ReportFile};
use extern_api_sandbox::{RobotTimings, SandboxConfig};
use extern_api_tests::holder::cloud_certificate;
use extern_api_tests::*;
use serde_json::json;
use uuid::Uuid;

const DEMAND_ATTACHMENT: &str = "urn:document:fns534-demand-attachment";

fn unzip(bytes: &[u8]) -> Vec<u8> {
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip archive");
    let mut plain = Vec::new();
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .unwrap()
        .by_index(0)
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    plain
}

fn b64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn document_type(doc: &types::Document) -> &str {
    doc.description
        .as_ref()
        .and_then(|d| d.type_.as_deref())
        .unwrap_or("")
}

/// The SMS code of a pending cloud operation, as the holder would get it.
async fn cloud_code(world: &World, request_id: &str) -> String {
    let answer: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/test-tools/v1/cloud-confirmation-code?request-id={request_id}",
            world.sandbox.url()
        ))
        .header("X-Kontur-Apikey", &world.sandbox.config().api_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["code"].as_str().unwrap().to_string()
}

fn quick_poll() -> PollPolicy {
    let mut poll = PollPolicy::with_deadline(Duration::from_secs(30));
    poll.first_interval = Duration::from_millis(20);
    poll
}

#[tokio::test]
async fn a_docflow_documents_description_and_signatures_are_read_alone() {
    let world = World::start().await;
    let outcome = world
        .client
        .send_report(&report_request(&world), &world.signer, None)
        .await
        .unwrap();
    let docflows = world.client.account(world.account).docflows();
    let id = outcome.docflow_id;
    let mut signed = 0;
    for doc in docflows.documents(id).await.unwrap() {
        let description = docflows.document_description(id, doc.id).await.unwrap();
        let listed = serde_json::to_value(doc.description.as_ref().unwrap()).unwrap();
        assert_eq!(serde_json::to_value(&description).unwrap(), listed);
        assert!(description.type_.is_some() && description.filename.is_some());
        let signatures = docflows.signatures(id, doc.id).await.unwrap();
        assert_eq!(
            signatures.iter().map(|s| s.id).collect::<Vec<_>>(),
            doc.signatures.iter().map(|s| s.id).collect::<Vec<_>>()
        );
        for listed in &signatures {
            let one = docflows.signature(id, doc.id, listed.id).await.unwrap();
            assert_eq!(one.id, listed.id);
            assert_eq!(one.title, listed.title);
            let bytes = docflows
                .signature_content(id, doc.id, listed.id)
                .await
                .unwrap();
            assert_eq!(bytes.first(), Some(&0x30), "a CMS signature (DER)");
            signed += 1;
        }
        let err = docflows
            .signature(id, doc.id, Uuid::new_v4())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(404), "{err}");
    }
    assert!(signed > 0, "the report and the answers are signed");
    let err = docflows
        .document_description(id, Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = docflows.signatures(id, Uuid::new_v4()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn a_replys_content_is_replaced_and_read_back() {
    let world = World::start().await;
    let demand = generate_demand(&world.sandbox, json!({})).await;
    let account = world.client.account(world.account);
    let due = account.docflows().get(demand).await.unwrap().due_replies();
    let due = due.first().expect("a demand waits for its answer");
    let replies = account.replies(demand, due.document_id);
    let generated = replies
        .generate(&due.reply_type, world.signer.certificate(), &[])
        .await
        .unwrap();
    let got = replies.get(generated.id).await.unwrap();
    assert_eq!(got.id, generated.id);
    assert_eq!(got.content, generated.content);
    assert_eq!(got.signature, None);

    // Signed, then the content replaced: the signature over the old content goes.
    let old = b64(generated.content.as_deref().unwrap());
    replies
        .put_signature(generated.id, &world.signer.sign(&old).await.unwrap())
        .await
        .unwrap();
    assert!(replies.get(generated.id).await.unwrap().signature.is_some());
    let new = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"edited\"/>\n";
    let replaced = replies
        .put_content(generated.id, new.as_bytes())
        .await
        .unwrap();
    assert_eq!(b64(replaced.content.as_deref().unwrap()), new.as_bytes());
    assert_eq!(replaced.signature, None);
    let got = replies.get(generated.id).await.unwrap();
    assert_eq!(b64(got.content.as_deref().unwrap()), new.as_bytes());
    assert_eq!(got.signature, None);

    let empty = replies.put_content(generated.id, b"").await.unwrap_err();
    assert_eq!(empty.status(), Some(400), "{empty}");
    assert_eq!(
        empty.error_id(),
        Some("urn:error:externapi:emptyContent"),
        "{empty}"
    );
    let err = replies.get(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn an_inventorys_answer_is_read_decrypted_and_replied_to() {
    // The acceptance comes an hour (of the sandbox clock) after the send: the workflow is over
    // before it is due, and the clock is moved on to it below.
    let config = SandboxConfig {
        robots: RobotTimings {
            receipt_ms: 0,
            acceptance_ms: 3_600_000,
            processing_ms: 0,
        },
        ..SandboxConfig::for_tests()
    };
    let world = World::start_with(config, |b| b).await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    // Cloud certificates of the organization: the answers are encrypted for them too.
    let sms = cloud_certificate(&world.sandbox, "sms").await;
    let app = cloud_certificate(&world.sandbox, "myDSS").await;
    let demand = generate_demand(&world.sandbox, json!({ "knds": ["1165050"] })).await;
    world
        .client
        .answer_demand(
            world.account,
            demand,
            &world.signer,
            &decryptor,
            DemandDecision::Accept,
            "127.0.0.1",
        )
        .await
        .unwrap();
    // Sent and not followed past the send: the acceptance's receipt is left to the handlers below.
    let mut request = InventoryRequest::new(
        world.account,
        demand,
        INN,
        Some(KPP.into()),
        vec![InventoryDocument::scanned(vec![ReportFile {
            name: Some("contract.pdf".into()),
            content: bytes::Bytes::from_static(b"%PDF-1.4 scan of contract.pdf"),
        }])],
    );
    request.deadline = Duration::ZERO;
    let outcome = world
        .client
        .send_inventory(&request, &world.signer, None)
        .await
        .unwrap();
    let inventory = outcome.inventories[0].docflow_id;
    world.sandbox.advance_clock(Duration::from_secs(3_601));
    let docflows = world.client.account(world.account).docflows();
    let started = Instant::now();
    let (docflow, due) = loop {
        let d = docflows.get(inventory).await.unwrap();
        if let Some(due) = d.due_replies().into_iter().next() {
            break (d, due);
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no answer came: {:?} {:?} {:?}",
            d.status,
            d.documents.iter().map(document_type).collect::<Vec<_>>(),
            outcome.inventories[0].replies
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let attachment: Uuid = docflow.description["related-document-id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        document_type(&docflows.document(demand, attachment).await.unwrap()),
        DEMAND_ATTACHMENT
    );
    let inventories = docflows.inventories(demand, attachment);
    let answer = due.document_id;

    // Its signatures, as the inventory's own docflow lists them.
    let signatures = inventories.signatures(inventory, answer).await.unwrap();
    assert!(!signatures.is_empty());
    assert_eq!(
        signatures.iter().map(|s| s.id).collect::<Vec<_>>(),
        docflows
            .signatures(inventory, answer)
            .await
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>()
    );
    let bytes = inventories
        .signature_content(inventory, answer, signatures[0].id)
        .await
        .unwrap();
    assert_eq!(
        bytes,
        docflows
            .signature_content(inventory, answer, signatures[0].id)
            .await
            .unwrap()
    );

    // Decrypted by the client and stored: the plain content is then served.
    let err = inventories
        .decrypted_content(inventory, answer)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "not decrypted yet: {err}");
    let sealed = inventories
        .encrypted_content(inventory, answer)
        .await
        .unwrap();
    let plain = unzip(&decryptor.decrypt(&sealed).await.unwrap());
    assert!(plain.starts_with(b"<?xml"));
    let uploaded = world
        .client
        .account(world.account)
        .contents()
        .upload_bytes(&plain)
        .await
        .unwrap();
    let saved = inventories
        .save_decrypted_content(inventory, answer, uploaded)
        .await
        .unwrap();
    assert!(saved.content_id.is_some());
    assert_eq!(
        inventories
            .decrypted_content(inventory, answer)
            .await
            .unwrap(),
        plain
    );
    let wrong = world
        .client
        .account(world.account)
        .contents()
        .upload_bytes(b"<?xml version=\"1.0\"?><other/>")
        .await
        .unwrap();
    let err = inventories
        .save_decrypted_content(inventory, answer, wrong)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");

    // Decrypted in the cloud, confirmed either way.
    let init = inventories
        .decrypt_content(inventory, answer)
        .await
        .unwrap();
    let request_id = init.request_id.unwrap();
    let code = cloud_code(&world, &request_id).await;
    let confirmed = inventories
        .confirm_content_decryption(inventory, answer, &request_id, &code)
        .await
        .unwrap();
    assert_eq!(confirmed.decrypted_documents.len(), 1);
    let err = inventories
        .confirm_content_decryption(inventory, answer, &request_id, &code)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "a code is used once: {err}");
    let init = inventories
        .decrypt_content(inventory, answer)
        .await
        .unwrap();
    let request_id = init.request_id.unwrap();
    let code = cloud_code(&world, &request_id).await;
    let wrong = inventories
        .decrypt_content_confirm(inventory, answer, &request_id, "000000x", true)
        .await
        .unwrap_err();
    assert_eq!(wrong.status(), Some(400), "{wrong}");
    let opened = inventories
        .decrypt_content_confirm(inventory, answer, &request_id, &code, true)
        .await
        .unwrap();
    assert_eq!(opened, plain);

    // Replies: one signed in the cloud by SMS, one in the app, one locally.
    let replies = inventories.replies(inventory, answer);
    let by_sms = replies.generate(&due.reply_type, &sms).await.unwrap();
    let in_app = replies.generate(&due.reply_type, &app).await.unwrap();
    let local = replies
        .generate(&due.reply_type, world.signer.certificate())
        .await
        .unwrap();
    assert_eq!(replies.get(local.id).await.unwrap().id, local.id);
    let content = b64(local.content.as_deref().unwrap());
    let replaced = replies.put_content(local.id, &content).await.unwrap();
    assert_eq!(replaced.signature, None);
    let stored = replies
        .put_signature(local.id, &world.signer.sign(&content).await.unwrap())
        .await
        .unwrap();
    assert!(stored.signature.is_some());
    let err = replies.cloud_sign(local.id, false).await.unwrap_err();
    assert_eq!(
        err.error_id(),
        Some("urn:error:externapi:notCloudCertificate"),
        "{err}"
    );

    let init = replies.cloud_sign(by_sms.id, false).await.unwrap();
    assert_eq!(init.confirm_type.as_deref(), Some("sms"));
    let request_id = init.request_id.unwrap();
    let code = cloud_code(&world, &request_id).await;
    let signed = replies
        .cloud_sign_confirm(by_sms.id, &request_id, &code)
        .await
        .unwrap();
    assert_eq!(signed.signed_documents.len(), 1);
    assert!(replies.get(by_sms.id).await.unwrap().signature.is_some());

    let init = replies.cloud_sign(in_app.id, false).await.unwrap();
    assert_eq!(init.confirm_type.as_deref(), Some("myDSS"));
    let task = replies
        .task(in_app.id, init.task_id.unwrap())
        .await
        .unwrap();
    assert_eq!(task.task_state.as_deref(), Some("running"));
    let err = replies
        .cloud_sign_confirm(in_app.id, init.request_id.as_deref().unwrap(), "123456")
        .await
        .unwrap_err();
    assert_eq!(
        err.error_id(),
        Some("urn:error:externapi:confirmInApp"),
        "{err}"
    );
    let err = replies.task(in_app.id, Uuid::new_v4()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");

    // The receipt signed in the cloud goes; the other one is then no longer due.
    let after = replies.send(by_sms.id, "127.0.0.1").await.unwrap();
    assert_eq!(after.id, inventory);
    assert!(after.due_replies().is_empty(), "{:?}", after.due_replies());
    let err = replies.send(local.id, "127.0.0.1").await.unwrap_err();
    assert_eq!(
        err.error_id(),
        Some("urn:error:externapi:replyNotAvailable"),
        "{err}"
    );
    let err = replies
        .generate(&due.reply_type, world.signer.certificate())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    // An inventory that does not answer this attachment has none of it.
    let err = docflows
        .inventories(demand, Uuid::new_v4())
        .replies(inventory, answer)
        .get(local.id)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

/// A draft to `recipient` from the seeded organization.
async fn draft_to(world: &World, recipient: types::Recipient) -> Uuid {
    let meta = types::DraftMeta {
        sender: Some(types::Sender {
            inn: INN.into(),
            kpp: Some(KPP.into()),
            certificate: None,
            ipaddress: Some("127.0.0.1".into()),
            is_representative: Some(false),
            name: None,
        }),
        recipient: Some(recipient),
        payer: Some(types::Payer {
            inn: Some(INN.into()),
            organization: Some(types::PayerOrganization {
                kpp: Some(KPP.into()),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    world
        .client
        .account(world.account)
        .drafts()
        .create(&meta)
        .await
        .unwrap()
        .id
}

/// A document of `content`, typed when `doc_type` is given.
async fn add_document(
    world: &World,
    draft: Uuid,
    content: &[u8],
    doc_type: Option<&str>,
    filename: &str,
) -> Uuid {
    let account = world.client.account(world.account);
    let content = account.contents().upload_bytes(content).await.unwrap();
    let request = types::DocumentRequest {
        content_id: Some(content),
        description: Some(types::DocumentDescriptionRequest {
            type_: doc_type.map(String::from),
            filename: Some(filename.into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    account
        .drafts()
        .add_document(draft, &request)
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn an_mvd_notification_gets_its_order_id_once_checked() {
    let world = World::start().await;
    let account = world.client.account(world.account);
    let drafts = account.drafts();
    let draft = draft_to(
        &world,
        types::Recipient {
            mvd_code: Some("1234".into()),
            ..Default::default()
        },
    )
    .await;
    let notice = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Уведомление Вид=\"прием\"><Работник/></Уведомление>";
    let doc = add_document(
        &world,
        draft,
        notice.as_bytes(),
        Some("urn:document:mvd-notification"),
        "notice.xml",
    )
    .await;
    let early = drafts.prepare_data_to_sign(draft, doc).await.unwrap_err();
    assert_eq!(
        early.error_id(),
        Some("urn:error:externapi:draftIsNotChecked"),
        "{early}"
    );

    let task = drafts.start(draft, DraftTask::Check).await.unwrap();
    wait_task(&quick_poll(), || drafts.task(draft, task))
        .await
        .unwrap();
    let prepared = drafts.prepare_data_to_sign(draft, doc).await.unwrap();
    let content = prepared.decrypted_content_id.unwrap();
    let mut stamped = Vec::new();
    account
        .contents()
        .download(content, &mut stamped, &Default::default())
        .await
        .unwrap();
    let stamped = String::from_utf8(stamped).unwrap();
    assert!(stamped.contains("<Уведомление OrderId=\""), "{stamped}");
    assert_eq!(
        drafts.decrypted_content(draft, doc).await.unwrap(),
        stamped.as_bytes()
    );
    let again = drafts.prepare_data_to_sign(draft, doc).await.unwrap();
    assert_ne!(again.decrypted_content_id, Some(content), "a new OrderId");

    let err = drafts
        .prepare_data_to_sign(draft, Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    // An MVD draft does not go to the web UI.
    let err = drafts.create_web_draft(draft).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

#[tokio::test]
async fn a_report_draft_is_handed_over_to_the_web_ui_once() {
    let world = World::start().await;
    let drafts = world.client.account(world.account).drafts();
    let inspection = || types::Recipient {
        ifns_code: Some("0087".into()),
        ..Default::default()
    };
    let draft = draft_to(&world, inspection()).await;
    let report = report_for("0087");
    add_document(
        &world,
        draft,
        &report.content,
        None,
        std::path::Path::new(REPORT)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap(),
    )
    .await;
    drafts.create_web_draft(draft).await.unwrap();
    assert_eq!(
        drafts.get(draft).await.unwrap().status.as_deref(),
        Some("transferred-to-web")
    );
    let again = drafts.create_web_draft(draft).await.unwrap_err();
    assert_eq!(
        again.error_id(),
        Some("urn:error:externapi:draftStatusIsNotSuitable"),
        "{again}"
    );
    let err = drafts.create_web_draft(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn an_employee_is_authorized_on_gosuslugi() {
    let world = World::start().await;
    let organizations = world.client.account(world.account).organizations();
    let org = organizations
        .page(Some(INN), Some(KPP), 0, 10)
        .await
        .unwrap()
        .items[0]
        .id;
    let uid = "0123456789abcdef0123456789abcdef";
    let signature = world.signer.sign(uid.as_bytes()).await.unwrap();
    organizations
        .gosuslugi_auth(org, uid, &signature)
        .await
        .unwrap();
    // A fresh signature refreshes it.
    let fresh = world.signer.sign(uid.as_bytes()).await.unwrap();
    organizations
        .gosuslugi_auth(org, uid, &fresh)
        .await
        .unwrap();

    let blank = organizations
        .gosuslugi_auth(org, " ", &signature)
        .await
        .unwrap_err();
    assert!(matches!(blank, Error::InvalidInput(_)), "{blank}");
    let short = organizations
        .gosuslugi_auth(org, "short", &signature)
        .await
        .unwrap_err();
    assert_eq!(
        short.error_id(),
        Some("urn:error:externapi:invalidGosuslugiUid"),
        "{short}"
    );
    let other = world.signer.sign(b"another key").await.unwrap();
    let err = organizations
        .gosuslugi_auth(org, uid, &other)
        .await
        .unwrap_err();
    assert_eq!(
        err.error_id(),
        Some("urn:error:externapi:invalidSignature"),
        "{err}"
    );
    let err = organizations
        .gosuslugi_auth(Uuid::new_v4(), uid, &signature)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn the_demands_assignees_are_listed_and_one_is_assigned() {
    let world = World::start().await;
    let docflows = world.client.account(world.account).docflows();
    let listed = docflows.demands_assignees().await.unwrap();
    let assignees = listed.0["assignees"].as_array().unwrap().clone();
    assert_eq!(assignees.len(), 1, "{assignees:?}");
    let login = &world.sandbox.config().login;
    if login.contains('@') {
        assert_eq!(assignees[0]["email"].as_str(), Some(login.as_str()));
    }
    assert!(assignees[0]["id"].as_str().unwrap().parse::<Uuid>().is_ok());
    assert_eq!(
        docflows.demands_assignees().await.unwrap().0,
        listed.0,
        "the same ids every time"
    );

    // An assignee goes into a demand's requisites as listed.
    let demand = generate_demand(&world.sandbox, json!({})).await;
    let attachment = docflows
        .documents(demand)
        .await
        .unwrap()
        .into_iter()
        .find(|d| document_type(d) == DEMAND_ATTACHMENT)
        .unwrap();
    let patched = docflows
        .patch_document(
            demand,
            attachment.id,
            &[types::JsonPatchOperation {
                from: None,
                op: "replace".into(),
                path: "/description/requisites/assignees".into(),
                value: Some(json!([assignees[0]])),
            }],
        )
        .await
        .unwrap();
    assert_eq!(
        patched.description.as_ref().unwrap().requisites["assignees"],
        json!([assignees[0]])
    );
}
