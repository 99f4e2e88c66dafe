//! `send_report` end to end against the sandbox's robots.

use std::sync::Arc;
use std::time::Duration;

use extern_api_core::model::DocflowExt;
use extern_api_core::model::urn::{DocflowStatus, DocumentType, SuccessState};
use extern_api_core::raw::prelude::*;
use extern_api_core::{
    Error, Idempotency,
    workflows::{Recipient, ReportFile, ReportRequest, Step},
};
use extern_api_sandbox::SandboxConfig;
use extern_api_tests::*;

fn request(world: &World, code: &str, file: ReportFile) -> ReportRequest {
    let mut r = ReportRequest::new(
        world.account,
        INN,
        Some(KPP.into()),
        Recipient::Fns(code.into()),
        vec![file],
    );
    r.follow_interval = Duration::from_millis(20);
    r.deadline = Duration::from_secs(60);
    r
}

#[tokio::test]
async fn inspection_0087_accepts_the_report() {
    let world = World::start().await;
    let steps = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = steps.clone();
    let progress = Arc::new(move |s: &Step| seen.lock().unwrap().push(s.clone()));
    let outcome = world
        .client
        .send_report(
            &request(&world, "0087", report_for("0087")),
            &world.signer,
            Some(progress),
        )
        .await
        .unwrap();
    assert!(outcome.finished);
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);
    assert!(outcome.rejections.is_empty());
    assert_eq!(outcome.replies.len(), 3, "receipts on PD, KV and IV");
    let types: Vec<&DocumentType> = outcome.documents.iter().map(|d| &d.document_type).collect();
    assert!(
        types.contains(&&DocumentType::Fns534ReportProcessingOk),
        "{types:?}"
    );
    let steps = steps.lock().unwrap().clone();
    assert!(matches!(steps[0], Step::DraftCreated { .. }));
    assert!(steps.iter().any(|s| matches!(s, Step::Checked)));
    assert!(
        steps
            .iter()
            .any(|s| matches!(s, Step::Sent { docflow_id } if *docflow_id == outcome.docflow_id))
    );
    assert!(matches!(
        steps.last().unwrap(),
        Step::Status {
            status: DocflowStatus::Finished,
            ..
        }
    ));
    // The server agrees.
    let docflow = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.docflows_get()
                .account_id(world.account)
                .docflow_id(outcome.docflow_id)
                .send()
                .await
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(docflow.status(), DocflowStatus::Finished);
    assert!(docflow.due_replies().is_empty());
}

#[tokio::test]
async fn inspection_0088_rejects_with_reasons() {
    let world = World::start().await;
    let outcome = world
        .client
        .send_report(
            &request(&world, "0088", report_for("0088")),
            &world.signer,
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        (outcome.status, outcome.success),
        (DocflowStatus::Finished, SuccessState::Failed)
    );
    assert_eq!(outcome.rejections.len(), 1);
    assert_eq!(
        outcome.rejections[0].document_type,
        DocumentType::Fns534ReportAcceptanceNegative
    );
    assert!(
        outcome.rejections[0]
            .file_name
            .as_deref()
            .unwrap()
            .starts_with("UO_")
    );
}

#[tokio::test]
async fn inspection_0085_answers_with_a_precise_notice() {
    let world = World::start().await;
    let outcome = world
        .client
        .send_report(
            &request(&world, "0085", report_for("0085")),
            &world.signer,
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        (outcome.status, outcome.success),
        (DocflowStatus::Finished, SuccessState::Warning)
    );
    assert!(
        outcome
            .documents
            .iter()
            .any(|d| d.document_type == DocumentType::Fns534ReportProcessingPrecise)
    );
}

#[tokio::test]
async fn check_errors_name_the_document() {
    let world = World::start().await;
    // A report addressed to 0087 sent to 0088: the check says the recipient differs.
    let err = world
        .client
        .send_report(
            &request(&world, "0088", report_for("0087")),
            &world.signer,
            None,
        )
        .await
        .unwrap_err();
    let Error::CheckFailed(protocol) = err else {
        panic!("expected a check protocol, got {err:?}")
    };
    assert_eq!(protocol.documents.len(), 1);
    let doc = &protocol.documents[0];
    assert!(
        doc.file_name
            .as_deref()
            .unwrap()
            .starts_with("NO_BUHOTCH_0087_0087_"),
        "{doc:?}"
    );
    assert!(
        doc.errors
            .iter()
            .any(|e| e.description.contains("Инспекция-получатель")),
        "{doc:?}"
    );
    assert!(protocol.to_string().contains("NO_BUHOTCH_0087_0087_"));
    // Nothing was sent.
    let page = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.docflows_search().account_id(world.account).send().await
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total_count, Some(0));
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let world = World::start().await;
    let mut r = request(&world, "0087", report_for("0087"));
    r.sender_inn = "6676130155".into();
    let err = world
        .client
        .send_report(&r, &world.signer, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field == "inn" && i.message.contains("check digit")),
        "{err}"
    );
    let mut r = request(&world, "87", report_for("0087"));
    r.files = vec![ReportFile::new(Vec::<u8>::new())];
    assert!(matches!(
        world
            .client
            .send_report(&r, &world.signer, None)
            .await
            .unwrap_err(),
        Error::InvalidInput(_)
    ));
    let drafts = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.drafts_get_all().account_id(world.account).send().await
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(drafts.total_count, Some(0), "no draft was created");
}

#[tokio::test]
async fn a_token_expiring_mid_flow_is_renewed() {
    let config = SandboxConfig {
        token_ttl_secs: 60,
        ..SandboxConfig::for_tests()
    };
    let world = World::start_with(config, |b| b).await;
    let sandbox = world.sandbox.clone();
    // When the report is sent, the sandbox clock jumps past the token's lifetime: the next call
    // gets 401, and the client logs in again once and goes on.
    let progress = Arc::new(move |s: &Step| {
        if matches!(s, Step::Sent { .. }) {
            sandbox.advance_clock(Duration::from_secs(120));
        }
    });
    let before = world.client.tokens().unwrap().token_requests();
    let outcome = world
        .client
        .send_report(
            &request(&world, "0087", report_for("0087")),
            &world.signer,
            Some(progress),
        )
        .await
        .unwrap();
    assert_eq!(
        (outcome.status, outcome.success),
        (DocflowStatus::Finished, SuccessState::Successful)
    );
    let after = world.client.tokens().unwrap().token_requests();
    assert!(after > before, "a new token was fetched");
}

#[tokio::test]
async fn fifty_concurrent_reports_under_the_twenty_request_limit() {
    let world = World::start().await;
    let requests: Vec<ReportRequest> = (0..50)
        .map(|_| request(&world, "0087", report_for("0087")))
        .collect();
    let outcomes = futures::future::join_all(
        requests
            .iter()
            .map(|r| world.client.send_report(r, &world.signer, None)),
    )
    .await;
    let ok = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(o) if o.success == SuccessState::Successful && o.finished))
        .count();
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert_eq!(ok, 50, "{failures:?}");
    let page = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.docflows_search()
                .account_id(world.account)
                .take(1000)
                .send()
                .await
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total_count, Some(50));
}
