//! Injected faults over HTTP: reproducible from a seed, per route, with or without effect.

mod support;

use extern_api_sandbox::{FaultConfig, FaultRule, SandboxConfig};
use serde_json::json;
use support::*;

fn with_rule(rule: FaultRule, seed: u64) -> SandboxConfig {
    SandboxConfig {
        faults: FaultConfig {
            seed,
            rules: vec![rule],
        },
        ..SandboxConfig::for_tests()
    }
}

async fn statuses(seed: u64) -> Vec<u16> {
    let rule = FaultRule {
        path: "/drafts".into(),
        error_503: 0.5,
        ..Default::default()
    };
    let api = Api::start_with(with_rule(rule, seed)).await;
    let mut out = Vec::new();
    for _ in 0..24 {
        out.push(api.get(&api.acc("/drafts")).await.status.as_u16());
    }
    out
}

#[tokio::test]
async fn faults_are_reproducible_from_a_seed() {
    let a = statuses(11).await;
    assert_eq!(a, statuses(11).await);
    assert_ne!(a, statuses(12).await);
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn faults_apply_to_their_route_only() {
    let rule = FaultRule {
        path: "/drafts".into(),
        error_500: 1.0,
        ..Default::default()
    };
    let api = Api::start_with(with_rule(rule, 1)).await;
    let a = api.get(&api.acc("/drafts")).await;
    assert_eq!(a.status, 500);
    assert_eq!(a.body["id"], "urn:error:externapi:injectedFault");
    assert_eq!(api.get(&api.acc("/docflows")).await.status, 200);
    assert_eq!(api.get("/v1").await.status, 200);
}

#[tokio::test]
async fn too_many_requests_says_when_to_come_back() {
    let rule = FaultRule {
        path: "/docflows".into(),
        error_429: 1.0,
        limit: 1,
        ..Default::default()
    };
    let api = Api::start_with(with_rule(rule, 1)).await;
    let a = api.get(&api.acc("/docflows")).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.headers["retry-after"], "0");
    assert_eq!(
        api.get(&api.acc("/docflows")).await.status,
        200,
        "the rule's limit is spent"
    );
}

/// Whether a GET of the drafts fails at the client, in sending or in reading the body.
async fn fails(api: &Api) -> bool {
    match api
        .http
        .get(api.url(&api.acc("/drafts")))
        .bearer_auth(&api.token)
        .send()
        .await
    {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    }
}

#[tokio::test]
async fn resets_and_truncated_bodies_fail_at_the_client() {
    let reset = Api::start_with(with_rule(
        FaultRule {
            path: "/drafts".into(),
            reset: 1.0,
            ..Default::default()
        },
        1,
    ))
    .await;
    assert!(fails(&reset).await, "a reset connection gives no answer");
    let cut = Api::start_with(with_rule(
        FaultRule {
            path: "/drafts".into(),
            truncate: 1.0,
            ..Default::default()
        },
        1,
    ))
    .await;
    assert!(fails(&cut).await, "a truncated body fails to read");
    let fine = Api::start().await;
    assert!(!fails(&fine).await);
}

#[tokio::test]
async fn an_after_effect_fault_loses_the_answer_not_the_work() {
    let rule = FaultRule {
        path: "/drafts".into(),
        method: "POST".into(),
        error_503: 1.0,
        after_effect: true,
        limit: 1,
        ..Default::default()
    };
    let api = Api::start_with(with_rule(rule, 1)).await;
    let lost = api
        .post(
            &api.acc("/drafts"),
            json!({ "sender": { "inn": INN, "kpp": KPP }, "recipient": { "ifns-code": "0087" } }),
        )
        .await;
    assert_eq!(lost.status, 503);
    let drafts = api.get(&api.acc("/drafts")).await;
    assert_eq!(
        drafts.body["total-count"], 1,
        "the draft was created all the same"
    );
}
