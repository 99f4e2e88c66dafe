//! Every HTTP exchange of the vendor's documentation (tests/conformance/exchanges/*.json), replayed
//! against the sandbox and decoded with the client's types. See tests/conformance/README.md.

#[path = "../conformance/runner/description.rs"]
mod description;
#[path = "../conformance/runner/shape.rs"]
mod shape;
#[path = "../conformance/runner/world.rs"]
mod world;

use description::{Answer, Description};
use serde_json::Value;
use world::World;

const EXCHANGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/exchanges");

/// `{name}` placeholders in `text` replaced by the world's (or the page's captured) variables.
async fn substitute(
    text: &str,
    world: &mut World,
    captured: &std::collections::HashMap<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            let name = &after[..name_len];
            let value = match captured.get(name) {
                Some(v) => v.clone(),
                None => world.var(name).await?,
            };
            out.push_str(&value);
            rest = &after[name_len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// A JSON value with every string's placeholders substituted.
async fn substitute_json(
    v: &Value,
    world: &mut World,
    captured: &std::collections::HashMap<String, String>,
) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => Value::String(Box::pin(substitute(s, world, captured)).await?),
        Value::Array(a) => {
            let mut out = Vec::with_capacity(a.len());
            for x in a {
                out.push(Box::pin(substitute_json(x, world, captured)).await?);
            }
            Value::Array(out)
        }
        Value::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, x) in o {
                out.insert(
                    k.clone(),
                    Box::pin(substitute_json(x, world, captured)).await?,
                );
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// The documented body decoded with extern-api-raw's type for the operation and status.
fn decode(description: &Description, exchange: &Value) -> Result<(), String> {
    let request = &exchange["request"];
    let method = request["method"].as_str().unwrap_or("GET");
    let path = request["path"].as_str().unwrap_or("");
    if !path.starts_with("/v1") {
        return Ok(()); // the identity provider is not part of the description
    }
    let Some((template, op)) = description.operation(method, path) else {
        if exchange["expect_instead"]["status"] == 404 {
            return Ok(()); // a route newer material dropped: not described on purpose
        }
        return Err(format!("the description has no operation {method} {path}"));
    };
    let Some(status) = exchange["response"]["status"].as_u64() else {
        return Ok(());
    };
    let body = &exchange["response"]["body"];
    match Description::answer(op, status as u16) {
        None => Err(format!(
            "the description does not declare {status} for {method} {template}"
        )),
        Some(Answer::Unnamed) => Ok(()),
        Some(Answer::Schema(_)) if body.is_null() => Ok(()),
        Some(Answer::Schema(name)) => {
            let items: Vec<&Value> = match body {
                Value::Array(a) => a.iter().collect(),
                one => vec![one],
            };
            for item in items {
                match extern_api_core::raw::decode_schema(&name, item.clone()) {
                    None => return Err(format!("extern-api-raw has no type for schema {name}")),
                    Some(Err(e)) => {
                        return Err(format!(
                            "the documented body does not decode as {name}: {e}"
                        ));
                    }
                    Some(Ok(())) => {}
                }
            }
            Ok(())
        }
    }
}

/// A task the answer started (`task-state: running`) is waited for before the page's next step,
/// as a reader following the page would: `…/{op}?…` → `…/tasks/{id}`.
async fn settle(world: &World, path: &str, answer: &Value) {
    let (Some("running"), Some(id)) = (answer["task-state"].as_str(), answer["id"].as_str()) else {
        return;
    };
    let base = path.split('?').next().unwrap_or(path);
    let Some((owner, _op)) = base.rsplit_once('/') else {
        return;
    };
    let url = format!("{owner}/tasks/{id}");
    for _ in 0..200 {
        match world.api(reqwest::Method::GET, &url, None).await {
            Ok(t) if t["task-state"] != "running" => return,
            Err(_) => return,
            _ => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
        }
    }
}

/// Sends one documented request; checks the status and the shape; captures variables.
async fn replay(
    world: &mut World,
    exchange: &Value,
    captured: &mut std::collections::HashMap<String, String>,
) -> Result<(), String> {
    let request = &exchange["request"];
    let method: reqwest::Method = request["method"]
        .as_str()
        .unwrap_or("GET")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let path = substitute(request["path"].as_str().unwrap_or(""), world, captured).await?;
    let mut rq = world
        .http
        .request(method.clone(), format!("{}{path}", world.sandbox.url()));
    if exchange["auth"].as_str() != Some("none") && !path.starts_with("/connect/") {
        rq = rq.bearer_auth(&world.token);
    }
    let mut content_range = false;
    if let Some(headers) = request["headers"].as_object() {
        for (k, v) in headers {
            if k.eq_ignore_ascii_case("content-range") {
                content_range = true;
                continue;
            }
            let v = substitute(v.as_str().unwrap_or(""), world, captured).await?;
            rq = rq.header(k.as_str(), v);
        }
    }
    if request["body_bytes"].as_str() == Some("report") {
        let n = world.report.len();
        rq = rq
            .header("Content-Type", "application/octet-stream")
            .body(world.report.clone());
        if content_range || method == reqwest::Method::POST {
            rq = rq.header("Content-Range", format!("bytes 0-{}/{n}", n - 1));
        }
    } else if let Some(form) = request["body_form"].as_object() {
        let mut fields = Vec::new();
        for (k, v) in form {
            fields.push((
                k.clone(),
                substitute(v.as_str().unwrap_or(""), world, captured).await?,
            ));
        }
        rq = rq.form(&fields);
    } else if !request["body"].is_null() {
        rq = rq.json(&substitute_json(&request["body"], world, captured).await?);
    }
    let rs = rq
        .send()
        .await
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let status = rs.status().as_u16();
    let text = rs.text().await.map_err(|e| e.to_string())?;
    let actual: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let short = || text.chars().take(300).collect::<String>();
    if std::env::var("CONFORMANCE_DEBUG").is_ok() {
        println!("{method} {path} → {status} {}", short());
    }
    // Newer material than the page says otherwise: the sandbox answers like the newer source.
    let instead = &exchange["expect_instead"];
    let expected = instead["status"]
        .as_u64()
        .or_else(|| exchange["response"]["status"].as_u64());
    match expected {
        Some(documented) if documented != status as u64 => {
            return Err(format!(
                "{method} {path}: documented {documented}, the sandbox answered {status}: {}",
                short()
            ));
        }
        None if !(200..300).contains(&status) => {
            return Err(format!(
                "{method} {path}: the sandbox answered {status}: {}",
                short()
            ));
        }
        _ => {}
    }
    settle(world, &path, &actual).await;
    if let Some(capture) = exchange["capture"].as_object() {
        for (name, pointer) in capture {
            let v = actual
                .pointer(pointer.as_str().unwrap_or(""))
                .ok_or_else(|| {
                    format!("{method} {path}: nothing at {pointer} to capture {name}")
                })?;
            let v = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            captured.insert(name.clone(), v);
        }
    }
    let documented = &exchange["response"]["body"];
    if !documented.is_null() && instead.is_null() {
        let differences = shape::differences(documented, &actual);
        if !differences.is_empty() {
            return Err(format!(
                "{method} {path}: the answer lacks the documented shape:\n      {}",
                differences.join("\n      ")
            ));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_exchange() {
    let description = Description::load();
    let mut files: Vec<_> = std::fs::read_dir(EXCHANGES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let only = std::env::var("CONFORMANCE_ONLY").ok();
    let mut world = World::start().await;
    let (mut total, mut failures, mut superseded) = (0, Vec::new(), 0);
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        let page: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let source = page["source"]["path"].as_str().unwrap_or("?").to_string();
        let mut captured = std::collections::HashMap::new();
        for exchange in page["exchanges"].as_array().unwrap() {
            total += 1;
            let label = format!(
                "{name} · {} ({source})",
                exchange["name"].as_str().unwrap_or("?")
            );
            if exchange["expect_instead"].is_object() {
                superseded += 1;
                if exchange["expect_instead"]["because"]
                    .as_str()
                    .is_none_or(str::is_empty)
                {
                    failures.push(format!("{label}\n    expect_instead without a reason"));
                    continue;
                }
            }
            let mut result = decode(&description, exchange);
            if result.is_ok() && exchange["replay"].as_bool() != Some(false) {
                result = replay(&mut world, exchange, &mut captured).await;
            }
            if let Err(why) = result {
                failures.push(format!("{label}\n    {why}"));
            }
        }
    }
    for f in &failures {
        println!("FAILED {f}");
    }
    let passed = total - failures.len();
    println!(
        "{total} documented exchanges: {passed} passed, {} failed \
         ({superseded} answered as newer vendor material says instead, each with its reason)",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} documented exchanges failed",
        failures.len()
    );
}

/// Every operation of the description has a route in the sandbox: called with the account's id
/// and fresh ids elsewhere, none answers the router's own "no such route" or "method not allowed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_described_operation_is_served() {
    let description = Description::load();
    let mut world = World::start().await;
    let account = world.var("accountId").await.unwrap();
    let (mut total, mut missing) = (0, Vec::new());
    for (method, template) in description.all() {
        total += 1;
        let path: String = template
            .split('/')
            .map(|segment| match segment {
                "{accountId}" => account.clone(),
                s if s.starts_with('{') => uuid::Uuid::new_v4().to_string(),
                s => s.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let rs = world
            .http
            .request(
                method.parse().unwrap(),
                format!("{}{path}", world.sandbox.url()),
            )
            .bearer_auth(&world.token)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        let status = rs.status().as_u16();
        let body: Value = rs.json().await.unwrap_or(Value::Null);
        if (status == 404 && body["message"] == "no such route") || status == 405 {
            missing.push(format!("{method} {template}"));
        }
    }
    for m in &missing {
        println!("NOT SERVED {m}");
    }
    println!(
        "{total} described operations: {} served by the sandbox, {} not",
        total - missing.len(),
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "{} operations have no sandbox route",
        missing.len()
    );
}
