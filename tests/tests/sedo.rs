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
