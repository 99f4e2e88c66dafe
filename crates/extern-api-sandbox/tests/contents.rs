//! The contents service: whole uploads, parts in any order, ranged downloads, limits.

mod support;

use extern_api_sandbox::SandboxConfig;
use support::*;

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

async fn post_part(api: &Api, range: Option<&str>, bytes: Vec<u8>) -> Answer {
    let mut req = api
        .http
        .post(api.url(&api.acc("/contents")))
        .bearer_auth(&api.token)
        .body(bytes);
    if let Some(r) = range {
        req = req.header("Content-Range", r);
    }
    answer(req.send().await.unwrap()).await
}

async fn put_part(api: &Api, id: &str, range: &str, bytes: Vec<u8>) -> Answer {
    let req = api
        .http
        .put(api.url(&api.acc(&format!("/contents/{id}"))))
        .bearer_auth(&api.token)
        .header("Content-Range", range)
        .body(bytes);
    answer(req.send().await.unwrap()).await
}

#[tokio::test]
async fn whole_upload_and_download() {
    let api = Api::start().await;
    let data = pattern(100_000);
    let id = api.upload(&data).await;
    let a = api.get(&api.acc(&format!("/contents/{id}"))).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.bytes, data);
    assert_eq!(a.headers["content-type"], "application/octet-stream");
}

#[tokio::test]
async fn parts_in_any_order_complete_with_201() {
    let api = Api::start().await;
    let data = pattern(30);
    let first = post_part(&api, Some("bytes 20-29/30"), data[20..].to_vec()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["is-completed"], false);
    let id = first.body["id"].as_str().unwrap().to_string();
    let a = put_part(&api, &id, "bytes 0-9/30", data[..10].to_vec()).await;
    assert_eq!(a.status, 200);
    // Not complete yet: downloading is refused.
    assert_eq!(
        api.get(&api.acc(&format!("/contents/{id}"))).await.status,
        409
    );
    // The same part again is a retry and is accepted.
    assert_eq!(
        put_part(&api, &id, "bytes 0-9/30", data[..10].to_vec())
            .await
            .status,
        200
    );
    let done = put_part(&api, &id, "bytes 10-19/30", data[10..20].to_vec()).await;
    assert_eq!(done.status, 201);
    assert_eq!(done.body["is-completed"], true);
    assert_eq!(
        api.get(&api.acc(&format!("/contents/{id}"))).await.bytes,
        data
    );
}

#[tokio::test]
async fn unknown_total_then_known() {
    let api = Api::start().await;
    let data = pattern(20);
    let a = post_part(&api, Some("bytes 0-9/*"), data[..10].to_vec()).await;
    assert_eq!(a.status, 200);
    let id = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        put_part(&api, &id, "bytes 10-19/20", data[10..].to_vec())
            .await
            .status,
        201
    );
    assert_eq!(
        api.get(&api.acc(&format!("/contents/{id}"))).await.bytes,
        data
    );
}

#[tokio::test]
async fn ranged_downloads_answer_206_with_content_range() {
    let api = Api::start().await;
    let data = pattern(1000);
    let id = api.upload(&data).await;
    let r = api
        .http
        .get(api.url(&api.acc(&format!("/contents/{id}"))))
        .bearer_auth(&api.token)
        .header("Range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    let a = answer(r).await;
    assert_eq!(a.status, 206);
    assert_eq!(a.headers["content-range"], "bytes 100-199/1000");
    assert_eq!(a.bytes, &data[100..200]);
    let r = api
        .http
        .get(api.url(&api.acc(&format!("/contents/{id}"))))
        .bearer_auth(&api.token)
        .header("Range", "bytes=5000-")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 416);
}

#[tokio::test]
async fn bad_parts_are_refused_and_stored_parts_survive() {
    let api = Api::start().await;
    let data = pattern(30);
    let a = post_part(&api, Some("bytes 0-9/30"), data[..10].to_vec()).await;
    let id = a.body["id"].as_str().unwrap().to_string();
    // Beyond the declared total.
    let beyond = put_part(&api, &id, "bytes 25-34/30", pattern(10)).await;
    assert_eq!(beyond.status, 400);
    assert!(
        beyond.body["message"]
            .as_str()
            .unwrap()
            .contains("beyond the declared total"),
        "{}",
        beyond.body
    );
    // A different total than declared before.
    assert_eq!(
        put_part(&api, &id, "bytes 10-19/40", pattern(10))
            .await
            .status,
        400
    );
    // Overlapping a stored part.
    assert_eq!(
        put_part(&api, &id, "bytes 5-14/30", pattern(10))
            .await
            .status,
        400
    );
    // Body length not matching the range.
    assert_eq!(
        put_part(&api, &id, "bytes 10-19/30", pattern(5))
            .await
            .status,
        400
    );
    // Garbage range.
    assert_eq!(put_part(&api, &id, "lots", pattern(5)).await.status, 400);
    // What was stored is intact: finish and compare.
    assert_eq!(
        put_part(&api, &id, "bytes 10-29/30", data[10..].to_vec())
            .await
            .status,
        201
    );
    assert_eq!(
        api.get(&api.acc(&format!("/contents/{id}"))).await.bytes,
        data
    );
}

#[tokio::test]
async fn parts_over_the_limit_get_413() {
    let config = SandboxConfig {
        part_limit: 1024,
        ..SandboxConfig::for_tests()
    };
    let api = Api::start_with(config).await;
    let declared = post_part(&api, Some("bytes 0-2047/4096"), pattern(2048)).await;
    assert_eq!(declared.status, 413);
    assert_eq!(
        declared.body["id"],
        "urn:error:externapi:contentPartTooLarge"
    );
    let whole = post_part(&api, None, pattern(2048)).await;
    assert_eq!(whole.status, 413);
    assert_eq!(post_part(&api, None, pattern(1024)).await.status, 201);
}

#[tokio::test]
async fn empty_content_and_unknown_ids() {
    let api = Api::start().await;
    assert_eq!(post_part(&api, None, Vec::new()).await.status, 400);
    let unknown = uuid::Uuid::new_v4();
    assert_eq!(
        api.get(&api.acc(&format!("/contents/{unknown}")))
            .await
            .status,
        404
    );
    assert_eq!(
        put_part(&api, &unknown.to_string(), "bytes 0-0/1", vec![1])
            .await
            .status,
        404
    );
}
