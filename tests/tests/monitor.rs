//! The events monitor against the sandbox: killed and restarted at random points while the feed
//! grows and faults are injected, it loses no event (repeats only the one in flight); filters
//! and automatic receipts; a failing handler keeps its event for the next run.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use extern_api_core::RetryPolicy;
use extern_api_core::model::DocflowExt;
use extern_api_core::model::urn::DocflowStatus;
use extern_api_core::raw::types::ApiEvent;
use extern_api_core::stores::{CursorStore, MemoryCursorStore, SqliteCursorStore};
use extern_api_core::workflows::{AutoReply, MonitorError, MonitorOptions};
use extern_api_sandbox::{FaultConfig, FaultRule, RobotTimings, SandboxConfig};
use extern_api_tests::*;

/// A small deterministic generator: the seed is printed, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn quick(name: &str) -> MonitorOptions {
    let mut o = MonitorOptions::new(name);
    o.page_size = 7; // pages end mid-stream, so kills land between pages too
    o.min_idle = Duration::from_millis(10);
    o.max_idle = Duration::from_millis(40);
    o
}

#[tokio::test]
async fn killed_and_restarted_ten_times_the_monitor_loses_no_event() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let config = SandboxConfig {
        robots: RobotTimings {
            receipt_ms: 40,
            acceptance_ms: 80,
            processing_ms: 40,
        },
        faults: FaultConfig {
            seed,
            rules: vec![FaultRule {
                path: "/v1/events".into(),
                method: "GET".into(),
                error_503: 0.1,
                reset: 0.05,
                truncate: 0.05,
                ..Default::default()
            }],
        },
        ..SandboxConfig::for_tests()
    };
    let retry = RetryPolicy {
        max_retries: 20,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    };
    let world = World::start_with(config, |b| b.retry(retry)).await;
    let dir = std::env::temp_dir().join(format!("monitor-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cursor.sqlite");
    let handled = Arc::new(Mutex::new(Vec::<String>::new()));
    for kill in 0..10 {
        // The feed grows while the monitor is down and while it runs.
        generate_docflows(&world.sandbox, 3).await;
        let cursors: Arc<dyn CursorStore> = Arc::new(SqliteCursorStore::open(&file).unwrap());
        let client = world.client.clone();
        let seen = handled.clone();
        let pause = rng.below(3);
        let run = tokio::spawn(async move {
            client
                .monitor(cursors, quick("kill-test"), move |event: ApiEvent| {
                    let seen = seen.clone();
                    async move {
                        seen.lock().unwrap().push(event.id);
                        // Work that takes a moment, so kills land inside handlers too.
                        tokio::time::sleep(Duration::from_millis(pause)).await;
                        Ok::<_, std::convert::Infallible>(())
                    }
                })
                .await
        });
        // Kill it at a random moment once it has handled something (a loaded machine may take a
        // while to get there).
        let before = handled.lock().unwrap().len();
        let give_up = std::time::Instant::now() + Duration::from_secs(10);
        while handled.lock().unwrap().len() == before && std::time::Instant::now() < give_up {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.below(40))).await;
        run.abort();
        let result = run.await;
        assert!(
            result.is_err() || result.unwrap().is_ok(),
            "run {kill} failed"
        );
    }
    let before_last = handled.lock().unwrap().iter().collect::<HashSet<_>>().len();
    // Let the robots finish, then a last run catches up with the whole feed.
    let expected = quiet_feed(&world).await;
    let cursors: Arc<dyn CursorStore> = Arc::new(SqliteCursorStore::open(&file).unwrap());
    let options = quick("kill-test");
    let stop = options.cancel.clone();
    let seen = handled.clone();
    let last = expected.last().cloned().unwrap();
    tokio::time::timeout(
        Duration::from_secs(60),
        world
            .client
            .monitor(cursors, options, move |event: ApiEvent| {
                let seen = seen.clone();
                let stop = stop.clone();
                let last = last.clone();
                async move {
                    if event.id == last {
                        stop.cancel();
                    }
                    seen.lock().unwrap().push(event.id);
                    Ok::<_, std::convert::Infallible>(())
                }
            }),
    )
    .await
    .expect("the last run caught up")
    .unwrap();

    let handled = handled.lock().unwrap().clone();
    let unique: HashSet<&String> = handled.iter().collect();
    let wanted: HashSet<&String> = expected.iter().collect();
    assert_eq!(unique, wanted, "every event handled, none invented");
    let repeats = handled.len() - unique.len();
    assert!(
        repeats <= 10,
        "at most the event in flight repeats per kill: {repeats}"
    );
    // First deliveries come in feed order.
    let mut first = Vec::new();
    let mut once = HashSet::new();
    for id in &handled {
        if once.insert(id) {
            first.push(id.clone());
        }
    }
    assert_eq!(first, expected);
    println!(
        "{} events, {repeats} repeated, {} handled before the last run",
        expected.len(),
        before_last
    );
    assert!(before_last > 0, "the killed runs did real work");
    assert!(
        expected.len() > 60,
        "a feed worth the test: {}",
        expected.len()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn filters_pick_events_and_receipts_are_answered_on_the_way() {
    let world = World::start().await;
    generate_docflows(&world.sandbox, 3).await;
    let cursors: Arc<dyn CursorStore> = Arc::new(MemoryCursorStore::default());
    let mut options = quick("receipts");
    options.filter.docflow_types = vec!["urn:docflow:fns534-report".into()];
    options.filter.organizations = vec![(INN.into(), Some(KPP.into()))];
    options.auto_reply = Some(AutoReply {
        signer: Arc::new(issue_signer(&world.sandbox, INN, KPP).await),
        sender_ip: "127.0.0.1".into(),
    });
    let stop = options.cancel.clone();
    let finished = Arc::new(Mutex::new(HashSet::new()));
    let seen = finished.clone();
    let states = Arc::new(Mutex::new(Vec::new()));
    let got = states.clone();
    let client = world.client.clone();
    let account = world.account;
    tokio::time::timeout(
        Duration::from_secs(30),
        world
            .client
            .monitor(cursors.clone(), options, move |event: ApiEvent| {
                let (seen, got, stop, client) =
                    (seen.clone(), got.clone(), stop.clone(), client.clone());
                async move {
                    got.lock()
                        .unwrap()
                        .push(event.new_state.clone().unwrap_or_default());
                    let id = event.docflow_id.unwrap().parse().unwrap();
                    let docflow = client.account(account).docflows().get(id).await?;
                    if docflow.status() == DocflowStatus::Finished {
                        let mut done = seen.lock().unwrap();
                        done.insert(id);
                        if done.len() == 3 {
                            stop.cancel();
                        }
                    }
                    Ok::<_, extern_api_core::Error>(())
                }
            }),
    )
    .await
    .expect("the three reports finished: their receipts were answered")
    .unwrap();
    assert_eq!(finished.lock().unwrap().len(), 3);
    assert!(cursors.load("receipts").await.unwrap().is_some());
    // A filter that matches nothing hands nothing over, but moves past what it read.
    let cursors: Arc<dyn CursorStore> = Arc::new(MemoryCursorStore::default());
    let mut options = quick("nothing");
    options.filter.new_states = vec!["no-such-state".into()];
    let stop = options.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.cancel();
    });
    world
        .client
        .monitor(cursors.clone(), options, |_event: ApiEvent| async {
            Err::<(), _>("nothing passes the filter")
        })
        .await
        .unwrap();
    assert_eq!(
        cursors.load("nothing").await.unwrap(),
        whole_feed(&world).await.last().cloned()
    );
}

