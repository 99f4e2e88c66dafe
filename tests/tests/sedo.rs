//! `answer_sedo` against the sandbox: an incoming SEDO docflow from the Social Fund arrives
//! without its document, is requested with a raw-signed documents request, delivered, read and
//! finished.

use extern_api_core::Error;
use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_tests::*;

/// A `kind` SEDO docflow arriving for the seeded organization (the sandbox's test tools).
async fn arriving(world: &World, kind: &str) -> uuid::Uuid {
    let body = serde_json::json!({ "type": kind, "registration-number": "6601234567" });
    generate_incoming(&world.sandbox, "generate-sedo-docflow", body).await
}

#[tokio::test]
async fn a_sick_leave_notice_is_requested_read_and_finished() {
    let world = World::start().await;
    let docflow = arriving(&world, "fss-sedo-sick-report-change-notification").await;
    let outcome = world
        .client
        .answer_sedo(world.account, docflow, &world.signer, "8.8.8.8", None)
        .await
        .unwrap();
    assert!(outcome.documents_request_id.is_some());
    assert_eq!(outcome.replies.len(), 1, "{:?}", outcome.replies);
    assert_eq!(
        outcome.replies[0].reply_type,
        "fss-sedo-sick-report-change-notification-receipt"
    );
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);

    // Answered already: nothing more is requested or sent.
    let again = world
        .client
        .answer_sedo(world.account, docflow, &world.signer, "8.8.8.8", None)
        .await
        .unwrap();
    assert!(again.documents_request_id.is_none());
    assert!(again.replies.is_empty());
    assert_eq!(again.status, DocflowStatus::Finished);
}

