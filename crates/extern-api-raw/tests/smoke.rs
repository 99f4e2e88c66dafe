//! The generated client against a local HTTP server: what goes on the wire (method, path, query,
//! headers, body) and how answers decode (unknown fields and URNs, naive timestamps, typed errors,
//! raw bytes, the trace id).

use std::sync::{Arc, Mutex};

use extern_api_raw::credentials::{Authorization, Secret, StaticCredentials};
use extern_api_raw::hooks::Inner;
use extern_api_raw::prelude::*;
use extern_api_raw::{Client, ClientInfo, Error, types};
use futures::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const ACCOUNT: &str = "bd0cd3f6-315d-4f03-a9cc-3507f63265ed";
const DOCFLOW: &str = "a9bc74bd-311b-43f0-aff7-faba24ce35d9";

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 server that records each request and answers it with the same canned reply.
async fn serve(
    status: u16,
    content_type: &'static str,
    reply: &'static [u8],
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (read, mut write) = socket.into_split();
            let mut reader = BufReader::new(read);
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_string();
            let target = parts.next().unwrap_or_default().to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).await.unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (n, v) = h.split_once(':').unwrap();
                headers.push((n.trim().to_string(), v.trim().to_string()));
            }
            let len: usize = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or(0);
            let mut body = vec![0; len];
            reader.read_exact(&mut body).await.unwrap();
            log.lock().unwrap().push(Seen {
                method,
                target,
                headers,
                body,
            });
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
                 x-kontur-trace-id: trace-{status}\r\nconnection: close\r\n\r\n",
                reply.len()
            );
            write.write_all(head.as_bytes()).await.unwrap();
            write.write_all(reply).await.unwrap();
            write.shutdown().await.unwrap();
        }
    });
    (url, seen)
}

fn bearer_client(url: &str) -> Client {
    let creds = StaticCredentials(Authorization::Bearer(Secret::new("token-1")));
    Client::new_with_client(
        url,
        reqwest::Client::new(),
        Inner::with_credentials(Arc::new(creds)),
    )
}

