//! Answering FNS demands with core's `answer_demand` against the sandbox: receipt, decryption
//! (local or cloud), check, acceptance or decline.

use std::time::Duration;

use extern_api_core::model::DocflowExt;
use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_core::workflows::{DemandDecision, DemandTerms};
use extern_api_core::workflows::{InventoryDocument, InventoryRequest};
use extern_api_core::{Error, crypto::Signer, workflows::ReportFile};
use extern_api_dss::CloudSigner;
use extern_api_tests::holder::{Behaviour, SandboxHolder, cloud_certificate};
use extern_api_tests::*;

fn replies_status(d: &extern_api_core::raw::types::Docflow) -> Option<&str> {
    d.description.get("replies-status").and_then(|v| v.as_str())
}

#[tokio::test]
async fn a_sound_demand_is_received_decrypted_checked_and_accepted() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let before = world
        .client
        .account(world.account)
        .docflows()
        .get(id)
        .await
        .unwrap();
    let terms = DemandTerms::of(&before);
    assert!(
        terms.receipt_deadline.is_some() && terms.reply_deadline.is_some(),
        "{terms:?}"
    );
    assert!(terms.receipt_deadline <= terms.reply_deadline);
    assert_eq!(terms.knds, ["1165050"]);
    assert!(terms.asks_for_documents());
    let outcome = world
        .client
        .answer_demand(
            world.account,
            id,
            &world.signer,
            &decryptor,
            DemandDecision::FollowCheck,
            "127.0.0.1",
        )
        .await
        .unwrap();
    assert_eq!(outcome.decrypted, 3);
    assert!(outcome.check_codes.is_empty(), "{:?}", outcome.check_codes);
    assert_eq!(outcome.declined_with, None);
    assert_eq!(replies_status(&outcome.docflow), Some("accepted"));
    assert!(outcome.docflow.due_replies().is_empty());
    assert_eq!(outcome.terms, terms);
}

#[tokio::test]
async fn a_defective_demand_is_declined_with_the_codes_the_check_found() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let id = generate_demand(
        &world.sandbox,
        serde_json::json!({ "defect": "attachment-count" }),
    )
    .await;
    let outcome = world
        .client
        .answer_demand(
            world.account,
            id,
            &world.signer,
            &decryptor,
            DemandDecision::FollowCheck,
            "127.0.0.1",
        )
        .await
        .unwrap();
    assert_eq!(outcome.check_codes, ["0300300030"]);
    assert_eq!(
        outcome.declined_with.as_deref(),
        Some(&outcome.check_codes[..])
    );
    assert_eq!(replies_status(&outcome.docflow), Some("declined"));
}

#[tokio::test]
async fn the_steps_run_alone_and_automatic_answers_never_decide() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let account = world.client.account(world.account);
    let docflow = account.docflows().get(id).await.unwrap();
    // The generic answer sends the receipt only: acceptance and decline are a choice.
    let (sent, docflow) = world
        .client
        .answer_due_replies(world.account, docflow, &world.signer, "127.0.0.1")
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].reply_type, extern_api_core::model::DEMAND_RECEIPT);
    assert_eq!(docflow.due_replies().len(), 2, "acceptance and decline");
    // Checking before decrypting is refused by the service.
    let err = world
        .client
        .check_demand(world.account, id)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(
        world
            .client
            .decrypt_docflow(world.account, &docflow, &decryptor)
            .await
            .unwrap(),
        3
    );
    let again = account.docflows().get(id).await.unwrap();
    assert_eq!(
        world
            .client
            .decrypt_docflow(world.account, &again, &decryptor)
            .await
            .unwrap(),
        0,
        "nothing left to decrypt"
    );
    assert!(
        world
            .client
            .check_demand(world.account, id)
            .await
            .unwrap()
            .is_empty()
    );
    // An explicit decline needs codes.
    let err = world
        .client
        .answer_demand_check(
            world.account,
            again.clone(),
            Some(&[]),
            &world.signer,
            "127.0.0.1",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    let declined = world
        .client
        .answer_demand_check(
            world.account,
            again,
            Some(&["0400100005".to_string()]),
            &world.signer,
            "127.0.0.1",
        )
        .await
        .unwrap();
    assert_eq!(replies_status(&declined), Some("declined"));
}

#[tokio::test]
async fn a_cloud_certificate_answers_a_demand_unchanged() {
    let world = World::start().await;
    // Issued before the demand arrives, so the demand is encrypted for it too.
    let certificate = cloud_certificate(&world.sandbox, "sms").await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::Sms { wrong_first: 0 });
    let seen = holder.seen.clone();
    let cloud = CloudSigner::new(certificate, holder);
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let outcome = world
        .client
        .answer_demand(
            world.account,
            id,
            &cloud,
            &cloud,
            DemandDecision::Accept,
            "127.0.0.1",
        )
        .await
        .unwrap();
    assert_eq!(outcome.decrypted, 3);
    assert_eq!(replies_status(&outcome.docflow), Some("accepted"));
    let asked = seen.lock().unwrap().requests.len();
    assert_eq!(
        asked,
        3 + 2,
        "three decryptions, the receipt and the acceptance"
    );
    assert!(Signer::certificate(&cloud) == extern_api_core::crypto::Decryptor::certificate(&cloud));
}

