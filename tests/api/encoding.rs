//! Responses as real clients receive them: `Accept-Encoding: gzip` over one kept-alive
//! connection (what Go's net/http, browsers, axios and python requests send by default).
//!
//! The regression this guards: chunked gzip bodies on a kept-alive connection used to stall
//! ~40 ms each (Nagle's algorithm meeting the client's delayed ACK).

use crate::common::*;
use crate::dbfix::default_org_id;
use flate2::read::GzDecoder;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A keep-alive HTTP/1.1 client on one socket, with Nagle left on (as most clients do) and
/// delayed ACKs as the OS gives them.
struct KeepAlive {
    reader: BufReader<TcpStream>,
    token: String,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as the client sees it after undoing the content encoding.
    fn decoded(&self) -> Vec<u8> {
        if self.header("content-encoding") == Some("gzip") {
            let mut out = Vec::new();
            GzDecoder::new(&self.body[..])
                .read_to_end(&mut out)
                .expect("valid gzip");
            out
        } else {
            self.body.clone()
        }
    }
}

impl KeepAlive {
    fn connect(url: &str, token: &str) -> KeepAlive {
        let addr = url.trim_start_matches("http://");
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        KeepAlive {
            reader: BufReader::new(stream),
            token: token.to_string(),
        }
    }

    fn get(&mut self, path: &str, encoding: &str) -> Reply {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Go-http-client/1.1\r\n\
             Accept-Encoding: {encoding}\r\nCoder-Session-Token: {}\r\n\r\n",
            self.token
        );
        self.reader
            .get_mut()
            .write_all(req.as_bytes())
            .expect("write");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {line:?}"));
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).expect("header");
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').expect("header colon");
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
        let mut body = Vec::new();
        if let Some(len) = find_header(&headers, "content-length") {
            body.resize(len.parse().expect("length"), 0);
            self.reader.read_exact(&mut body).expect("body");
        } else {
            assert_eq!(
                find_header(&headers, "transfer-encoding"),
                Some("chunked"),
                "a kept-alive response needs a length or chunks"
            );
            loop {
                let mut size = String::new();
                self.reader.read_line(&mut size).expect("chunk size");
                let n = usize::from_str_radix(size.trim(), 16).expect("hex size");
                let mut chunk = vec![0; n + 2];
                self.reader.read_exact(&mut chunk).expect("chunk");
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        }
        Reply {
            status,
            headers,
            body,
        }
    }
}

fn server_with_rows() -> (TestServer, String) {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org_id(&s);
    for i in 0..30 {
        owner
            .post(
                "/api/v2/users",
                json!({"email": format!("enc{i}@example.com"), "username": format!("enc{i}"),
                       "password": PASSWORD, "login_type": "password",
                       "organization_ids": [org]}),
            )
            .expect(201);
    }
    let token = new_token(&owner, "me", "enc");
    (s, token)
}

#[test]
fn gzip_bodies_in_one_piece_small_ones_plain() {
    let (s, token) = server_with_rows();
    let mut c = KeepAlive::connect(&s.url, &token);
    let plain = c.get("/api/v2/audit?limit=50", "identity");
    assert_eq!(plain.status, 200);
    assert!(plain.header("content-encoding").is_none());
    assert!(plain.body.len() > 4096, "the page is worth compressing");

    for accept in ["gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "*"] {
        let gz = c.get("/api/v2/audit?limit=50", accept);
        assert_eq!(gz.status, 200);
        assert_eq!(gz.header("content-encoding"), Some("gzip"), "{accept}");
        // Compressed in one piece: a Content-Length, no chunks.
        assert_eq!(
            gz.header("content-length"),
            Some(gz.body.len().to_string().as_str())
        );
        assert!(gz.header("transfer-encoding").is_none());
        assert!(gz.body.len() < plain.body.len() / 2);
        assert_eq!(gz.header("vary"), Some("accept-encoding"));
        let a: Value = serde_json::from_slice(&gz.decoded()).expect("json");
        let b: Value = serde_json::from_slice(&plain.body).expect("json");
        assert_eq!(a, b, "same page whatever the encoding");
    }
    let refused = c.get("/api/v2/audit?limit=50", "gzip;q=0, br");
    assert!(refused.header("content-encoding").is_none());

    // Small bodies are sent as they are, with their length.
    let small = c.get("/api/v2/buildinfo", "gzip");
    assert_eq!(small.status, 200);
    assert!(small.header("content-encoding").is_none());
    assert!(small.body.len() < 1024);
    assert!(small.header("content-length").is_some());

    // Errors too keep Coder's shape through the encoder.
    let err = c.get("/api/v2/no-such-route", "gzip");
    assert_eq!(err.status, 404);
    let v: Value = serde_json::from_slice(&err.decoded()).expect("json");
    assert!(v["message"].is_string());

    // Streams are compressed chunk by chunk and end with a valid gzip trailer.
    let stream = c.get("/api/v2/audit/export?format=ndjson", "gzip");
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-encoding"), Some("gzip"));
    let text = String::from_utf8(stream.decoded()).expect("utf-8");
    assert!(text.lines().count() >= 30);
    for line in text.lines() {
        serde_json::from_str::<Value>(line).expect("one JSON row per line");
    }
}

/// Sequential gzip requests on one kept-alive connection cost what their work costs: a
/// Nagle/delayed-ACK stall adds ~40 ms to every one of them, so a median far under 40 ms
/// means there is none. Streams (chunked, several writes) are the case the socket option
/// covers; the one-piece bodies are the case the encoder covers.
#[test]
fn no_delayed_ack_stall_for_gzip_clients() {
    let (s, token) = server_with_rows();
    let mut c = KeepAlive::connect(&s.url, &token);
    for path in [
        "/api/v2/audit/export?format=ndjson&q=action:create",
        "/api/v2/audit?limit=50",
        "/api/v2/users?limit=25",
    ] {
        c.get(path, "gzip");
        let mut times = Vec::new();
        for _ in 0..15 {
            let t = Instant::now();
            let r = c.get(path, "gzip");
            times.push(t.elapsed());
            assert_eq!(r.status, 200);
            assert_eq!(r.header("content-encoding"), Some("gzip"), "{path}");
        }
        times.sort();
        let median = times[times.len() / 2];
        assert!(
            median < Duration::from_millis(35),
            "{path}: median {median:?} per gzip request on a kept-alive connection \
             (a delayed-ACK stall is ~40 ms)"
        );
    }
}
