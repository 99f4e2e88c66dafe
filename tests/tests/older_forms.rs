//! The client against the older forms of the vendor's material (`SandboxConfig::older_forms`):
//! 202 for deferred task starts, 201 for added draft documents and signatures, gzip-compressed
//! documents. A report still reaches its final state and a demand is still decrypted and accepted.

use std::time::Duration;

use extern_api_core::model::DocflowExt;
use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_core::workflows::DemandDecision;
use extern_api_sandbox::SandboxConfig;
use extern_api_tests::*;

async fn older_world() -> World {
    World::start_with(
        SandboxConfig {
            older_forms: true,
            ..SandboxConfig::for_tests()
        },
        |b| b,
    )
    .await
}

#[tokio::test]
async fn a_report_reaches_its_final_state_on_202_and_201() {
    let world = older_world().await;
    let mut request = report_request(&world);
    request.deadline = Duration::from_secs(60);
    let outcome = world
        .client
        .send_report(&request, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);
}

#[tokio::test]
async fn a_gzipped_demand_is_decrypted_and_accepted() {
    let world = older_world().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let id = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let docflow = world
        .client
        .account(world.account)
        .docflows()
        .get(id)
        .await
        .unwrap();
    let compressions: Vec<String> = docflow
        .documents
        .iter()
        .flat_map(|d| &d.content.as_ref().unwrap().docflow_document_contents)
        .filter(|c| c.encrypted == Some(true))
        .filter_map(|c| c.compression_type.clone())
        .collect();
    assert!(!compressions.is_empty());
    assert!(compressions.iter().all(|c| c == "gzip"), "{compressions:?}");
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
    assert!(outcome.docflow.due_replies().is_empty());
}
