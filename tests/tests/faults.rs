//! send_report while the sandbox injects faults: reads fail and are repeated, the send's answer
//! is lost after the server acted — and the report still ends with exactly one docflow.

use std::time::Duration;

use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_core::raw::prelude::*;
use extern_api_core::{Idempotency, RetryPolicy};
use extern_api_sandbox::{FaultConfig, FaultRule, SandboxConfig};
use extern_api_tests::*;

/// A sandbox with `faults` and a client that repeats a call `retries` times, waiting from
/// `base_ms` up to `max_ms` between attempts.
async fn faulty_world(faults: FaultConfig, retries: u32, base_ms: u64, max_ms: u64) -> World {
    let config = SandboxConfig {
        faults,
        ..SandboxConfig::for_tests()
    };
    let retry = RetryPolicy {
        max_retries: retries,
        base_delay: Duration::from_millis(base_ms),
        max_delay: Duration::from_millis(max_ms),
    };
    World::start_with(config, |b| b.retry(retry)).await
}

#[tokio::test]
async fn a_report_survives_injected_faults() {
    let faults = FaultConfig {
        seed: 2024,
        rules: vec![
            // The send is taken, its answer lost: the client must look it up, not send again.
            FaultRule {
                path: "/send".into(),
                method: "POST".into(),
                error_503: 1.0,
                after_effect: true,
                limit: 1,
                ..Default::default()
            },
            // Reads fail now and then in every way.
            FaultRule {
                method: "GET".into(),
                error_503: 0.15,
                error_429: 0.1,
                reset: 0.05,
                truncate: 0.05,
                latency: 0.2,
                latency_ms: 30,
                ..Default::default()
            },
        ],
    };
    let world = faulty_world(faults, 12, 5, 50).await;
    let request = report_request(&world);
    let outcome = world
        .client
        .send_report(&request, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(
        (outcome.status, outcome.success),
        (DocflowStatus::Finished, SuccessState::Successful)
    );
    let page = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.docflows_search().account_id(world.account).send().await
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total_count, Some(1), "exactly one docflow");
}

/// A 429 means the service did nothing (too many requests in flight): creating a draft and adding
/// its document are repeated, not reported as failures; GETs answered 500 are repeated too.
#[tokio::test]
async fn refusals_before_any_work_are_repeated_even_for_creates() {
    let faults = FaultConfig {
        seed: 7,
        rules: vec![
            FaultRule {
                path: "/drafts".into(),
                method: "POST".into(),
                error_429: 1.0,
                limit: 3,
                ..Default::default()
            },
            FaultRule {
                method: "GET".into(),
                error_500: 1.0,
                limit: 3,
                ..Default::default()
            },
        ],
    };
    let world = faulty_world(faults, 6, 5, 50).await;
    let request = report_request(&world);
    let outcome = world
        .client
        .send_report(&request, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
}

/// Reading the docflow fails for a while (more than one call's retries): the follow loop outlives
/// it and the report still reaches its end; a report left mid-way is resumed by its docflow id.
#[tokio::test]
async fn following_outlives_failing_reads_and_resumes_by_docflow_id() {
    let faults = FaultConfig {
        seed: 11,
        rules: vec![FaultRule {
            path: "/docflows/".into(),
            method: "GET".into(),
            error_503: 1.0,
            limit: 12,
            ..Default::default()
        }],
    };
    let world = faulty_world(faults, 2, 1, 5).await;
    let mut request = report_request(&world);
    request.deadline = Duration::from_secs(60);
    let outcome = world
        .client
        .send_report(&request, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);

    // Sent, then left at once (a zero deadline) while the robots still work: followed again
    // later by its docflow id. The robots take seconds, so that even a slow machine leaves the
    // report before its end (replies that fall due are answered before the deadline is looked at).
    let world = World::start_with(
        SandboxConfig {
            robots: extern_api_sandbox::RobotTimings {
                receipt_ms: 1500,
                acceptance_ms: 1000,
                processing_ms: 500,
            },
            ..SandboxConfig::for_tests()
        },
        |b| b,
    )
    .await;
    request.account_id = world.account;
    request.deadline = Duration::ZERO;
    let left = world
        .client
        .send_report(&request, &world.signer, None)
        .await
        .unwrap();
    assert!(!left.finished);
    let resumed = world
        .client
        .follow_docflow(
            world.account,
            left.docflow_id,
            &world.signer,
            "127.0.0.1",
            Duration::from_secs(60),
            None,
        )
        .await
        .unwrap();
    assert!(resumed.finished);
    assert_eq!(resumed.success, SuccessState::Successful);
    assert_eq!(resumed.draft_id, left.draft_id);
}

/// The connection drops as an upload starts: the upload is started again (an unused content at
/// worst) and the report goes out once.
#[tokio::test]
async fn an_upload_cut_at_its_start_is_started_again() {
    let faults = FaultConfig {
        seed: 3,
        rules: vec![FaultRule {
            path: "/contents".into(),
            method: "POST".into(),
            reset: 1.0,
            limit: 2,
            ..Default::default()
        }],
    };
    let world = faulty_world(faults, 4, 1, 5).await;
    let request = report_request(&world);
    let outcome = world
        .client
        .send_report(&request, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
}
