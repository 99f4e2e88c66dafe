//! The client's building blocks against the sandbox: login and its single flight, errors,
//! contents in parts, docflow paging streams, tasks resumed and cancelled.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use extern_api_core::api::{CancellationToken, DocflowFilter, PollPolicy, TransferOptions};
use extern_api_core::auth::Credentials;
use extern_api_core::model::urn::{DocflowType, SuccessState};
use extern_api_core::raw::prelude::*;
use extern_api_core::{Error, ExternClient, Idempotency, RetryPolicy, Secret};
use extern_api_sandbox::SandboxConfig;
use extern_api_tests::*;
use futures::TryStreamExt;

#[tokio::test]
async fn a_hundred_callers_share_one_login() {
    let world = World::start().await;
    let c = world.sandbox.config().clone();
    let fresh = ExternClient::builder()
        .base_url(world.sandbox.url())
        .credentials(Credentials::password(
            &c.client_id,
            c.api_key.as_str(),
            &c.login,
            c.password.as_str(),
        ))
        .build()
        .unwrap();
    let calls = (0..100).map(|_| {
        fresh.call(Idempotency::Idempotent, move |c| async move {
            c.accounts_get_all().send().await
        })
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(fresh.tokens().unwrap().token_requests(), 1);
}

#[tokio::test]
async fn wrong_password_is_an_auth_error_and_secrets_stay_hidden() {
    let world = World::start().await;
    let c = world.sandbox.config().clone();
    let client = ExternClient::builder()
        .base_url(world.sandbox.url())
        .credentials(Credentials::password(
            &c.client_id,
            c.api_key.as_str(),
            &c.login,
            "very-secret-wrong",
        ))
        .build()
        .unwrap();
    let err = client
        .call(Idempotency::Idempotent, move |c| async move {
            c.accounts_get_all().send().await
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth { ref message, .. } if message.contains("invalid_grant")),
        "{err}"
    );
    for shown in [
        format!("{err} {err:?}"),
        format!("{client:?}"),
        format!(
            "{:?}",
            Credentials::password("id", "sandbox-api-key", "login", "very-secret-wrong")
        ),
    ] {
        assert!(
            !shown.contains("very-secret-wrong") && !shown.contains("sandbox-api-key"),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn bearer_and_legacy_credentials() {
    let world = World::start().await;
    let c = world.sandbox.config().clone();
    let legacy = ExternClient::builder()
        .base_url(world.sandbox.url())
        .credentials(Credentials::ApiKeySid {
            api_key: Secret::new(c.api_key.clone()),
            sid: Secret::new(c.legacy_sid.clone()),
        })
        .build()
        .unwrap();
    let accounts = legacy
        .call(Idempotency::Idempotent, move |c| async move {
            c.accounts_get_all().send().await
        })
        .await
        .unwrap();
    assert_eq!(accounts.accounts[0].id, world.account);
    let forged = ExternClient::builder()
        .base_url(world.sandbox.url())
        .credentials(Credentials::Bearer(Secret::new("forged")))
        .build()
        .unwrap();
    let err = forged
        .call(Idempotency::Idempotent, move |c| async move {
            c.accounts_get_all().send().await
        })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn api_errors_carry_the_vendor_id_and_the_trace_id() {
    let world = World::start().await;
    let missing = uuid::Uuid::new_v4();
    let err = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.docflows_get()
                .account_id(world.account)
                .docflow_id(missing)
                .send()
                .await
        })
        .await
        .unwrap_err();
    let Error::Api {
        status,
        id,
        trace_id,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 404);
    assert_eq!(id, "urn:error:externapi:notFound");
    assert!(trace_id.as_ref().is_some_and(|t| !t.is_empty()));
    assert!(err.to_string().contains("trace id"), "{err}");
    assert!(!err.is_transient());
}

#[tokio::test]
async fn contents_round_trip_in_many_parts() {
    let world = World::start().await;
    let data: Vec<u8> = (0..100_003u32).map(|i| (i * 7 % 256) as u8).collect();
    let calls = Arc::new(AtomicU64::new(0));
    let seen = calls.clone();
    let progress: extern_api_core::api::ProgressFn = Arc::new(move |_, _| {
        seen.fetch_add(1, Ordering::Relaxed);
    });
    let up = TransferOptions {
        part_size: 4096,
        progress: Some(progress),
    };
    let id = world
        .client
        .account(world.account)
        .contents()
        .upload(data.as_slice(), &up)
        .await
        .unwrap();
    assert_eq!(
        calls.load(Ordering::Relaxed),
        25,
        "one progress call per part"
    );
    let mut back = Vec::new();
    let down = TransferOptions {
        part_size: 10_000,
        progress: None,
    };
    let n = world
        .client
        .account(world.account)
        .contents()
        .download(id, &mut back, &down)
        .await
        .unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(back, data);
    // Bad part sizes and empty sources are refused before any request.
    let bad = TransferOptions {
        part_size: 10,
        progress: None,
    };
    assert!(matches!(
        world
            .client
            .account(world.account)
            .contents()
            .upload(data.as_slice(), &bad)
            .await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        world
            .client
            .account(world.account)
            .contents()
            .upload(&[][..], &up)
            .await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn a_download_that_breaks_off_continues_where_it_stopped() {
    use extern_api_sandbox::{FaultConfig, FaultRule};
    // The first three content reads lose the second half of their body, the next one its
    // whole body: the client continues from the last byte it wrote each time.
    let faults = FaultConfig {
        seed: 11,
        rules: vec![
            FaultRule {
                path: "/contents/".into(),
                method: "GET".into(),
                truncate: 1.0,
                limit: 3,
                ..Default::default()
            },
            FaultRule {
                path: "/contents/".into(),
                method: "GET".into(),
                reset: 1.0,
                limit: 1,
                ..Default::default()
            },
        ],
    };
    let world = World::start_with(
        SandboxConfig {
            faults,
            ..SandboxConfig::for_tests()
        },
        |b| b,
    )
    .await;
    let data: Vec<u8> = (0..3_000_017u32).map(|i| (i * 31 % 251) as u8).collect();
    let id = world
        .client
        .account(world.account)
        .contents()
        .upload(data.as_slice(), &TransferOptions::default())
        .await
        .unwrap();
    let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = reports.clone();
    let options = TransferOptions {
        part_size: 1024 * 1024,
        progress: Some(Arc::new(move |done, total| {
            seen.lock().unwrap().push((done, total))
        })),
    };
    let mut back = Vec::new();
    let n = world
        .client
        .account(world.account)
        .contents()
        .download(id, &mut back, &options)
        .await
        .unwrap();
    assert_eq!(n, data.len() as u64);
    assert!(back == data, "the bytes are intact");
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports.last(), Some(&(n, Some(n))));
    assert!(reports.windows(2).all(|w| w[0].0 < w[1].0), "{reports:?}");
}

#[tokio::test]
async fn files_upload_and_download_atomically() {
    let world = World::start().await;
    let dir = std::env::temp_dir().join(format!("extern-api-files-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("report.xml");
    std::fs::copy(REPORT, &source).unwrap();
    let options = TransferOptions {
        part_size: 1024,
        progress: None,
    };
    let id = world
        .client
        .account(world.account)
        .contents()
        .upload_file(&source, &options)
        .await
        .unwrap();
    let target = dir.join("copy.xml");
    world
        .client
        .account(world.account)
        .contents()
        .download_file(id, &target, &options)
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(REPORT).unwrap()
    );
    let missing = world
        .client
        .account(world.account)
        .contents()
        .download_file(uuid::Uuid::new_v4(), dir.join("none.xml"), &options)
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
    assert!(
        !dir.join("none.xml").exists() && !dir.join("none.xml.part").exists(),
        "nothing is left behind"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn docflows_stream_page_by_page() {
    let world = World::start().await;
    let generated: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-docflows",
            world.sandbox.url()
        ))
        .header("X-Kontur-Apikey", &world.sandbox.config().api_key)
        .json(&serde_json::json!({ "count": 250 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(generated["created"], 250);
    let filter = DocflowFilter {
        types: vec![DocflowType::Fns534Report],
        page_size: Some(100),
        ..Default::default()
    };
    let all: Vec<_> = world
        .client
        .account(world.account)
        .docflows()
        .all(filter.clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    let distinct: std::collections::HashSet<_> = all.iter().map(|d| d.id).collect();
    assert_eq!(distinct.len(), 250);
    let newest = world
        .client
        .account(world.account)
        .docflows()
        .page(
            &DocflowFilter {
                newest_first: true,
                page_size: Some(1),
                ..filter.clone()
            },
            0,
        )
        .await
        .unwrap();
    assert_eq!(newest.total, Some(250));
    assert_eq!(newest.items[0].id, all.last().unwrap().id);
    let none = DocflowFilter {
        success_states: vec![SuccessState::Warning],
        ..Default::default()
    };
    assert_eq!(
        world
            .client
            .account(world.account)
            .docflows()
            .all(none)
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        0
    );
    let bad = DocflowFilter {
        inn: Some("123".into()),
        ..Default::default()
    };
    assert!(matches!(
        world
            .client
            .account(world.account)
            .docflows()
            .page(&bad, 0)
            .await,
        Err(Error::InvalidInput(_))
    ));
}

async fn draft_with_check_running(world: &World) -> (uuid::Uuid, uuid::Uuid) {
    let meta: extern_api_core::raw::types::DraftMeta = serde_json::from_value(serde_json::json!({
        "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" }, "recipient": { "ifns-code": "0087" }
    }))
    .unwrap();
    let meta = &meta;
    let draft = world
        .client
        .call(Idempotency::Once, move |c| async move {
            c.drafts_create()
                .account_id(world.account)
                .body(meta.clone())
                .send()
                .await
        })
        .await
        .unwrap()
        .into_inner();
    let task = world
        .client
        .call(Idempotency::Once, move |c| async move {
            c.drafts_check()
                .account_id(world.account)
                .draft_id(draft.id)
                .deferred(true)
                .send()
                .await
        })
        .await
        .unwrap()
        .into_inner();
    (draft.id, task.id)
}

#[tokio::test]
async fn a_task_resumes_from_its_saved_id() {
    let world = World::start().await;
    let (draft, task) = draft_with_check_running(&world).await;
    // A later process knows only the ids.
    let result = world
        .client
        .wait_draft_task(world.account, draft, task, &PollPolicy::default())
        .await
        .unwrap();
    assert!(
        result["data"]["common-errors"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "an empty draft has common errors: {result}"
    );
}

#[tokio::test]
async fn waiting_is_cancellable_and_has_a_deadline() {
    let config = SandboxConfig {
        task_delay_ms: 60_000,
        ..SandboxConfig::for_tests()
    };
    let world = World::start_with(config, |b| b).await;
    let (draft, task) = draft_with_check_running(&world).await;
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let err = world
        .client
        .wait_draft_task(
            world.account,
            draft,
            task,
            &PollPolicy::default().cancelled_by(token),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    let err = world
        .client
        .wait_draft_task(
            world.account,
            draft,
            task,
            &PollPolicy::with_deadline(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
}

#[tokio::test]
async fn the_account_handle() {
    let world = World::start().await;
    let accounts = world.client.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    let account = world.client.account(accounts[0].id);
    assert_eq!(account.get().await.unwrap().inn.as_deref(), Some(INN));
    let orgs = account
        .organizations()
        .page(None, None, 0, 100)
        .await
        .unwrap()
        .items;
    assert_eq!(
        orgs[0].general.as_ref().and_then(|g| g.kpp.as_deref()),
        Some(KPP)
    );
    let meta: extern_api_core::raw::types::DraftMeta =
        serde_json::from_value(serde_json::json!({ "sender": { "inn": INN, "kpp": KPP }, "recipient": { "ifns-code": "0087" } })).unwrap();
    let draft = account.drafts().create(&meta).await.unwrap();
    assert_eq!(
        account
            .drafts()
            .get(draft.id)
            .await
            .unwrap()
            .status
            .as_deref(),
        Some("new")
    );
    let protocol = world
        .client
        .check_draft(account.id(), draft.id, &PollPolicy::default())
        .await
        .unwrap();
    assert!(
        protocol.has_errors(),
        "an empty draft does not pass the check"
    );
    let missing = account
        .docflows()
        .get(uuid::Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
}

/// A 30-second token is used, not fetched again for every call: the renewal margin is a tenth
/// of a short life, not a fixed minute (100 callers made 100 token requests before).
#[tokio::test]
async fn a_short_lived_token_serves_many_calls() {
    let world = World::start_with(
        extern_api_sandbox::SandboxConfig {
            token_ttl_secs: 30,
            ..extern_api_sandbox::SandboxConfig::for_tests()
        },
        |b| b,
    )
    .await;
    let before = world.client.tokens().unwrap().token_requests();
    let calls = (0..100).map(|_| {
        world
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.accounts_get_all().send().await
            })
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(|r| r.is_ok()));
    assert!(
        world.client.tokens().unwrap().token_requests() - before <= 1,
        "{} token requests",
        world.client.tokens().unwrap().token_requests() - before
    );
}

/// A JSON answer past the configured size is an error, not a body read whole into memory.
#[tokio::test]
async fn json_answers_past_the_limit_fail_to_read() {
    let world = World::start_with(SandboxConfig::for_tests(), |b| {
        b.max_json_answer(2048).retry(extern_api_core::RetryPolicy {
            max_retries: 1,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
        })
    })
    .await;
    generate_docflows(&world.sandbox, 30).await;
    let account = world.account;
    let page = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.docflows_search()
                .account_id(account)
                .take(100)
                .send()
                .await
        })
        .await;
    let err = page.expect_err("the page is larger than 2 KiB");
    assert!(format!("{err:#}").contains("length limit"), "{err:#}");
    // Small answers still read.
    let accounts = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.accounts_get_all().send().await
        })
        .await;
    assert!(accounts.is_ok());
}

/// A call repeated on failure stops at its deadline, not after every retry the policy allows.
#[tokio::test]
async fn a_call_deadline_stops_the_repeats() {
    let faults = extern_api_sandbox::FaultConfig {
        seed: 5,
        rules: vec![extern_api_sandbox::FaultRule {
            path: "/drafts".into(),
            method: "GET".into(),
            error_503: 1.0,
            ..Default::default()
        }],
    };
    let world = World::start_with(
        SandboxConfig {
            faults,
            ..SandboxConfig::for_tests()
        },
        |b| {
            b.retry(extern_api_core::RetryPolicy {
                max_retries: 1000,
                base_delay: Duration::from_millis(20),
                max_delay: Duration::from_millis(20),
            })
            .call_deadline(Duration::from_millis(300))
        },
    )
    .await;
    let account = world.account;
    let started = std::time::Instant::now();
    let result = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.drafts_get_all().account_id(account).send().await
        })
        .await;
    assert_eq!(result.unwrap_err().status(), Some(503));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// A request that gets no answer keeps reqwest's error as its cause: `Display` is one line, `{:#}`
/// adds the chain, and the cause can be matched by its type.
#[tokio::test]
async fn a_refused_connection_keeps_its_cause() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = ExternClient::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::Bearer(Secret::new("token".to_string())))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.accounts().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:#}");
    assert!(err.is_transient());
    let line = err.to_string();
    let chain = format!("{err:#}");
    assert!(!line.contains('\n'));
    assert!(
        chain.starts_with(&line) && chain.len() > line.len(),
        "{chain}"
    );
    let cause = std::error::Error::source(&err).expect("a cause");
    assert!(
        cause.downcast_ref::<reqwest::Error>().is_some(),
        "{cause:?}"
    );
    assert!(!chain.contains("token"), "no secret in the chain: {chain}");
}
