//! Crash safety (issue 7 part 4): the real binary, SIGKILLed at seeded random moments while
//! client threads write; after every kill the file is checked (crash_checks.rs) and the server
//! restarted on it. At the end `coderlite verify` must find the audit hash chain intact.

use super::crash_checks::{check_after_kill, Totals};
use super::crash_client::{client, ClientState, Shared};
use super::{agent, new_id, send};
use crate::common::PASSWORD;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_coderlite");
const KILLS: usize = 24;
const CLIENTS: usize = 4;
const SEED: u64 = 0x5EED_C0DE;

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Starts `coderlite server` on a free port and waits for `/healthz`.
fn start(dir: &Path, db: &Path, n: usize) -> Server {
    for _ in 0..5 {
        let base = format!("127.0.0.1:{}", free_port());
        let log = std::fs::File::create(dir.join(format!("server-{n}.log"))).expect("log");
        let mut child = Command::new(BIN)
            .current_dir(dir)
            .args(["server", "--listen", &base, "--db"])
            .arg(db)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn coderlite");
        let base = format!("http://{base}");
        let a = agent(Duration::from_secs(2));
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            if let Ok(Some(_)) = child.try_wait() {
                break; // e.g. the port was taken meanwhile: try another one
            }
            if matches!(a.get(&format!("{base}/healthz")).call(), Ok(r) if r.status() == 200) {
                return Server { child, base };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!(
        "coderlite did not become healthy; log: {}",
        std::fs::read_to_string(dir.join(format!("server-{n}.log"))).unwrap_or_default()
    );
}

fn kill(mut s: Server) {
    s.child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
    s.child.wait().expect("reap");
}

fn ok(out: &super::Outcome, what: &str) -> Value {
    assert!(out.acked(), "{what}: {:?} {}", out.status, out.text);
    out.json()
}

/// First start: an owner from `create-admin-user`, one API token (it outlives restarts), the
/// organization members are added to, and each client's two profile users.
fn setup(dir: &Path, db: &Path) -> (Shared, Vec<ClientState>) {
    let st = Command::new(BIN)
        .current_dir(dir)
        .args(["create-admin-user", "--username", "admin", "--email"])
        .args(["admin@example.com", "--password", PASSWORD, "--db"])
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()
        .expect("create-admin-user");
    assert!(st.success());
    let server = start(dir, db, 0);
    let a = agent(Duration::from_secs(30));
    let login = a
        .post(&format!("{}/api/v2/users/login", server.base))
        .send_json(json!({"email": "admin@example.com", "password": PASSWORD}))
        .expect("login")
        .into_json::<Value>()
        .expect("login json");
    let session = login["session_token"]
        .as_str()
        .expect("session")
        .to_string();
    let call = |token: &str, method: &str, path: &str, body: Value| {
        send(
            &a,
            &server.base,
            token,
            method,
            path,
            Some(&body),
            &new_id(),
        )
    };
    let key = ok(
        &call(
            &session,
            "POST",
            "/api/v2/users/me/keys/tokens",
            json!({"token_name": "chaos"}),
        ),
        "token",
    )["key"]
        .as_str()
        .expect("key")
        .to_string();
    let default_org = ok(
        &call(&key, "GET", "/api/v2/organizations/default", Value::Null),
        "org",
    )["id"]
        .as_str()
        .expect("org id")
        .to_string();
    let org = ok(
        &call(
            &key,
            "POST",
            "/api/v2/organizations",
            json!({"name": "crash"}),
        ),
        "create org",
    )["id"]
        .as_str()
        .expect("org id")
        .to_string();
    let mut clients = vec![ClientState::default(); CLIENTS];
    for (t, c) in clients.iter_mut().enumerate() {
        for i in 0..2 {
            let username = format!("p{t}x{i}");
            let u = ok(
                &call(
                    &key,
                    "POST",
                    "/api/v2/users",
                    json!({"email": format!("{username}@example.com"),
                    "username": username, "login_type": "none", "organization_ids": [default_org]}),
                ),
                "create user",
            );
            c.profile_users
                .push((u["id"].as_str().expect("id").to_string(), username));
        }
    }
    kill(server);
    let shared = Shared {
        base: String::new(),
        token: key,
        default_org,
        org,
    };
    (shared, clients)
}

#[test]
#[ignore = "slow: crash test, run by ./scripts/test"]
fn sigkill_at_random_moments_loses_no_acknowledged_write() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("x.db");
    let (mut shared, mut clients) = setup(dir.path(), &db);
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut names: HashMap<String, String> = HashMap::new();
    let mut totals = Totals::default();
    for kill_no in 1..=KILLS {
        let server = start(dir.path(), &db, kill_no);
        shared.base = server.base.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let handles: Vec<_> = clients
            .drain(..)
            .enumerate()
            .map(|(t, st)| {
                let (sh, stop) = (shared.clone(), stop.clone());
                let seed = SEED ^ ((kill_no as u64) << 8) ^ t as u64;
                let tag = format!("c{t}k{kill_no}");
                std::thread::spawn(move || client(sh, st, seed, tag, stop))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.gen_range(20..=400)));
        kill(server);
        stop.store(true, Ordering::SeqCst);
        let mut sent = Vec::new();
        for h in handles {
            let (st, s) = h.join().expect("client");
            clients.push(st);
            sent.push(s);
        }
        let conn = rusqlite::Connection::open(&db).expect("open after kill");
        check_after_kill(
            &conn,
            &shared,
            &sent,
            &mut clients,
            &mut names,
            &mut totals,
            kill_no,
        );
    }
    let out = Command::new(BIN)
        .args(["verify", "--db"])
        .arg(&db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("coderlite verify");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("audit chain ok"),
        "verify: {text}"
    );
    eprintln!(
        "chaos crash: {KILLS} SIGKILLs, {} writes sent, {} acknowledged, {} committed without an \
         answer, {} never committed (in flight or refused), {} 503s; {}; {:.1}s",
        totals.sent,
        totals.acked,
        totals.committed_unacked,
        totals.not_committed,
        totals.busy,
        text.trim(),
        started.elapsed().as_secs_f64()
    );
}
