//! Secrets never reach the server's log: the real binary runs at the most verbose log level
//! while a password signs in (and fails to), tokens travel in the header, the cookie and the
//! query string, and a token is created and deleted; its output is then searched for every
//! secret.

use crate::common::PASSWORD;
use serde_json::{json, Value};
use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn call(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = agent.request(method, url);
    if let Some(t) = token {
        req = req.set("Coder-Session-Token", t);
    }
    let res = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let resp = match res {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = resp.status();
    (status, resp.into_json().unwrap_or(Value::Null))
}

#[test]
fn secrets_never_reach_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_coderlite"))
        .args(["server", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(dir.path().join("secrets.db"))
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start coderlite");
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let started = Instant::now();
    while call_ok(&agent, &format!("{base}/healthz")).is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let wrong_password = "Wrong-Password-Never-Logged!7";
    let (status, _) = call(
        &agent,
        "POST",
        &format!("{base}/api/v2/users/first"),
        None,
        Some(json!({"email": "admin@example.com", "username": "admin", "password": PASSWORD})),
    );
    assert_eq!(status, 201);
    let login = json!({"email": "admin@example.com", "password": PASSWORD});
    let (status, body) = call(
        &agent,
        "POST",
        &format!("{base}/api/v2/users/login"),
        None,
        Some(login),
    );
    assert_eq!(status, 201);
    let session = body["session_token"].as_str().expect("token").to_string();
    let bad = json!({"email": "admin@example.com", "password": wrong_password});
    let (status, _) = call(
        &agent,
        "POST",
        &format!("{base}/api/v2/users/login"),
        None,
        Some(bad),
    );
    assert_eq!(status, 401);

    // The session token in each place Coder accepts it.
    let (status, _) = call(
        &agent,
        "GET",
        &format!("{base}/api/v2/users/me"),
        Some(&session),
        None,
    );
    assert_eq!(status, 200);
    let (status, _) = call(
        &agent,
        "GET",
        &format!("{base}/api/v2/users/me?coder_session_token={session}"),
        None,
        None,
    );
    assert_eq!(status, 200);
    let resp = agent
        .get(&format!("{base}/api/v2/users/me"))
        .set("Cookie", &format!("coder_session_token={session}"))
        .call()
        .expect("cookie auth");
    assert_eq!(resp.status(), 200);

    // A long-lived token, used, then deleted; and a password change.
    let (status, body) = call(
        &agent,
        "POST",
        &format!("{base}/api/v2/users/me/keys/tokens"),
        Some(&session),
        Some(json!({"token_name": "ci"})),
    );
    assert_eq!(status, 201, "{body}");
    let api_token = body["key"].as_str().expect("key").to_string();
    let (status, _) = call(
        &agent,
        "GET",
        &format!("{base}/api/v2/users"),
        Some(&api_token),
        None,
    );
    assert_eq!(status, 200);
    let new_password = "Another-Secure-Password!9";
    let (status, body) = call(
        &agent,
        "PUT",
        &format!("{base}/api/v2/users/me/password"),
        Some(&api_token),
        Some(json!({"old_password": PASSWORD, "password": new_password})),
    );
    assert_eq!(status, 204, "{body}");

    child.kill().expect("kill");
    let mut log = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut log).expect("stdout");
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut log).expect("stderr");
    }
    let _ = child.wait();

    // The log is real (it has the request lines), and holds no secret, whole or in part.
    assert!(
        log.contains("POST /api/v2/users/login 201"),
        "no request log:\n{log}"
    );
    let session_secret = session.split('-').nth(1).expect("secret part");
    let api_secret = api_token.split('-').nth(1).expect("secret part");
    for (what, secret) in [
        ("session token", session.as_str()),
        ("session token secret", session_secret),
        ("API token", api_token.as_str()),
        ("API token secret", api_secret),
        ("password", PASSWORD),
        ("wrong password", wrong_password),
        ("new password", new_password),
        ("password hash", "$argon2id$"),
    ] {
        assert!(!log.contains(secret), "the log contains the {what}");
    }
}

fn call_ok(agent: &ureq::Agent, url: &str) -> Option<()> {
    agent.get(url).call().ok().map(|_| ())
}