#[tokio::test]
async fn a_failing_handler_keeps_its_event_for_the_next_run() {
    let world = World::start().await;
    generate_docflows(&world.sandbox, 1).await;
    // The robots answer on their own clock: wait for the report's events.
    let feed = quiet_feed(&world).await;
    assert!(feed.len() >= 2, "{feed:?}");
    let cursors: Arc<dyn CursorStore> = Arc::new(MemoryCursorStore::default());
    let mut calls = 0;
    let err = world
        .client
        .monitor(cursors.clone(), quick("failing"), |event: ApiEvent| {
            calls += 1;
            let fail = calls == 2;
            async move {
                if fail {
                    Err(format!("cannot store {}", event.id))
                } else {
                    Ok(())
                }
            }
        })
        .await
        .unwrap_err();
    match err {
        MonitorError::Handler { event_id, source } => {
            assert_eq!(event_id, feed[1]);
            assert!(source.contains(&feed[1]));
        }
        other => panic!("{other}"),
    }
    assert_eq!(
        cursors.load("failing").await.unwrap(),
        Some(feed[0].clone())
    );
    // The next run starts with the failed event.
    let options = quick("failing");
    let stop = options.cancel.clone();
    let first = Arc::new(Mutex::new(None));
    let got = first.clone();
    world
        .client
        .monitor(cursors, options, move |event: ApiEvent| {
            got.lock().unwrap().get_or_insert(event.id);
            stop.cancel();
            async { Ok::<_, String>(()) }
        })
        .await
        .unwrap();
    assert_eq!(first.lock().unwrap().clone(), Some(feed[1].clone()));
}

