//! Answering FNS demands with core's `answer_demand` against the sandbox: receipt, decryption
//! (local or cloud), check, acceptance or decline.

use extern_api_core::demand::{DemandDecision, DemandTerms};
use extern_api_core::docflow::DocflowExt;
use extern_api_core::{Error, Signer};
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
        .docflow(id)
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
    let docflow = account.docflow(id).await.unwrap();
    // The generic answer sends the receipt only: acceptance and decline are a choice.
    let (sent, docflow) = world
        .client
        .answer_due_replies(world.account, docflow, &world.signer, "127.0.0.1")
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].reply_type, extern_api_core::demand::RECEIPT);
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
    let again = account.docflow(id).await.unwrap();
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
    assert!(Signer::certificate(&cloud) == extern_api_core::Decryptor::certificate(&cloud));
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
