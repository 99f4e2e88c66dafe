//! Cross-cutting behaviour: error shapes, trace ids, deferred tasks, locks, one send per draft,
//! the in-flight limit, Request-Timeout, docflow search and the events feed.

mod support;

use std::time::Duration;

use base64::Engine;
use extern_api_sandbox::SandboxConfig;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

#[tokio::test]
async fn errors_have_the_vendor_shape_and_every_answer_a_trace_id() {
    let api = Api::start().await;
    let ok = api.get("/v1").await;
    assert!(ok.headers.contains_key("x-kontur-trace-id"));
    // Malformed JSON.
    let r = api
        .http
        .post(api.url(&api.acc("/drafts")))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{\"sender\": ")
        .send()
        .await
        .unwrap();
    let bad = answer(r).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["id"], "urn:error:externapi:invalidJson");
    assert_eq!(bad.body["status-code"], 400);
    assert_eq!(
        bad.body["trace-id"],
        bad.headers["x-kontur-trace-id"].to_str().unwrap()
    );
    // Wrong content type.
    let r = api
        .http
        .post(api.url(&api.acc("/drafts")))
        .bearer_auth(&api.token)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // Valid JSON of the wrong shape, and bad values.
    assert_eq!(
        api.post(&api.acc("/drafts"), json!({ "sender": 5 }))
            .await
            .status,
        400
    );
    let bad_inn = api
        .post(
            &api.acc("/drafts"),
            json!({ "sender": { "inn": "12" }, "recipient": { "ifns-code": "0087" } }),
        )
        .await;
    assert_eq!(bad_inn.status, 400);
    assert!(
        bad_inn.body["message"]
            .as_str()
            .unwrap()
            .contains("10 or 12 digits")
    );
    // Unknown ids and routes.
    let missing = uuid::Uuid::new_v4();
    for path in [
        api.acc(&format!("/drafts/{missing}")),
        api.acc(&format!("/docflows/{missing}")),
        api.acc("/drafts/not-a-guid"),
        "/v1/nowhere/at/all".into(),
    ] {
        let a = api.get(&path).await;
        assert_eq!(a.status, 404, "{path}");
        assert!(
            a.body["id"].as_str().unwrap().starts_with("urn:error:"),
            "{path}"
        );
    }
    let a = api.send(Method::PATCH, "/v1", None).await;
    assert_eq!(a.status, 405);
}

#[tokio::test]
async fn long_operations_run_only_as_deferred_tasks() {
    let api = Api::start().await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    for query in ["", "?deferred=false", "?deferred=maybe"] {
        let a = api
            .send(
                Method::POST,
                &api.acc(&format!("/drafts/{draft}/check{query}")),
                None,
            )
            .await;
        assert_eq!(a.status, 400, "{query}");
        assert_eq!(a.body["id"], "urn:error:externapi:deferredRequired");
    }
}

#[tokio::test]
async fn a_running_task_locks_the_draft() {
    let config = SandboxConfig {
        task_delay_ms: 400,
        ..SandboxConfig::for_tests()
    };
    let api = Api::start_with(config).await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let started = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/{draft}/check?deferred=true")),
            None,
        )
        .await;
    assert_eq!(started.status, 200, "docs/FNS/report/send_report.rst");
    assert_eq!(started.body["task-state"], "running");
    let busy = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/{draft}/send?deferred=true")),
            None,
        )
        .await;
    assert_eq!(busy.status, 409);
    assert_eq!(
        busy.body["id"],
        "urn:error:externapi:concurrentApiTaskActive"
    );
    assert_eq!(
        busy.body["context"]["concurrent-task"]["id"],
        started.body["id"]
    );
    let (_, report) = report_for("0087");
    let content = api.upload(&report).await;
    let edit = api
        .post(
            &api.acc(&format!("/drafts/{draft}/documents")),
            json!({ "content-id": content }),
        )
        .await;
    assert_eq!(edit.status, 409);
    let task = api
        .wait_task(&api.acc(&format!(
            "/drafts/{draft}/tasks/{}",
            started.body["id"].as_str().unwrap()
        )))
        .await;
    assert_eq!(task["task-state"], "succeed");
    let tasks = api.get(&api.acc(&format!("/drafts/{draft}/tasks"))).await;
    assert_eq!(
        tasks.body["api-task-page-items"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_draft_is_sent_once() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    let doc = api.add_document(&draft, &report, None).await;
    api.sign_document(&draft, doc["id"].as_str().unwrap(), &signer.sign(&report))
        .await;
    let first = api.run_task(&draft, "send").await;
    let docflow = first["task-result"]["id"].clone();
    let again = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/{draft}/send?deferred=true")),
            None,
        )
        .await;
    assert_eq!(again.status, 400);
    assert_eq!(again.body["id"], "urn:error:externapi:draftAlreadySent");
    assert_eq!(again.body["context"]["docflow-id"], docflow);
    let d = api.get(&api.acc(&format!("/drafts/{draft}"))).await;
    assert_eq!(d.body["docflow-id"], docflow);
    let all = api.get(&api.acc("/docflows")).await;
    assert_eq!(all.body["total-count"], 1);
}