#[tokio::test]
async fn only_demands_are_answered_as_demands() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let letter: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-cu-letter",
            world.sandbox.url()
        ))
        .header("X-Kontur-Apikey", &world.sandbox.config().api_key)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = letter["docflow-id"].as_str().unwrap().parse().unwrap();
    let err = world
        .client
        .answer_demand(
            world.account,
            id,
            &world.signer,
            &decryptor,
            DemandDecision::FollowCheck,
            "127.0.0.1",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}

fn scan(name: &str) -> ReportFile {
    ReportFile {
        name: Some(name.into()),
        content: bytes::Bytes::from(format!("%PDF-1.4 scan of {name}").into_bytes()),
    }
}

#[tokio::test]
async fn documents_asked_for_go_in_an_inventory_followed_to_its_end() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let id = generate_demand(&world.sandbox, serde_json::json!({ "knds": ["1165050"] })).await;
    world
        .client
        .answer_demand(
            world.account,
            id,
            &world.signer,
            &decryptor,
            DemandDecision::Accept,
            "127.0.0.1",
        )
        .await
        .unwrap();
    let mut contract = InventoryDocument::scanned(vec![scan("contract.pdf"), scan("annex.pdf")]);
    contract.claim_item_number = Some("1.1".into());
    contract.name = Some("Договор поставки".into());
    let notes = InventoryDocument::scanned(vec![ReportFile {
        name: Some("notes.docx".into()),
        content: bytes::Bytes::from_static(b"PK not a scan"),
    }]);
    let mut request = InventoryRequest::new(
        world.account,
        id,
        INN,
        Some(KPP.into()),
        vec![contract, notes],
    );
    request.follow_interval = Duration::from_millis(20);
    request.deadline = Duration::from_secs(60);
    let outcome = world
        .client
        .send_inventory(&request, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.refused.len(), 1);
    assert_eq!(outcome.refused[0].index, 1, "the .docx scan");
    assert_eq!(outcome.inventories.len(), 1);
    let inventory = &outcome.inventories[0];
    assert!(inventory.finished);
    assert_eq!(inventory.status, DocflowStatus::Finished);
    assert_eq!(inventory.success, SuccessState::Successful);
    assert!(
        inventory
            .replies
            .iter()
            .any(|r| r.reply_type == "fns534-inventory-receipt"),
        "{:?}",
        inventory.replies
    );
    // The inventory is tied to the demand's attachment.
    let docflow = world
        .client
        .account(world.account)
        .docflows()
        .get(inventory.docflow_id)
        .await
        .unwrap();
    assert_eq!(docflow.docflow_type().name(), "fns534-inventory");
}

#[tokio::test]
async fn labels_split_inventories_and_a_cloud_certificate_signs_them() {
    let world = World::start().await;
    let certificate = cloud_certificate(&world.sandbox, "myDSS").await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::App { deny: false });
    let mut poll = extern_api_core::api::PollPolicy::with_deadline(Duration::from_secs(30));
    poll.first_interval = Duration::from_millis(20);
    poll.max_interval = Duration::from_millis(100);
    let cloud = CloudSigner::new(certificate, holder).poll_policy(poll);
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    world
        .client
        .answer_demand(
            world.account,
            id,
            &cloud,
            &cloud,
            DemandDecision::Accept,
            "127.0.0.1",
        )
        .await
        .unwrap();
    let documents = ["2023", "2024"]
        .iter()
        .map(|year| {
            let mut d = InventoryDocument::scanned(vec![scan(&format!("act-{year}.pdf"))]);
            d.label = Some(year.to_string());
            d
        })
        .collect();
    let mut request = InventoryRequest::new(world.account, id, INN, Some(KPP.into()), documents);
    request.follow_interval = Duration::from_millis(20);
    request.deadline = Duration::from_secs(60);
    let outcome = world
        .client
        .send_inventory(&request, &cloud, None)
        .await
        .unwrap();
    assert!(outcome.refused.is_empty());
    assert_eq!(outcome.inventories.len(), 2, "one per label");
    assert!(
        outcome
            .inventories
            .iter()
            .all(|i| i.finished && i.success == SuccessState::Successful)
    );
}

#[tokio::test]
async fn an_inventory_without_usable_files_is_refused_before_any_request() {
    let world = World::start().await;
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    for documents in [
        vec![],
        vec![InventoryDocument::scanned(vec![])],
        vec![InventoryDocument::scanned(vec![ReportFile::new(
            &b"%PDF"[..],
        )])],
        vec![InventoryDocument::scanned(vec![ReportFile {
            name: Some("empty.pdf".into()),
            content: bytes::Bytes::new(),
        }])],
    ] {
        let request = InventoryRequest::new(world.account, id, INN, Some(KPP.into()), documents);
        let err = world
            .client
            .send_inventory(&request, &world.signer, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    }
}
