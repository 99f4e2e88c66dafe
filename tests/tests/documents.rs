//! The documents of drafts, docflows and inventories through core's typed handlers, against the
//! sandbox: a draft's meta, documents and signatures; a sent report's documents; a demand's
//! encrypted and decrypted contents, its recognition and requisites; inventories and the
//! docflows related to a demand; a SEDO documents request.

use std::io::Read;
use std::time::Duration;

use base64::Engine;
use extern_api_core::api::{PollPolicy, task_result, wait_task};
use extern_api_core::crypto::{Decryptor, Signer};
use extern_api_core::model::urn::DocflowType;
use extern_api_core::raw::prelude::*;
use extern_api_core::raw::types;
use extern_api_core::workflows::{DemandDecision, InventoryDocument, InventoryRequest, ReportFile};
use extern_api_core::{Error, Idempotency};
use extern_api_tests::*;
use futures::TryStreamExt;
use uuid::Uuid;

const DEMAND_ATTACHMENT: &str = "urn:document:fns534-demand-attachment";

/// The file inside a zip archive (the service zips a document before encrypting it).
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

fn document_type(doc: &types::Document) -> &str {
    doc.description
        .as_ref()
        .and_then(|d| d.type_.as_deref())
        .unwrap_or("")
}

fn is_encrypted(doc: &types::Document) -> bool {
    doc.content.as_ref().is_some_and(|c| {
        c.docflow_document_contents
            .iter()
            .any(|c| c.encrypted == Some(true))
    })
}

