//! `--data-dir`. A stopped sandbox started again on its directory answers every GET as before
//! and goes on. The sandbox process killed (SIGKILL) in the middle of a report's flow — once
//! while its send task runs, once while the robots' answers are still due — and started again on
//! the same directory takes the flow to its end: the same token works, the events keep their
//! ids, the certificate issued before still signs, and the report's content is still there.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use support::*;

/// A sandbox process, killed when dropped (a failing test leaves none behind).
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The sandbox binary on `port`, keeping its state in `dir`.
fn spawn(dir: &std::path::Path, port: u16) -> Process {
    let config = dir.with_extension("toml");
    // Slow enough to be killed in between: a task takes 700 ms, the robots a second a step.
    std::fs::write(
        &config,
        "task-delay-ms = 700\n[robots]\nreceipt-ms = 300\nacceptance-ms = 1500\nprocessing-ms = 1500\n",
    )
    .unwrap();
    Command::new(env!("CARGO_BIN_EXE_extern-api-sandbox"))
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir)
        .stdout(Stdio::null())
        .spawn()
        .map(Process)
        .unwrap()
}

/// Waits until the sandbox answers.
async fn ready(base: &str) {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = http
            .get(format!("{base}/test-tools/v1/ca-certificate"))
            .send()
            .await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the sandbox at {base} did not start");
}

/// Kills the process the hard way (no chance to save anything more) and starts it again.
async fn kill_and_restart(child: &mut Process, dir: &std::path::Path, port: u16, api: &mut Api) {
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    *child = spawn(dir, port);
    ready(&api.base).await;
    // The old connections died with the process.
    api.http = reqwest::Client::new();
}