/// A store that counts its saves.
#[derive(Default)]
struct CountingStore {
    inner: MemoryCursorStore,
    saves: std::sync::atomic::AtomicUsize,
}

impl CursorStore for CountingStore {
    fn load<'a>(
        &'a self,
        name: &'a str,
    ) -> extern_api_core::stores::CursorFuture<'a, Option<String>> {
        self.inner.load(name)
    }
    fn save<'a>(
        &'a self,
        name: &'a str,
        event_id: &'a str,
    ) -> extern_api_core::stores::CursorFuture<'a, ()> {
        self.saves
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.save(name, event_id)
    }
}

#[tokio::test]
async fn saving_every_tenth_event_still_stops_before_a_failed_one() {
    // Robots an hour away: the feed holds still while the test reads it.
    let hour = 3_600_000;
    let world = World::start_with(
        SandboxConfig {
            robots: RobotTimings {
                receipt_ms: hour,
                acceptance_ms: hour,
                processing_ms: hour,
            },
            ..SandboxConfig::for_tests()
        },
        |b| b,
    )
    .await;
    generate_docflows(&world.sandbox, 45).await;
    let feed = whole_feed(&world).await;
    assert!(feed.len() >= 45);
    let store = Arc::new(CountingStore::default());
    let mut options = quick("every-tenth");
    options.page_size = 100;
    options.save_every = 10;
    // The handler fails on the 25th event: events 1–24 are passed, saved at the 20th and, before
    // the error, at the 24th.
    let failing = feed[24].clone();
    let mut seen = 0;
    let err = world
        .client
        .monitor(store.clone(), options.clone(), |e: ApiEvent| {
            seen += 1;
            let fail = e.id == failing;
            async move {
                if fail {
                    Err(std::io::Error::other("no room"))
                } else {
                    Ok(())
                }
            }
        })
        .await
        .unwrap_err();
    assert!(matches!(err, MonitorError::Handler { ref event_id, .. } if *event_id == failing));
    assert_eq!(seen, 25);
    assert_eq!(
        store.load("every-tenth").await.unwrap().as_deref(),
        Some(feed[23].as_str())
    );
    assert_eq!(store.saves.load(std::sync::atomic::Ordering::Relaxed), 3);

    // The next run starts at the failed event and saves every tenth, then at the page's end.
    let before = store.saves.load(std::sync::atomic::Ordering::Relaxed);
    let cancel = options.cancel.clone();
    let last = feed.last().unwrap().clone();
    let mut again = Vec::new();
    world
        .client
        .monitor(store.clone(), options, |e: ApiEvent| {
            if e.id == last {
                cancel.cancel();
            }
            again.push(e.id);
            async { Ok::<_, std::io::Error>(()) }
        })
        .await
        .unwrap();
    assert_eq!(again.first(), Some(&failing));
    let handled = again.len();
    let saves = store.saves.load(std::sync::atomic::Ordering::Relaxed) - before;
    assert!(
        saves <= handled / 10 + 1,
        "{saves} saves for {handled} events"
    );
    assert_eq!(store.load("every-tenth").await.unwrap(), Some(last));
}