fn meta(world: &World) -> types::DraftMeta {
    types::DraftMeta {
        sender: Some(types::Sender {
            inn: INN.into(),
            kpp: Some(KPP.into()),
            certificate: Some(types::CertificateContent {
                content: base64::engine::general_purpose::STANDARD
                    .encode(world.signer.certificate()),
            }),
            ipaddress: Some("127.0.0.1".into()),
            is_representative: Some(false),
            name: None,
        }),
        recipient: Some(types::Recipient {
            ifns_code: Some("0087".into()),
            ..Default::default()
        }),
        payer: Some(types::Payer {
            inn: Some(INN.into()),
            organization: Some(types::PayerOrganization {
                kpp: Some(KPP.into()),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_draft_put_under_its_own_id_has_its_meta_listed_and_replaced() {
    let world = World::start().await;
    let drafts = world.client.account(world.account).drafts();
    let id = Uuid::new_v4();
    let draft = drafts.put(id, &meta(&world)).await.unwrap();
    assert_eq!(draft.id, id);
    // Put again: replaced, not duplicated.
    assert_eq!(drafts.put(id, &meta(&world)).await.unwrap().id, id);
    let other = drafts.create(&meta(&world)).await.unwrap();

    let stored = drafts.meta(id).await.unwrap();
    let sender = stored.sender.as_ref().unwrap();
    assert_eq!(sender.inn, INN);
    assert!(sender.name.is_some(), "the service names the sender");
    assert_eq!(
        stored.recipient.as_ref().unwrap().ifns_code.as_deref(),
        Some("0087")
    );

    let mut changed = meta(&world);
    changed.sender.as_mut().unwrap().ipaddress = Some("10.0.0.7".into());
    let answered = drafts.update_meta(id, &changed).await.unwrap();
    assert_eq!(
        answered.sender.as_ref().unwrap().ipaddress.as_deref(),
        Some("10.0.0.7")
    );
    let again = drafts.meta(id).await.unwrap();
    assert_eq!(
        again.sender.as_ref().unwrap().ipaddress.as_deref(),
        Some("10.0.0.7")
    );
    // A meta without a sender is refused.
    let err = drafts
        .update_meta(id, &types::DraftMeta::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");

    let page = drafts.page(0, 100).await.unwrap();
    assert_eq!(page.total, Some(2));
    let mut ids: Vec<Uuid> = page.items.iter().map(|d| d.id).collect();
    ids.sort();
    let mut expected = vec![id, other.id];
    expected.sort();
    assert_eq!(ids, expected);
    let first = drafts.page(0, 1).await.unwrap();
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.next_skip(), Some(1));
    let all: Vec<types::Draft> = drafts.all().try_collect().await.unwrap();
    assert_eq!(all.len(), 2);

    drafts.delete(other.id).await.unwrap();
    assert_eq!(drafts.page(0, 100).await.unwrap().total, Some(1));
}

#[tokio::test]
async fn a_draft_documents_content_and_signatures_are_put_got_and_deleted() {
    let world = World::start().await;
    let account = world.client.account(world.account);
    let drafts = account.drafts();
    let draft = drafts.create(&meta(&world)).await.unwrap().id;
    let report = report_for("0087").content.to_vec();
    let content = account.contents().upload_bytes(&report).await.unwrap();

    // A document under an id the client chose.
    let doc = Uuid::new_v4();
    let request = types::DocumentRequest {
        content_id: Some(content),
        ..Default::default()
    };
    let put = drafts.put_document(draft, doc, &request).await.unwrap();
    assert_eq!(put.id, doc);
    assert!(put.signatures.is_empty());
    assert_eq!(drafts.document(draft, doc).await.unwrap().id, doc);
    assert_eq!(drafts.decrypted_content(draft, doc).await.unwrap(), report);

    // Signatures under ids the client chose.
    let signature = world.signer.sign(&report).await.unwrap();
    let sig = Uuid::new_v4();
    let stored = drafts
        .put_signature(draft, doc, sig, &signature)
        .await
        .unwrap();
    assert_eq!(stored.id, sig);
    assert!(
        stored
            .signature_certificate_thumbprint
            .as_deref()
            .is_some_and(|t| !t.is_empty()),
        "the certificate inside names the signer: {stored:?}"
    );
    let got = drafts.signature(draft, doc, sig).await.unwrap();
    assert_eq!(got.id, sig);
    assert_eq!(
        got.signature_certificate_thumbprint,
        stored.signature_certificate_thumbprint
    );
    assert_eq!(
        drafts.signature_content(draft, doc, sig).await.unwrap(),
        signature
    );
    // The legacy single signature is the same one.
    assert_eq!(
        drafts.document_signature(draft, doc).await.unwrap(),
        signature
    );
    // Put again under the same id: replaced, not added.
    drafts
        .put_signature(draft, doc, sig, &signature)
        .await
        .unwrap();
    assert_eq!(
        drafts.document(draft, doc).await.unwrap().signatures.len(),
        1
    );
    drafts.delete_signature(draft, doc, sig).await.unwrap();
    let err = drafts.signature(draft, doc, sig).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = drafts.document_signature(draft, doc).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "no signature left: {err}");

    // The legacy setter makes the raw signature the document's only one.
    drafts
        .put_document_signature(draft, doc, &signature)
        .await
        .unwrap();
    let document = drafts.document(draft, doc).await.unwrap();
    assert_eq!(document.signatures.len(), 1);
    assert_eq!(
        drafts.document_signature(draft, doc).await.unwrap(),
        signature
    );
    assert_eq!(
        drafts
            .signature_content(draft, doc, document.signatures[0].id)
            .await
            .unwrap(),
        signature
    );

    // New content: stored as given; the old signature no longer matches and goes.
    let edited = [report.as_slice(), b"<!-- edited -->\n"].concat();
    drafts
        .put_decrypted_content(draft, doc, &edited)
        .await
        .unwrap();
    assert_eq!(drafts.decrypted_content(draft, doc).await.unwrap(), edited);
    assert!(
        drafts
            .document(draft, doc)
            .await
            .unwrap()
            .signatures
            .is_empty()
    );

    // Nothing is encrypted before the draft is prepared.
    let err = drafts.encrypted_content(draft, doc).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");

    drafts.delete_document(draft, doc).await.unwrap();
    let err = drafts.document(draft, doc).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = drafts.delete_document(draft, doc).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn a_sent_reports_documents_are_listed_each_gettable_and_encrypted() {
    let world = World::start().await;
    let outcome = world
        .client
        .send_report(&report_request(&world), &world.signer, None)
        .await
        .unwrap();
    let account = world.client.account(world.account);
    let docflows = account.docflows();
    let docflow = docflows.get(outcome.docflow_id).await.unwrap();
    let documents = docflows.documents(outcome.docflow_id).await.unwrap();
    assert!(!documents.is_empty());
    assert_eq!(
        documents.iter().map(|d| d.id).collect::<Vec<_>>(),
        docflow.documents.iter().map(|d| d.id).collect::<Vec<_>>()
    );
    let mut encrypted = 0;
    for listed in &documents {
        let one = docflows
            .document(outcome.docflow_id, listed.id)
            .await
            .unwrap();
        assert_eq!(one.id, listed.id);
        assert_eq!(document_type(&one), document_type(listed));
        if is_encrypted(&one) {
            let sealed = docflows
                .encrypted_content(outcome.docflow_id, one.id)
                .await
                .unwrap();
            assert_eq!(sealed.first(), Some(&0x30), "a CMS envelope (DER)");
            encrypted += 1;
        } else {
            let err = docflows
                .encrypted_content(outcome.docflow_id, one.id)
                .await
                .unwrap_err();
            assert_eq!(err.status(), Some(404), "{err}");
        }
    }
    assert!(encrypted > 0, "the report went encrypted");
    let err = docflows
        .document(outcome.docflow_id, Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");

    // The sent draft keeps what it sent, encrypted for the inspection.
    let draft = account.drafts().get(outcome.draft_id).await.unwrap();
    let document = extern_api_core::model::link_id(&draft.documents[0]).unwrap();
    let sealed = account
        .drafts()
        .encrypted_content(outcome.draft_id, document)
        .await
        .unwrap();
    assert_eq!(sealed.first(), Some(&0x30), "a CMS envelope (DER)");

    // A comment on the report's docflow.
    let comment = types::JsonPatchOperation {
        from: None,
        op: "replace".into(),
        path: "/description/requisites/comment".into(),
        value: Some(serde_json::json!({ "text": "проверено", "color": "green" })),
    };
    let patched = docflows
        .patch(outcome.docflow_id, &[comment])
        .await
        .unwrap();
    assert_eq!(
        patched.description["requisites"]["comment"],
        serde_json::json!({ "text": "проверено", "color": "green" })
    );
    let err = docflows
        .patch(
            outcome.docflow_id,
            &[types::JsonPatchOperation {
                from: None,
                op: "replace".into(),
                path: "/description/requisites/demand-knd".into(),
                value: Some(serde_json::json!("1165050")),
            }],
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "only a letter moves: {err}");
}

#[tokio::test]
async fn a_demands_encrypted_content_opens_and_its_decrypted_content_follows_decryption() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let docflows = world.client.account(world.account).docflows();
    let docflow = docflows.get(id).await.unwrap();
    let sealed_docs: Vec<&types::Document> = docflow
        .documents
        .iter()
        .filter(|d| is_encrypted(d))
        .collect();
    assert_eq!(sealed_docs.len(), 3);
    let mut opened = Vec::new();
    for doc in &sealed_docs {
        let sealed = docflows.encrypted_content(id, doc.id).await.unwrap();
        let plain = unzip(&decryptor.decrypt(&sealed).await.unwrap());
        assert!(plain.starts_with(b"<?xml"));
        // Not decrypted yet: the service has no plain content to give.
        let err = docflows.decrypted_content(id, doc.id).await.unwrap_err();
        assert_eq!(err.status(), Some(404), "{err}");
        opened.push((doc.id, plain));
    }

    assert_eq!(
        world
            .client
            .decrypt_docflow(world.account, &docflow, &decryptor)
            .await
            .unwrap(),
        3
    );
    for (doc, plain) in &opened {
        let decrypted = docflows.decrypted_content(id, *doc).await.unwrap();
        assert_eq!(&unzip(&decrypted), plain, "document {doc}");
    }
    // No docflow answers the demand yet.
    let attachment = docflow
        .documents
        .iter()
        .find(|d| document_type(d) == DEMAND_ATTACHMENT)
        .unwrap();
    let related = docflows
        .related(id, attachment.id, &[], 0, 100)
        .await
        .unwrap();
    assert!(related.items.is_empty());
    assert_eq!(related.total, Some(0));
}

#[tokio::test]
async fn a_scanned_demand_is_recognized_and_its_requisites_edited() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let account = world.client.account(world.account);
    let docflows = account.docflows();
    let docflow = docflows.get(id).await.unwrap();
    let attachment = docflow
        .documents
        .iter()
        .find(|d| document_type(d) == DEMAND_ATTACHMENT)
        .unwrap();
    assert_eq!(
        attachment
            .description
            .as_ref()
            .and_then(|d| d.support_recognition),
        Some(true)
    );
    // The demand's file as the subscriber has it (a scan of it, to the service).
    let sealed = docflows.encrypted_content(id, attachment.id).await.unwrap();
    let file = unzip(&decryptor.decrypt(&sealed).await.unwrap());
    let content = account.contents().upload_bytes(&file).await.unwrap();

    let recognized = docflows
        .recognize(id, attachment.id, content)
        .await
        .unwrap();
    assert_eq!(
        recognized.demand_number.as_deref(),
        docflow.description["demand-number"].as_str()
    );
    assert_eq!(recognized.demand_knd.as_deref(), Some("1165050"));
    assert_eq!(recognized.demand_inn_list, [INN]);
    assert!(recognized.demand_date.is_some());
    assert!(recognized.receipt_deadline_date <= recognized.reply_deadline_date);
    assert!(recognized.reply_deadline_date.is_some());
    // The result is written into the document's requisites.
    let document = docflows.document(id, attachment.id).await.unwrap();
    let requisites = &document.description.as_ref().unwrap().requisites;
    assert_eq!(
        requisites["demand-number"].as_str(),
        recognized.demand_number.as_deref()
    );
    // Only a demand attachment is recognized.
    let other = docflow
        .documents
        .iter()
        .find(|d| document_type(d) != DEMAND_ATTACHMENT)
        .unwrap();
    let err = docflows.recognize(id, other.id, content).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");

    // The demand's requisites: a comment and its status.
    let operations = [
        types::JsonPatchOperation {
            from: None,
            op: "replace".into(),
            path: "/description/requisites/comment".into(),
            value: Some(serde_json::json!({ "text": "ответить до пятницы", "color": "red" })),
        },
        types::JsonPatchOperation {
            from: None,
            op: "replace".into(),
            path: "/description/requisites/demand-status".into(),
            value: Some(serde_json::json!("done")),
        },
    ];
    let patched = docflows
        .patch_document(id, attachment.id, &operations)
        .await
        .unwrap();
    let requisites = &patched.description.as_ref().unwrap().requisites;
    assert_eq!(requisites["comment"]["text"], "ответить до пятницы");
    assert_eq!(requisites["demand-status"], "done");
    let again = docflows.document(id, attachment.id).await.unwrap();
    assert_eq!(
        again.description.as_ref().unwrap().requisites["demand-status"],
        "done"
    );
    // A demand's comments go on its documents, not on the docflow.
    let err = docflows.patch(id, &operations[..1]).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

fn scan(name: &str) -> ReportFile {
    ReportFile {
        name: Some(name.into()),
        content: bytes::Bytes::from(format!("%PDF-1.4 scan of {name}").into_bytes()),
    }
}

#[tokio::test]
async fn an_inventory_is_listed_got_and_printed_from_the_demand_it_answers() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let demand = generate_demand(&world.sandbox, serde_json::json!({ "knds": ["1165050"] })).await;
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
    let mut request = InventoryRequest::new(
        world.account,
        demand,
        INN,
        Some(KPP.into()),
        vec![InventoryDocument::scanned(vec![scan("contract.pdf")])],
    );
    request.follow_interval = Duration::from_millis(20);
    request.deadline = Duration::from_secs(60);
    let outcome = world
        .client
        .send_inventory(&request, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.inventories.len(), 1);
    let inventory_id = outcome.inventories[0].docflow_id;

    let docflows = world.client.account(world.account).docflows();
    let inventory_docflow = docflows.get(inventory_id).await.unwrap();
    let related_document: Uuid = inventory_docflow.description["related-document-id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let attachment = docflows.document(demand, related_document).await.unwrap();
    assert_eq!(document_type(&attachment), DEMAND_ATTACHMENT);

    let inventories = docflows.inventories(demand, related_document);
    let page = inventories.page(0, 100).await.unwrap();
    assert_eq!(
        page.items.iter().map(|d| d.id).collect::<Vec<_>>(),
        [inventory_id]
    );
    assert_eq!(page.total, Some(1));
    let all: Vec<types::DocflowPageItem> = inventories.all().try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
    let inventory = inventories.get(inventory_id).await.unwrap();
    assert_eq!(inventory.id, inventory_id);
    assert_eq!(inventory.documents.len(), inventory_docflow.documents.len());
    let err = inventories.get(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    // Another document of the demand has no inventory.
    let other = docflows
        .documents(demand)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.id != related_document)
        .unwrap();
    let none = docflows
        .inventories(demand, other.id)
        .page(0, 100)
        .await
        .unwrap();
    assert!(none.items.is_empty());
    let err = docflows
        .inventories(demand, other.id)
        .get(inventory_id)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");

    // The related docflows of the attachment: the inventory, by any type or by its own.
    let related = docflows
        .related(demand, related_document, &[], 0, 100)
        .await
        .unwrap();
    assert!(related.items.iter().any(|d| d.id == inventory_id));
    let typed = docflows
        .related(
            demand,
            related_document,
            &[DocflowType::Fns534Inventory],
            0,
            100,
        )
        .await
        .unwrap();
    assert_eq!(
        typed.items.iter().map(|d| d.id).collect::<Vec<_>>(),
        [inventory_id]
    );

    // Printing a document of the inventory: a task whose result is the PDF's content.
    let document = inventory.documents[0].id;
    let task = inventories
        .print(inventory_id, document, None)
        .await
        .unwrap();
    let mut poll = PollPolicy::with_deadline(Duration::from_secs(30));
    poll.first_interval = Duration::from_millis(20);
    let done = wait_task(&poll, || {
        inventories.document_task(inventory_id, document, task)
    })
    .await
    .unwrap();
    let result = task_result(done).unwrap();
    let pdf: Uuid = result["content-id"].as_str().unwrap().parse().unwrap();
    let mut bytes = Vec::new();
    world
        .client
        .account(world.account)
        .contents()
        .download(pdf, &mut bytes, &Default::default())
        .await
        .unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let err = inventories
        .document_task(inventory_id, document, Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");

    // Cloud decryption needs a document encrypted for a cloud certificate of the organization:
    // these went to the inspection.
    let err = inventories
        .decrypt_content(inventory_id, document)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

#[tokio::test]
async fn a_sedo_documents_request_is_got_back() {
    let world = World::start().await;
    let generated: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-sedo-docflow",
            world.sandbox.url()
        ))
        .header("X-Kontur-Apikey", &world.sandbox.config().api_key)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    let docflow: Uuid = generated["docflow-id"].as_str().unwrap().parse().unwrap();
    let body = types::GenerateDocumentsRequestRequest {
        certificate_base64: base64::engine::general_purpose::STANDARD
            .encode(world.signer.certificate()),
        machine_readable_warrant_id: None,
    };
    let body = &body;
    let account = world.account;
    let request = world
        .client
        .call(Idempotency::Once, move |c| async move {
            c.docflows_generate_documents_request()
                .account_id(account)
                .docflow_id(docflow)
                .body(body.clone())
                .send()
                .await
        })
        .await
        .unwrap()
        .into_inner();
    let docflows = world.client.account(world.account).docflows();
    let got = docflows
        .documents_request(docflow, request.id.unwrap())
        .await
        .unwrap();
    assert_eq!(got.id, request.id);
    assert_eq!(got.docflow_id, Some(docflow));
    assert_eq!(got.data_to_sign, request.data_to_sign);
    assert!(got.signature.is_none(), "not signed yet");
    let err = docflows
        .documents_request(docflow, Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
}
