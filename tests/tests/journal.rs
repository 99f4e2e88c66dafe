//! A report filed at most once under its idempotency key, across a process that stops mid-way:
//! the workflow is aborted right after the draft is made, or right after the send, and a new
//! client on the same SQLite journal continues — never a second docflow.

use std::sync::Arc;
use std::time::Duration;

use extern_api_core::model::urn::DocflowStatus;
use extern_api_core::raw::prelude::*;
use extern_api_core::stores::SqliteJournal;
use extern_api_core::{
    Idempotency,
    workflows::{Recipient, ReportRequest, Step},
};
use extern_api_sandbox::{RobotTimings, Sandbox, SandboxConfig};
use extern_api_tests::*;

fn request(world: &World, key: &str) -> ReportRequest {
    let mut r = ReportRequest::new(
        world.account,
        INN,
        Some(KPP.into()),
        Recipient::Fns("0087".into()),
        vec![report_for("0087")],
    );
    r.follow_interval = Duration::from_millis(20);
    r.deadline = Duration::from_secs(60);
    r.idempotency_key = Some(key.into());
    r
}

async fn docflows(world: &World) -> i64 {
    let account = world.account;
    world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.docflows_search().account_id(account).send().await
        })
        .await
        .unwrap()
        .into_inner()
        .total_count
        .unwrap_or(0)
}

/// Runs `send_report` in a task and aborts it — the process "dies" — at the first step `stop`
/// accepts.
async fn die_at(world: &World, key: &str, stop: fn(&Step) -> bool) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let progress: Arc<dyn extern_api_core::workflows::Progress> = Arc::new(move |s: &Step| {
        if stop(s) {
            let _ = tx.send(());
        }
    });
    let client = world.client.clone();
    let signer = issue_signer(&world.sandbox, INN, KPP).await;
    let request = request(world, key);
    let task = tokio::spawn(async move {
        let _ = client.send_report(&request, &signer, Some(progress)).await;
    });
    rx.recv().await.expect("the step comes");
    task.abort();
    let _ = task.await;
}

async fn world_on(sandbox: Arc<Sandbox>, journal: &std::path::Path) -> World {
    let journal = Arc::new(SqliteJournal::open(journal).unwrap());
    let url = sandbox.url();
    World::connect(sandbox, &url, move |b| b.journal(journal)).await
}

#[tokio::test]
async fn a_restart_after_the_send_follows_the_docflow_it_made() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("journal.sqlite");
    let config = SandboxConfig {
        robots: RobotTimings {
            receipt_ms: 200,
            acceptance_ms: 200,
            processing_ms: 100,
        },
        ..SandboxConfig::for_tests()
    };
    let sandbox = Arc::new(Sandbox::start(config).await.unwrap());
    let first = world_on(sandbox.clone(), &file).await;
    die_at(&first, "q1-2024", |s| matches!(s, Step::Sent { .. })).await;
    assert_eq!(docflows(&first).await, 1);
    drop(first);

    let second = world_on(sandbox, &file).await;
    let outcome = second
        .client
        .send_report(&request(&second, "q1-2024"), &second.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(docflows(&second).await, 1, "filed once");
    // Asked again after the end: the same docflow, still one.
    let again = second
        .client
        .send_report(&request(&second, "q1-2024"), &second.signer, None)
        .await
        .unwrap();
    assert_eq!(again.docflow_id, outcome.docflow_id);
    assert_eq!(docflows(&second).await, 1);
}

#[tokio::test]
async fn a_restart_before_the_send_files_once_and_drops_the_unsent_draft() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("journal.sqlite");
    let sandbox = Arc::new(Sandbox::start(SandboxConfig::for_tests()).await.unwrap());
    let first = world_on(sandbox.clone(), &file).await;
    die_at(&first, "q2-2024", |s| {
        matches!(s, Step::DraftCreated { .. })
    })
    .await;
    drop(first);

    let second = world_on(sandbox, &file).await;
    let outcome = second
        .client
        .send_report(&request(&second, "q2-2024"), &second.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(docflows(&second).await, 1);
    // Another key is another report.
    second
        .client
        .send_report(&request(&second, "q3-2024"), &second.signer, None)
        .await
        .unwrap();
    assert_eq!(docflows(&second).await, 2);
}

/// No key of the caller's: a key derived from what is filed makes the same report asked twice
/// one docflow, and another report another key.
#[tokio::test]
async fn a_derived_key_files_the_same_report_once() {
    let world = World::start().await;
    let plain = |code: &str| {
        let mut r = ReportRequest::new(
            world.account,
            INN,
            Some(KPP.into()),
            Recipient::Fns(code.into()),
            vec![report_for(code)],
        );
        r.follow_interval = Duration::from_millis(20);
        r.with_derived_key()
    };
    let (a, b) = (plain("0087"), plain("0087"));
    assert_eq!(a.idempotency_key, b.idempotency_key);
    assert_ne!(a.idempotency_key, plain("0088").idempotency_key);
    let first = world
        .client
        .send_report(&a, &world.signer, None)
        .await
        .unwrap();
    let second = world
        .client
        .send_report(&b, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(first.docflow_id, second.docflow_id);
    assert_eq!(docflows(&world).await, 1);
}
