//! Hostile HTTP input, table-driven over every endpoint (issue 7 part 2).
//!
//! `endpoints.rs` lists every route; `cases.rs` derives from each one its hostile variants
//! (malformed, truncated, wrongly typed, huge, deeply nested, invalid UTF-8 and NUL bodies,
//! SQL/HTML meta-characters in every string field and `q` value, bad pagination, garbage
//! path parameters, asset path traversal). Every case must answer without a 5xx or a hung
//! connection, a clear 4xx in Coder's `{message, detail?, validations?}` shape where it is
//! refused, and leave every domain table unchanged (checked against a snapshot before and
//! after each request); the only audit rows allowed are records of failed attempts.

mod bodies;
mod cases;
mod check;
mod dbstate;
mod endpoints;
mod raw;

use crate::common::{create_user, TestServer};
use endpoints::Kind;
use serde_json::{json, Value};
use std::cell::Cell;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A 4xx.
    Reject,
    /// 400 with a non-empty `validations` list.
    Invalid,
    Status(u16),
    /// Anything but a 5xx; a 2xx write must store hostile text verbatim.
    Either,
}

pub struct Case {
    pub label: String,
    pub method: &'static str,
    pub target: Vec<u8>,
    pub body: Option<Vec<u8>>,
    pub chunked: bool,
    pub expect: Expect,
    pub kind: Kind,
    /// On a 2xx write, this text must be stored verbatim somewhere.
    pub verbatim: Option<String>,
    pub anonymous: bool,
}

/// One server with an owner, a member in a second organization, a workspace and a token.
pub struct Fixture {
    server: TestServer,
    addr: String,
    token: String,
    vars: Vec<(&'static str, String)>,
    counter: Cell<u64>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let server = TestServer::start_with(|c| {
            c.backup_dir = c.db.parent().map(|d| d.join("backups"));
        });
        let owner = server.owner();
        let (member, _) = create_user(&server, &owner, "member1", &[]);
        let default_org = owner.get("/api/v2/organizations/default").expect(200);
        let org = owner
            .post(
                "/api/v2/organizations",
                json!({"name": "hostile-org", "display_name": "Hostile"}),
            )
            .expect(201);
        let org = org.body["id"].as_str().expect("org id").to_string();
        owner
            .post(
                &format!("/api/v2/organizations/{org}/members/{member}"),
                json!({}),
            )
            .expect(200);
        let ws = owner
            .post(
                &format!("/api/v2/organizations/{org}/members/{member}/workspaces"),
                json!({"name": "ws1"}),
            )
            .expect(201);
        owner
            .post(
                &format!("/api/v2/users/{member}/keys/tokens"),
                json!({"token_name": "tok1"}),
            )
            .expect(201);
        let keys = owner
            .get(&format!("/api/v2/users/{member}/keys/tokens"))
            .expect(200);
        let vars = vec![
            ("{user}", member),
            ("{org}", org),
            ("{default_org}", str_of(&default_org.body["id"])),
            ("{ws}", str_of(&ws.body["id"])),
            ("{keyid}", str_of(&keys.body[0]["id"])),
            ("{keyname}", "tok1".to_string()),
        ];
        Fixture {
            addr: server.url.trim_start_matches("http://").to_string(),
            token: owner.token.clone().expect("owner token"),
            server,
            vars,
            counter: Cell::new(0),
        }
    }

    /// Substitutes the fixture's ids and a fresh `@N@` number into a template.
    pub fn fill(&self, template: &str) -> String {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        let mut s = template.replace("@N@", &n.to_string());
        for (k, v) in &self.vars {
            s = s.replace(k, v);
        }
        s
    }

    /// Runs every case against the server, returning one line per failed expectation.
    pub fn run(&self, cases: &[Case]) -> Vec<String> {
        let conn = self.server.db();
        let mut failures = Vec::new();
        let mut before = dbstate::snapshot(&conn);
        for c in cases {
            let token = (!c.anonymous).then_some(self.token.as_str());
            let req = raw::RawReq {
                method: c.method,
                target: &c.target,
                token,
                body: c.body.as_deref(),
                chunked: c.chunked,
            };
            let who = format!(
                "{} {} [{}{}]",
                c.method,
                dbstate::clip(&String::from_utf8_lossy(&c.target)),
                c.label,
                if c.anonymous { ", anonymous" } else { "" }
            );
            let t0 = std::time::Instant::now();
            let sent = raw::send(&self.addr, &req);
            if std::env::var("HOSTILE_SLOW").is_ok() && t0.elapsed().as_millis() > 500 {
                eprintln!("SLOW {:?} {who}", t0.elapsed());
            }
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{who}: {e}"));
                    continue;
                }
            };
            let after = dbstate::snapshot(&conn);
            for problem in check::check(c, &resp, &before, &after, &conn) {
                failures.push(format!("{who}: {problem}"));
            }
            before = after;
        }
        failures
    }
}