#[tokio::test]
async fn a_proactive_payment_demand_is_answered_too() {
    let world = World::start().await;
    let docflow = arriving(&world, "fss-sedo-proactive-payments-demand").await;
    let outcome = world
        .client
        .answer_sedo(world.account, docflow, &world.signer, "8.8.8.8", None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(
        outcome.replies[0].reply_type,
        "fss-sedo-proactive-payments-demand-receipt"
    );
}

#[tokio::test]
async fn a_docflow_that_is_not_sedo_is_refused() {
    let world = World::start().await;
    let sent = world
        .client
        .send_report(&report_request(&world), &world.signer, None)
        .await
        .unwrap();
    let e = world
        .client
        .answer_sedo(
            world.account,
            sent.docflow_id,
            &world.signer,
            "8.8.8.8",
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:#}");
}

/// A ПОВЭД request (a SOAP request; its content is the sandbox's own, no vendor sample exists).
const OVED_REQUEST: &str = r#"<?xml version="1.0" encoding="utf-8"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><povedRequest regNumber="087-101-872962" year="2026"><okved>85.11</okved></povedRequest></S:Body></S:Envelope>"#;

/// A ПОВЭД draft with its request added: the draft's id and the document as answered.
async fn oved_draft(world: &World) -> (uuid::Uuid, extern_api_core::raw::types::DraftDocument) {
    use base64::Engine;
    use extern_api_core::crypto::Signer;
    let account = world.client.account(world.account);
    let drafts = account.drafts();
    let meta = serde_json::from_value(serde_json::json!({
        "sender": { "inn": INN, "kpp": KPP, "ipaddress": "8.8.8.8", "certificate": {
            "content": base64::engine::general_purpose::STANDARD.encode(world.signer.certificate()) } },
        "payer": { "inn": INN, "organization": { "kpp": KPP }, "registration-number-sfr": "087-101-872962" },
        "recipient": { "fss-code": "08011" },
    }))
    .unwrap();
    let draft = drafts.create(&meta).await.unwrap().id;
    let content = account
        .contents()
        .upload_bytes(OVED_REQUEST.as_bytes())
        .await
        .unwrap();
    let body = serde_json::from_value(serde_json::json!({
        "content-id": content,
        "description": { "filename": "poved.xml", "type": "urn:document:fss-sedo-oved-confirmation-request" },
    }))
    .unwrap();
    (draft, drafts.add_document(draft, &body).await.unwrap())
}

/// Sends a draft; the send task's answer (the docflow, or the refusal) as it came.
async fn send(world: &World, draft: uuid::Uuid) -> Result<serde_json::Value, Error> {
    let drafts = world.client.account(world.account).drafts();
    let task = drafts
        .start(draft, extern_api_core::api::DraftTask::Send)
        .await
        .unwrap();
    world
        .client
        .wait_draft_task(world.account, draft, task, &Default::default())
        .await
}

#[tokio::test]
async fn oved_confirmation_is_signed_by_the_service_sent_and_its_result_read() {
    use extern_api_core::crypto::Signer;
    let world = World::start().await;
    let account = world.client.account(world.account);
    let (draft, doc) = oved_draft(&world).await;
    // poved.rst, steps 4–6: data-to-sign comes with the Add Document answer, signed raw.
    let data_to_sign = doc
        .data_to_sign_content_id
        .expect("data-to-sign-content-id");
    let mut data = Vec::new();
    account
        .contents()
        .download(data_to_sign, &mut data, &Default::default())
        .await
        .unwrap();
    let raw = world.signer.sign_raw(&data).await.unwrap();
    account
        .drafts()
        .add_signature(draft, doc.id, &raw)
        .await
        .unwrap();
    let sent = send(&world, draft).await.unwrap();
    assert_eq!(
        sent["type"], "urn:docflow:fss-sedo-oved-confirmation",
        "{sent}"
    );
    let docflow: uuid::Uuid = sent["id"].as_str().unwrap().parse().unwrap();

    let outcome = world
        .client
        .answer_sedo(world.account, docflow, &world.signer, "8.8.8.8", None)
        .await
        .unwrap();
    assert!(outcome.documents_request_id.is_some());
    assert_eq!(
        outcome.replies[0].reply_type,
        "fss-sedo-oved-confirmation-read-receipt"
    );
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);
}

#[tokio::test]
async fn an_oved_request_with_a_raw_signature_of_other_bytes_is_not_sent() {
    use extern_api_core::crypto::Signer;
    let world = World::start().await;
    let (draft, doc) = oved_draft(&world).await;
    let raw = world.signer.sign_raw(b"other bytes").await.unwrap();
    let drafts = world.client.account(world.account).drafts();
    drafts.add_signature(draft, doc.id, &raw).await.unwrap();
    let sent = format!("{:?}", send(&world, draft).await);
    assert!(
        sent.contains("checkProtocolHasErrors") && sent.contains("не соответствует"),
        "{sent}"
    );
}

#[tokio::test]
async fn the_operators_sedo_subscription_is_answered_by_the_test_robot() {
    use base64::Engine;
    use extern_api_core::crypto::Signer;
    use extern_api_core::model::ContractType;
    let world = World::start().await;
    let drafts = world.client.account(world.account).drafts();
    let meta = serde_json::from_value(serde_json::json!({
        "sender": { "inn": INN, "kpp": KPP, "ipaddress": "8.8.8.8", "certificate": {
            "content": base64::engine::general_purpose::STANDARD.encode(world.signer.certificate()) } },
        "payer": { "inn": INN, "organization": { "kpp": KPP }, "registration-number-fss": "6601234567" },
        // sedo-subscription.rst: the vendor's test robot answers fss-code SEDO-TEST.
        "recipient": { "fss-code": "SEDO-TEST" },
    }))
    .unwrap();
    let draft = drafts.create(&meta).await.unwrap().id;
    let doc = drafts
        .build_document(
            draft,
            &ContractType::FssSedoProviderSubscription,
            None,
            &serde_json::json!({ "subscription-type": "subscribe" }),
        )
        .await
        .unwrap();
    world
        .signer
        .sign_draft_documents(&world.client, world.account, draft, &[doc.id])
        .await
        .unwrap();
    let sent = send(&world, draft).await.unwrap();
    assert_eq!(
        sent["type"], "urn:docflow:fss-sedo-provider-subscription",
        "{sent}"
    );
    let docflow: uuid::Uuid = sent["id"].as_str().unwrap().parse().unwrap();
    let outcome = world
        .client
        .follow_docflow(
            world.account,
            docflow,
            &world.signer,
            "8.8.8.8",
            std::time::Duration::from_secs(30),
            None,
        )
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);
}