#[tokio::test]
async fn more_than_the_limit_in_flight_gets_429() {
    let config = SandboxConfig {
        max_in_flight: 3,
        latency_ms: 300,
        ..SandboxConfig::for_tests()
    };
    let api = Api::start_with(config).await;
    let calls = (0..8).map(|_| api.get("/v1"));
    let answers = futures::future::join_all(calls).await;
    let ok = answers.iter().filter(|a| a.status == 200).count();
    let limited: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!(ok, 3, "exactly the limit gets through");
    assert_eq!(limited.len(), 5);
    assert_eq!(limited[0].body["id"], "urn:error:externapi:tooManyRequests");
    // Slots are released: the next request passes.
    assert_eq!(api.get("/v1").await.status, 200);
}

#[tokio::test]
async fn request_timeout_is_respected() {
    let config = SandboxConfig {
        latency_ms: 500,
        ..SandboxConfig::for_tests()
    };
    let api = Api::start_with(config).await;
    let started = std::time::Instant::now();
    let r = api
        .http
        .get(api.url("/v1"))
        .bearer_auth(&api.token)
        .header("Request-Timeout", "0.1")
        .send()
        .await
        .unwrap();
    let a = answer(r).await;
    assert_eq!(a.status, 408);
    assert_eq!(a.body["id"], "urn:error:externapi:requestTimeout");
    assert!(started.elapsed() < Duration::from_millis(450));
    let r = api
        .http
        .get(api.url("/v1"))
        .bearer_auth(&api.token)
        .header("Request-Timeout", "5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn sent_docflows(api: &Api, codes: &[&str]) -> Vec<String> {
    let signer = api.signer(INN, KPP).await;
    let mut ids = Vec::new();
    for code in codes {
        ids.push(api.send_report(code, &signer).await);
    }
    ids
}

#[tokio::test]
async fn docflow_search_filters_and_pages() {
    let api = Api::start().await;
    let ids = sent_docflows(&api, &["0087", "0088", "0087"]).await;
    for id in &ids {
        api.wait_docflow(id, |d| d["success-state"] != "urn:docflow-state:neutral")
            .await;
    }
    async fn search_with(api: &Api, q: &str) -> Answer {
        api.get(&api.acc(&format!("/docflows{q}"))).await
    }
    let api = &api;
    let search = |q: &str| {
        let q = q.to_string();
        async move { search_with(api, &q).await }
    };
    let all = search("").await.body;
    assert_eq!(all["total-count"], 3);
    assert_eq!(
        all["docflows-page-item"][0]["id"],
        ids[0].as_str(),
        "oldest first by default"
    );
    assert!(all["docflows-page-item"][0].get("documents").is_none());
    let desc = search("?orderBy=descending&take=1").await.body;
    assert_eq!(desc["docflows-page-item"][0]["id"], ids[2].as_str());
    assert_eq!(desc["docflows-page-item"].as_array().unwrap().len(), 1);
    let page2 = search("?skip=1&take=1").await.body;
    assert_eq!(page2["docflows-page-item"][0]["id"], ids[1].as_str());
    assert_eq!(search("?successState=failed").await.body["total-count"], 1);
    assert_eq!(
        search("?successState=successful&successState=failed")
            .await
            .body["total-count"],
        3
    );
    assert_eq!(search("?cu=0088").await.body["total-count"], 1);
    assert_eq!(search("?type=fns534-report").await.body["total-count"], 3);
    assert_eq!(
        search("?type=fns534-report&type=stat-report").await.body["total-count"],
        3
    );
    assert_eq!(
        search("?type=fns534-inventory").await.body["total-count"],
        0
    );
    assert_eq!(
        search(&format!("?innKpp={INN}-{KPP}")).await.body["total-count"],
        3
    );
    assert_eq!(
        search("?innKpp=7701234560-770101001").await.body["total-count"],
        0
    );
    assert_eq!(search("?knd=0710099").await.body["total-count"], 3);
    assert_eq!(search("?finished=true").await.body["total-count"], 0);
    assert_eq!(search("?incoming=false").await.body["total-count"], 3);
    assert_eq!(
        search("?createdFrom=2999-01-01").await.body["total-count"],
        0
    );
    assert_eq!(
        search("?periodFrom=2024-01-01&periodTo=2024-12-31")
            .await
            .body["total-count"],
        3
    );
    assert_eq!(
        search("?take=5000").await.body["take"],
        1000,
        "take is capped at 1000"
    );
    for bad in [
        "?take=-1",
        "?innKpp=123",
        "?createdFrom=yesterday",
        "?periodFrom=2024-01-01",
        "?finished=perhaps",
        "?orderBy=sideways",
    ] {
        assert_eq!(search(bad).await.status, 400, "{bad}");
    }
}

fn states(page: &Value) -> Vec<String> {
    page["api-events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["new-state"]
                .as_str()
                .unwrap()
                .trim_start_matches("urn:transaction:")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn events_feed_one_event_per_change_in_a_stable_order() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let id = api.send_report("0087", &signer).await;
    let df = api
        .wait_docflow(&id, |d| {
            d["success-state"] == "urn:docflow-state:successful"
        })
        .await;
    api.answer_replies(&df, &signer).await;

    let first = api.get("/v1/events?fromId=0_0&take=3").await.body;
    assert_eq!(
        states(&first),
        ["report", "report-receipt", "acceptance-result-positive"]
    );
    assert_eq!(first["returned-count"], 3);
    let next = first["next-event-id"].as_str().unwrap();
    let rest = api
        .get(&format!("/v1/events?fromId={next}&take=100"))
        .await
        .body;
    let rest_states = states(&rest);
    assert_eq!(rest_states[0], "processing-result-ok");
    // Receipts on KV and IV are state changes; the optional receipt on the operator's date
    // confirmation changes nothing and makes no event.
    assert_eq!(
        rest_states
            .iter()
            .filter(|s| *s == "receipt-abonent")
            .count(),
        2,
        "{rest_states:?}"
    );
    let e = &rest["api-events"][0];
    assert_eq!(e["docflow-id"], id.as_str());
    assert_eq!(e["docflow-type"], "urn:docflow:fns534-report");
    assert_eq!(e["inn"], INN);
    // Same question, same answer; and past the end, an empty page that keeps the cursor.
    assert_eq!(
        api.get("/v1/events?fromId=0_0&take=3").await.body["api-events"],
        first["api-events"]
    );
    let end = rest["next-event-id"].as_str().unwrap();
    let empty = api.get(&format!("/v1/events?fromId={end}")).await.body;
    assert_eq!(empty["returned-count"], 0);
    assert_eq!(empty["next-event-id"], end);
    assert_eq!(api.get("/v1/events?fromId=garbage").await.status, 400);
}

#[tokio::test]
async fn replies_are_checked() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let stranger = api.signer("7701234560", "770101001").await;
    let id = api.send_report("0087", &signer).await;
    let df = api
        .wait_docflow(&id, |d| {
            d["success-state"] == "urn:docflow-state:successful"
        })
        .await;
    let doc = df["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["description"]["type"] == "urn:document:fns534-report-acceptance-result-positive"
        })
        .unwrap();
    let base = api.acc(&format!(
        "/docflows/{id}/documents/{}",
        doc["id"].as_str().unwrap()
    ));
    let generate = |kind: &str, cert: &[u8]| {
        let path = format!("{base}/generate-reply?documentType={kind}");
        let body = json!({ "certificate-base64": B64.encode(cert) });
        let api = &api;
        async move { api.post(&path, body).await }
    };
    // A reply that is not due, a certificate of another INN, not a certificate.
    assert_eq!(
        generate("fns534-report-processing-result-ok", &signer.certificate)
            .await
            .status,
        400
    );
    let other = generate("fns534-report-receipt", &stranger.certificate).await;
    assert_eq!(other.status, 400);
    assert_eq!(
        other.body["id"],
        "urn:error:externapi:certificateInnMismatch"
    );
    assert_eq!(generate("fns534-report-receipt", b"junk").await.status, 400);
    let reply = generate("fns534-report-receipt", &signer.certificate).await;
    assert_eq!(reply.status, 201);
    let rid = reply.body["id"].as_str().unwrap();
    let content = B64.decode(reply.body["content"].as_str().unwrap()).unwrap();
    // Sending unsigned, signing tampered bytes, signing with another certificate.
    assert_eq!(
        api.post(&format!("{base}/replies/{rid}/send"), json!({}))
            .await
            .body["id"],
        "urn:error:externapi:replyNotSigned"
    );
    let tampered = api
        .put_bytes(
            &format!("{base}/replies/{rid}/signature"),
            signer.sign(b"something else"),
        )
        .await;
    assert_eq!(tampered.status, 400);
    let another = api.signer(INN, KPP).await;
    assert_eq!(
        api.put_bytes(
            &format!("{base}/replies/{rid}/signature"),
            another.sign(&content)
        )
        .await
        .body["id"],
        "urn:error:externapi:certificateMismatch"
    );
    assert_eq!(
        api.put_bytes(
            &format!("{base}/replies/{rid}/signature"),
            signer.sign(&content)
        )
        .await
        .status,
        200
    );
    assert_eq!(
        api.post(
            &format!("{base}/replies/{rid}/send"),
            json!({ "sender-ip": "127.0.0.1" })
        )
        .await
        .status,
        200
    );
    // Sent once: again is refused, and the link is gone.
    assert_eq!(
        api.post(&format!("{base}/replies/{rid}/send"), json!({}))
            .await
            .status,
        400
    );
    assert_eq!(
        generate("fns534-report-receipt", &signer.certificate)
            .await
            .body["id"],
        "urn:error:externapi:replyNotAvailable"
    );
}

#[tokio::test]
async fn test_tools_generate_docflows_that_the_robots_answer() {
    let api = Api::start().await;
    let a = api
        .post(
            "/test-tools/v1/generate-docflows",
            json!({ "count": 30, "ifns-code": "0088" }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["created"], 30);
    let page = api.get(&api.acc("/docflows?take=1000")).await.body;
    assert_eq!(page["total-count"], 30);
    let id = page["docflows-page-item"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let df = api
        .wait_docflow(&id, |d| d["success-state"] == "urn:docflow-state:failed")
        .await;
    assert_eq!(state(&df), ("response-arrived".into(), "failed".into()));
    // Their reports carry a valid signature of the organization.
    let report = &df["documents"][0];
    assert_eq!(report["description"]["type"], "urn:document:fns534-report");
    assert_eq!(report["signatures"].as_array().unwrap().len(), 1);
    for bad in [
        json!({ "count": 0 }),
        json!({ "count": 5, "ifns-code": "87" }),
    ] {
        assert_eq!(
            api.post("/test-tools/v1/generate-docflows", bad)
                .await
                .status,
            400
        );
    }
}