fn str_of(v: &Value) -> String {
    v.as_str().expect("string id").to_string()
}

#[track_caller]
fn assert_clean(group: &str, n: usize, failures: &[String]) {
    assert!(n > 0, "{group}: no cases generated");
    assert!(
        failures.is_empty(),
        "{group}: {} of {n} hostile cases failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Endpoints safe to drive with the owner's session (logout would end it).
fn owner_endpoints() -> Vec<endpoints::Endpoint> {
    endpoints::all()
}

#[test]
fn hostile_bodies() {
    let fx = Fixture::new();
    let cases: Vec<Case> = owner_endpoints()
        .iter()
        .flat_map(|e| bodies::body_cases(&fx, e))
        .collect();
    assert_clean("bodies", cases.len(), &fx.run(&cases));
}

#[test]
fn hostile_path_parameters() {
    let fx = Fixture::new();
    let cases: Vec<Case> = owner_endpoints()
        .iter()
        .flat_map(|e| cases::path_cases(&fx, e))
        .collect();
    assert_clean("path parameters", cases.len(), &fx.run(&cases));
}

#[test]
fn hostile_queries() {
    let fx = Fixture::new();
    let cases: Vec<Case> = owner_endpoints()
        .iter()
        .flat_map(|e| cases::query_cases(&fx, e))
        .collect();
    assert_clean("queries", cases.len(), &fx.run(&cases));
}

/// Without a session: the valid request, a malformed body and a zero-UUID path per endpoint,
/// plus logout; nothing may change.
#[test]
fn hostile_unauthenticated() {
    let fx = Fixture::new();
    let mut cases = Vec::new();
    let mut all = owner_endpoints();
    all.push(endpoints::op("POST", "/api/v2/users/logout"));
    for e in &all {
        let read = matches!(e.method, "GET" | "HEAD") || e.path.ends_with("/logout");
        let expect = if read { Expect::Either } else { Expect::Reject };
        let body = e.body.map(|b| fx.fill(b).into_bytes());
        let zero = e
            .path
            .replace("{user}", "00000000-0000-0000-0000-000000000000");
        for (label, target, body) in [
            ("valid", fx.fill(e.path), body.clone()),
            ("zero uuid", fx.fill(&zero), body),
            (
                "malformed body",
                fx.fill(e.path),
                e.body.map(|_| b"{\"".to_vec()),
            ),
        ] {
            cases.push(Case {
                label: label.into(),
                method: e.method,
                target: target.into_bytes(),
                body,
                chunked: false,
                expect,
                kind: e.kind,
                verbatim: None,
                anonymous: true,
            });
        }
    }
    assert_clean("unauthenticated", cases.len(), &fx.run(&cases));
}

#[test]
fn hostile_asset_paths() {
    let fx = Fixture::new();
    let cases = cases::asset_cases();
    assert_clean("asset paths", cases.len(), &fx.run(&cases));
    // The route itself works: the checks above are not vacuous.
    let ok = raw::send(
        &fx.addr,
        &raw::RawReq {
            method: "GET",
            target: b"/assets/app.css",
            token: None,
            body: None,
            chunked: false,
        },
    )
    .expect("asset");
    assert_eq!(ok.status, 200);
}

/// Every path with each method it does not serve: a 4xx (Coder's shape under /api/v2), and
/// nothing written.
#[test]
fn hostile_methods() {
    let fx = Fixture::new();
    let all = endpoints::all();
    let mut cases = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for e in all.iter().filter(|e| seen.insert(e.path)) {
        let served: Vec<&str> = all
            .iter()
            .filter(|o| o.path == e.path)
            .map(|o| o.method)
            .collect();
        for m in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if served.contains(&m) || (m == "GET" && served.contains(&"HEAD")) {
                continue;
            }
            cases.push(Case {
                label: "method not served".into(),
                method: m,
                target: fx.fill(e.path).into_bytes(),
                body: (m != "GET").then(|| b"{}".to_vec()),
                chunked: false,
                expect: Expect::Reject,
                kind: e.kind,
                verbatim: None,
                anonymous: false,
            });
        }
    }
    assert_clean("methods", cases.len(), &fx.run(&cases));
}
