//! The monitor in its own process, killed with SIGKILL at moments drawn from a seed and started
//! again on its SQLite cursor, handles every event of the feed at least once.

use std::collections::HashSet;
use std::process::Command;
use std::time::{Duration, Instant};

use extern_api_core::Idempotency;
use extern_api_core::raw::prelude::*;
use extern_api_tests::*;

/// Every event id of the feed, read page by page until a read finds nothing new twice.
async fn feed(world: &World) -> Vec<String> {
    let mut stable = 0;
    let mut last = 0;
    loop {
        let mut ids = Vec::new();
        let mut from: Option<String> = None;
        loop {
            let f = from.clone();
            let page = world
                .client
                .call(Idempotency::Idempotent, move |c| {
                    let f = f.clone();
                    async move {
                        let mut rq = c.events_get_all().take(1000);
                        if let Some(f) = f {
                            rq = rq.from_id(f);
                        }
                        rq.send().await
                    }
                })
                .await
                .unwrap()
                .into_inner();
            if page.api_events.is_empty() {
                break;
            }
            ids.extend(page.api_events.iter().map(|e| e.id.clone()));
            from = page.next_event_id.clone();
        }
        stable = if ids.len() == last { stable + 1 } else { 0 };
        last = ids.len();
        if stable >= 2 {
            return ids;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn handled(log: &std::path::Path) -> HashSet<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_monitor_killed_at_random_loses_no_event() {
    let world = World::start().await;
    generate_docflows(&world.sandbox, 40).await;
    let events: HashSet<String> = feed(&world).await.into_iter().collect();
    assert!(events.len() > 100, "{} events", events.len());

    let dir = tempfile::tempdir().unwrap();
    let (cursor, log) = (
        dir.path().join("cursor.sqlite"),
        dir.path().join("handled.log"),
    );
    let child = || {
        Command::new(env!("CARGO_BIN_EXE_monitor-child"))
            .arg(world.sandbox.url())
            .arg(&cursor)
            .arg(&log)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut killed_mid_feed = 0;
    for _ in 0..4 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut process = child();
        tokio::time::sleep(Duration::from_millis(150 + state % 350)).await;
        if handled(&log).len() < events.len() {
            killed_mid_feed += 1;
        }
        process.kill().unwrap(); // SIGKILL
        process.wait().unwrap();
    }
    assert!(
        killed_mid_feed >= 1,
        "no kill landed in the middle of the feed"
    );
    // The last run goes on until everything is handled.
    let mut process = child();
    let started = Instant::now();
    while !events.is_subset(&handled(&log)) && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    process.kill().unwrap();
    process.wait().unwrap();
    let seen = handled(&log);
    let missing: Vec<&String> = events.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "{} events never handled: {missing:?}",
        missing.len()
    );
}
