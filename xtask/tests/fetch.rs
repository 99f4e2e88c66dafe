//! `cargo xtask fetch` against a local HTTP server (never the internet).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;

/// Serves one HTTP request with the given status and body, on a thread.
fn serve_once(status: &'static str, body: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/swagger/v1/swagger.json",
        listener.local_addr().unwrap()
    );
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(socket.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).unwrap();
        socket.write_all(body).unwrap();
    });
    url
}

fn fetch(url: &str, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--url", url, "--out"])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn downloads_the_document_byte_for_byte() {
    let body: &'static [u8] =
        b"\xEF\xBB\xBF{\"swagger\":\"2.0\",\"info\":{\"title\":\"\xD0\x90\"}}";
    let url = serve_once("200 OK", body);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vendor.json");
    let result = fetch(&url, &out);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert_eq!(std::fs::read(&out).unwrap(), body);
}

#[test]
fn refuses_an_error_answer_and_writes_nothing() {
    let url = serve_once("403 Forbidden", b"no contract");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vendor.json");
    let result = fetch(&url, &out);
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("403"));
    assert!(!out.exists());
}