#[tokio::test]
async fn json_body_bearer_token_and_no_api_version() {
    let (url, seen) = serve(
        201,
        "application/json",
        br#"{"id":"74b6e8b9-290a-4d12-b874-c7fb35cad54f","status":"new","brand-new-field":{"x":1}}"#,
    )
    .await;
    let client = bearer_client(&url);
    let meta = types::DraftMeta {
        sender: Some(types::Sender {
            inn: "6676130154".into(),
            kpp: Some("667601001".into()),
            ipaddress: Some("127.0.0.1".into()),
            certificate: None,
            is_representative: None,
            name: None,
        }),
        recipient: Some(types::Recipient {
            ifns_code: Some("0087".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let draft = client
        .drafts_create()
        .account_id(ACCOUNT.parse::<uuid::Uuid>().unwrap())
        .body(meta)
        .send()
        .await
        .unwrap();
    assert_eq!(draft.status().as_u16(), 201);
    assert_eq!(draft.status.as_deref(), Some("new"));

    let req = seen.lock().unwrap()[0].clone();
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, format!("/v1/{ACCOUNT}/drafts"));
    assert_eq!(req.header("authorization"), Some("Bearer token-1"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(
        req.header("api-version"),
        None,
        "progenitor's api-version header is stripped"
    );
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "sender": { "inn": "6676130154", "kpp": "667601001", "ipaddress": "127.0.0.1" },
            "recipient": { "ifns-code": "0087" }
        })
    );
    assert_eq!(client.inner().trace().last().as_deref(), Some("trace-201"));
}

#[tokio::test]
async fn docflow_with_unknown_urns_fields_and_naive_timestamps_decodes() {
    let (url, seen) = serve(
        200,
        "application/json; charset=utf-8",
        r#"{"id":"a9bc74bd-311b-43f0-aff7-faba24ce35d9","type":"urn:docflow:fns534-brand-new",
            "status":"urn:docflow-common-status:teleported","success-state":"urn:docflow-state:neutral",
            "send-date":"2020-02-26T06:51:08.4636938Z","last-change-date":"2020-02-26T06:51:08.4636938",
            "description":{"period-begin":"2012-01-01T00:00:00.0000000","period-code":34},
            "documents":[{"id":"75d929b9-08a9-4692-961d-111cc87dc2e8","description":{"type":"urn:document:x","support-print":true},"future":[1,2]}],
            "links":[{"rel":"reply","href":"/x","name":"fns534-report-receipt"}]}"#
            .as_bytes(),
    )
    .await;
    let client = bearer_client(&url);
    let docflow = client
        .docflows_get()
        .account_id(ACCOUNT.parse::<uuid::Uuid>().unwrap())
        .docflow_id(DOCFLOW.parse::<uuid::Uuid>().unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        docflow.type_.as_deref(),
        Some("urn:docflow:fns534-brand-new")
    );
    assert_eq!(
        docflow.status.as_deref(),
        Some("urn:docflow-common-status:teleported")
    );
    assert_eq!(
        docflow.last_change_date.unwrap().to_string(),
        "2020-02-26T06:51:08.463693800Z"
    );
    assert_eq!(docflow.documents.len(), 1);
    assert_eq!(
        docflow.links[0].name.as_deref(),
        Some("fns534-report-receipt")
    );
    assert_eq!(seen.lock().unwrap()[0].method, "GET");
}

#[tokio::test]
async fn binary_upload_with_content_range_and_legacy_credentials() {
    let (url, seen) = serve(
        200,
        "application/json",
        br#"{"id":"f1facbc3-5d74-498f-a8af-dbfd57f82f1f","is-completed":false}"#,
    )
    .await;
    let creds = StaticCredentials(Authorization::ApiKeySid {
        api_key: Secret::new("api-key-1"),
        sid: Secret::new("sid-1"),
    });
    let client = Client::new_with_client(
        &url,
        reqwest::Client::new(),
        Inner::with_credentials(Arc::new(creds)),
    );
    let part: Vec<u8> = (0..=255u8).collect();
    let answer = client
        .contents_upload()
        .account_id(ACCOUNT.parse::<uuid::Uuid>().unwrap())
        .content_range("bytes 0-255/1000")
        .body(part.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.is_completed, Some(false));
    let req = seen.lock().unwrap()[0].clone();
    assert_eq!(req.target, format!("/v1/{ACCOUNT}/contents"));
    assert_eq!(req.body, part, "the body goes byte for byte");
    assert_eq!(req.header("content-range"), Some("bytes 0-255/1000"));
    assert_eq!(req.header("content-type"), Some("application/octet-stream"));
    assert_eq!(req.header("x-kontur-apikey"), Some("api-key-1"));
    assert_eq!(req.header("authorization"), Some("auth.sid sid-1"));
}

#[tokio::test]
async fn query_parameters_repeat_and_skip_missing_values() {
    let (url, seen) = serve(
        200,
        "application/json",
        br#"{"total-count":0,"docflows-page-item":[]}"#,
    )
    .await;
    let client = bearer_client(&url);
    client
        .docflows_search()
        .account_id(ACCOUNT.parse::<uuid::Uuid>().unwrap())
        .type_(vec![
            "fns534-report".to_string(),
            "fns534-demand".to_string(),
        ])
        .take(50)
        .send()
        .await
        .unwrap();
    let target = seen.lock().unwrap()[0].target.clone();
    assert_eq!(
        target,
        format!("/v1/{ACCOUNT}/docflows?take=50&type=fns534-report&type=fns534-demand")
    );
}

#[tokio::test]
async fn error_bodies_decode_with_their_urn_and_trace_id() {
    let (url, _) = serve(
        409,
        "application/json",
        br#"{"id":"urn:error:externapi:concurrentApiTaskActive","status-code":409,"message":"busy","trace-id":"t-1",
            "context":{"concurrent-task":{"id":"1ad1ee85-6346-4bb5-88de-c83536a08784"}}}"#,
    )
    .await;
    let client = bearer_client(&url);
    let err = client
        .drafts_send()
        .account_id(ACCOUNT.parse::<uuid::Uuid>().unwrap())
        .draft_id(DOCFLOW.parse::<uuid::Uuid>().unwrap())
        .deferred(true)
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(body) = err else {
        panic!("expected a typed error, got {err:?}");
    };
    assert_eq!(body.status().as_u16(), 409);
    assert_eq!(
        body.id.as_deref(),
        Some("urn:error:externapi:concurrentApiTaskActive")
    );
    assert_eq!(body.status_code, Some(serde_json::json!(409)));
    assert_eq!(
        extern_api_raw::trace::trace_id(body.headers()),
        Some("trace-409")
    );
}

#[tokio::test]
async fn downloads_are_raw_bytes_and_accept_anything() {
    let (url, seen) = serve(206, "application/octet-stream", b"\x00\x01PDF").await;
    let client = bearer_client(&url);
    let response = client
        .contents_download()
        .account_id(ACCOUNT.parse::<uuid::Uuid>().unwrap())
        .content_id(DOCFLOW.parse::<uuid::Uuid>().unwrap())
        .range("bytes=0-4")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 206);
    let mut stream = response.into_inner().into_inner();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(&bytes[..], b"\x00\x01PDF");
    let req = seen.lock().unwrap()[0].clone();
    assert_eq!(req.header("range"), Some("bytes=0-4"));
    assert_eq!(req.header("accept"), Some("*/*"));
}

#[tokio::test]
async fn no_credentials_means_no_authorization_header() {
    let (url, seen) = serve(
        401,
        "application/json",
        br#"{"id":"urn:error:unauthorized"}"#,
    )
    .await;
    let client = Client::new_with_client(&url, reqwest::Client::new(), Inner::new());
    let err = client.accounts_get_all().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(seen.lock().unwrap()[0].header("authorization"), None);
}
