//! Request heads as large as Go's `net/http` accepts (1 MiB): a Coder client may put a long
//! `q` in the URL or send large headers. Beyond the limit the answer is a 431 in Coder's JSON
//! error shape; a malformed head gets a 400 with a JSON body, never an empty one.

use crate::common::*;
use actix_http::long_query::MAX_HEAD_BYTES;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Writes `head` on a fresh connection and reads the reply until the server closes it.
fn exchange(url: &str, head: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(url.trim_start_matches("http://")).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream.write_all(head).expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read reply");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

fn json_error(headers: &[(String, String)], body: &[u8]) -> Value {
    assert_eq!(
        find_header(headers, "content-type"),
        Some("application/json")
    );
    let v: Value = serde_json::from_slice(body).expect("JSON body");
    assert!(
        v["message"].as_str().is_some_and(|m| !m.is_empty()),
        "Coder's Response shape: {v}"
    );
    v
}

#[test]
fn a_query_string_far_longer_than_a_uri_can_hold_filters_like_a_short_one() {
    let server = TestServer::start();
    let owner = server.owner();
    create_user(&server, &owner, "longq", &[]);
    let short = "action:create resource_type:user";
    // An investigation's pasted query: the same two terms, padded to ~200 KB with blanks
    // (the parser skips empty terms), so the request target exceeds http::Uri's 65,534 bytes.
    let long = format!("action:create{}resource_type:user", " ".repeat(200_000));
    let want = owner
        .get(&format!("/api/v2/audit?limit=50&q={}", url_encode(short)))
        .expect(200);
    let got = owner
        .get(&format!("/api/v2/audit?limit=50&q={}", url_encode(&long)))
        .expect(200);
    assert!(want.body["count"].as_i64().expect("count") >= 1);
    assert_eq!(got.body, want.body);
    // Every other reader of the query string sees it too: users, and the token in `?`.
    let users = owner
        .get(&format!(
            "/api/v2/users?q={}",
            url_encode(&format!("status:active{}longq", " ".repeat(100_000)))
        ))
        .expect(200);
    assert_eq!(users.body["count"], 1, "{}", users.body);
    let token = new_token(&owner, "me", "longq-token");
    let pad = "x".repeat(100_000);
    let anon = server.client();
    let me = anon
        .get(&format!(
            "/api/v2/users/me?pad={pad}&coder_session_token={token}"
        ))
        .expect(200);
    assert_eq!(me.body["username"], "admin");
}

#[test]
fn headers_up_to_one_mebibyte_are_accepted() {
    let server = TestServer::start();
    let big = "y".repeat((1 << 20) - 8192);
    let head = format!(
        "GET /api/v2/buildinfo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Pad: {big}\r\n\r\n"
    );
    assert!(head.len() > 1_000_000 && head.len() <= MAX_HEAD_BYTES);
    let (status, _, body) = exchange(&server.url, head.as_bytes());
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let v: Value = serde_json::from_slice(&body).expect("JSON");
    assert!(v["version"].as_str().is_some());
}

#[test]
fn a_head_over_the_limit_gets_a_431_in_coders_error_shape() {
    let server = TestServer::start();
    // Exactly the limit, still unfinished (no blank line): the server has read every byte
    // sent when it gives up, so its reply is not lost to a reset.
    let start = "GET /api/v2/buildinfo HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    let head = format!("{start}{}", "z".repeat(MAX_HEAD_BYTES - start.len()));
    assert_eq!(head.len(), MAX_HEAD_BYTES);
    let (status, headers, body) = exchange(&server.url, head.as_bytes());
    assert_eq!(status, 431);
    let v = json_error(&headers, &body);
    assert_eq!(v["message"], "Request header fields too large.");
}

#[test]
fn a_malformed_head_gets_a_400_with_a_json_body() {
    let server = TestServer::start();
    let (status, headers, body) = exchange(
        &server.url,
        b"GET /api/v2/buildinfo HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
    );
    assert_eq!(status, 400);
    let v = json_error(&headers, &body);
    assert_eq!(v["message"], "Malformed HTTP request.");
}