async fn events(api: &Api) -> Vec<Value> {
    let a = api.get("/v1/events?fromId=0&take=1000").await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["api-events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_killed_sandbox_continues_from_its_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = spawn(&data, port);
    let base = format!("http://127.0.0.1:{port}");
    ready(&base).await;
    let mut api = Api::connect(&base).await;
    let account = api.account.clone();

    // A signed report, checked and prepared; the send task started, and the process killed
    // while it runs.
    let signer = api.signer(INN, KPP).await;
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let (_, report) = report_for("0087");
    let doc = api.add_document(&draft, &report, None).await;
    api.sign_document(&draft, doc["id"].as_str().unwrap(), &signer.sign(&report))
        .await;
    assert_eq!(api.run_task(&draft, "check").await["task-state"], "succeed");
    assert_eq!(
        api.run_task(&draft, "prepare").await["task-state"],
        "succeed"
    );
    let started = api
        .send(
            Method::POST,
            &api.acc(&format!("/drafts/{draft}/send?deferred=true")),
            None,
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let task = started.body["id"].as_str().unwrap().to_string();
    kill_and_restart(&mut child, &data, port, &mut api).await;

    // The same token and account; the send task taken up again and finished.
    assert_eq!(api.account, account);
    let sent = api
        .wait_task(&api.acc(&format!("/drafts/{draft}/tasks/{task}")))
        .await;
    assert_eq!(sent["task-state"], "succeed", "{sent}");
    let docflow = sent["task-result"]["id"].as_str().unwrap().to_string();

    // Killed again while the robots' answers are due.
    let before = events(&api).await;
    assert!(!before.is_empty());
    let delivered = api.get(&api.acc(&format!("/docflows/{docflow}"))).await;
    assert_ne!(state(&delivered.body).0, "finished", "{}", delivered.body);
    kill_and_restart(&mut child, &data, port, &mut api).await;

    // The robots take up their schedule: acceptance, then the processing result.
    let mut answered = Value::Null;
    for _ in 0..100 {
        let a = api.get(&api.acc(&format!("/docflows/{docflow}"))).await;
        assert_eq!(a.status, 200, "{}", a.body);
        answered = a.body;
        if answered
            .to_string()
            .contains("fns534-report-processing-result-ok")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        state(&answered),
        ("response-arrived".into(), "successful".into()),
        "{answered}"
    );
    // The replies are signed with the certificate issued before both kills: the CA is the same.
    assert_eq!(api.answer_replies(&answered, &signer).await, 3);
    let finished = api
        .get(&api.acc(&format!("/docflows/{docflow}")))
        .await
        .body;
    assert_eq!(
        state(&finished),
        ("finished".into(), "successful".into()),
        "{finished}"
    );

    // The events before the kill are the same ones, with the same ids; later ones follow them.
    let after = events(&api).await;
    assert!(after.len() > before.len(), "{after:?}");
    assert_eq!(after[..before.len()], before[..]);
    let ids: Vec<&str> = after.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "event ids repeat: {ids:?}");

    // The report's bytes, spooled before the first kill, are still served.
    let plain = finished["documents"][0]["content"]["docflow-document-contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["compression-type"] == "none")
        .unwrap_or_else(|| panic!("no plain variant in {finished}"))["content-id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = api.get(&api.acc(&format!("/contents/{plain}"))).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.bytes, report);
    drop(child);
}

/// The GET answers a client would compare: accounts, the docflow list and each docflow (a
/// finished report, a demand), the events, certificates, the draft.
async fn views(api: &Api, draft: &str) -> Vec<(String, Value)> {
    let mut paths = vec![
        "/v1".to_string(),
        api.acc("/docflows"),
        "/v1/events?fromId=0&take=1000".to_string(),
        api.acc("/certificates"),
        api.acc(&format!("/drafts/{draft}")),
    ];
    let list = api.get(&api.acc("/docflows")).await.body;
    for d in list["docflows-page-item"].as_array().unwrap() {
        paths.push(api.acc(&format!("/docflows/{}", d["id"].as_str().unwrap())));
    }
    let mut out = Vec::new();
    for path in paths {
        let a = api.get(&path).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        out.push((path, a.body));
    }
    out
}

#[tokio::test]
async fn a_restarted_sandbox_answers_as_before_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let config = extern_api_sandbox::SandboxConfig {
        data_dir: Some(dir.path().to_path_buf()),
        ..extern_api_sandbox::SandboxConfig::for_tests()
    };
    let mut api = Api::start_with(config.clone()).await;
    let signer = api.signer(INN, KPP).await;
    let report = api.send_report("0087", &signer).await;
    let answered = api
        .wait_docflow(&report, |d| state(d).0 == "response-arrived")
        .await;
    api.answer_replies(&answered, &signer).await;
    let demand = api.post("/test-tools/v1/generate-demand", json!({})).await;
    assert_eq!(demand.status, 200, "{}", demand.body);
    let cloud = api
        .post(
            "/test-tools/v1/generate-cloud-certificate",
            json!({ "inn": INN, "kpp": KPP, "confirm-type": "sms" }),
        )
        .await;
    assert_eq!(cloud.status, 200, "{}", cloud.body);
    let draft = api.draft(json!({ "ifns-code": "0087" })).await;
    let before = views(&api, &draft).await;

    // Stopped (not killed) and started again on the same address and directory.
    let addr = api.sandbox().addr();
    drop(api.take_sandbox());
    let mut sandbox = None;
    for _ in 0..100 {
        match extern_api_sandbox::Sandbox::bind(config.clone(), addr).await {
            Ok(s) => {
                sandbox = Some(s);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    api.set_sandbox(sandbox.expect("the address is free again"));
    api.http = reqwest::Client::new();

    let after = views(&api, &draft).await;
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "{path} answers differently after the restart");
    }
    // And it goes on: the signer issued before the restart sends another report to its end.
    let second = api.send_report("0087", &signer).await;
    let answered = api
        .wait_docflow(&second, |d| state(d).0 == "response-arrived")
        .await;
    assert_eq!(api.answer_replies(&answered, &signer).await, 3);
    let events = api.get("/v1/events?fromId=0&take=1000").await.body;
    let seqs: Vec<&str> = events["api-events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let before_events = &before[2].1["api-events"];
    assert!(seqs.len() > before_events.as_array().unwrap().len());
}
