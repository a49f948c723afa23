//! Connection logs (`GET /api/v2/connectionlog`, its export and the `POST` fixture): the `q`
//! keys and their errors, pagination, counts, who may read them, the upsert of agent
//! sessions; retention, import and seed; the web page. Everything over HTTP against a real
//! file.

mod api;
mod ops;
mod ui;

use crate::common::*;
use crate::dbfix::{default_org_id, insert_user, seed_user};
use serde_json::{json, Value};

pub const PATH: &str = "/api/v2/connectionlog";

/// A time `secs` seconds after 2026-09-02T08:00:00Z, as RFC 3339.
pub fn at(secs: i64) -> String {
    coderlite::timefmt::format_micros(1_788_336_000_000_000 + secs * 1_000_000)
}

/// A UUID made from a small number (`00000000-0000-4000-8000-0000000000NN`).
pub fn uid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// An agent session event (`connected` or `disconnected`) on `ws`'s agent `main`.
pub fn session(ws: &str, kind: &str, conn: u32, status: &str, secs: i64) -> Value {
    json!({"time": at(secs), "status": status, "workspace_id": ws, "agent_name": "main",
           "type": kind, "connection_id": uid(conn), "ip": "fd7a:115c:a1e0::1"})
}

/// A web event (app, port or tunnel) by `user` on `ws`.
pub fn web(ws: &str, kind: &str, user: &str, code: i64, secs: i64) -> Value {
    json!({"time": at(secs), "workspace_id": ws, "agent_name": "main", "type": kind,
           "user": user, "user_agent": "coder-cli/2.31.0", "code": code,
           "slug_or_port": if kind == "tunnel" { "" } else { "code-server" },
           "ip": "203.0.113.7"})
}

/// Records events as the owner (one batch).
pub fn record(owner: &Client, events: Vec<Value>) -> Value {
    owner.post(PATH, json!(events)).expect(201).body
}

/// The `id`s of a page, in order.
pub fn ids(page: &Value) -> Vec<String> {
    values_of(page, "connection_logs", "id")
}

/// A server with an owner, two members (`alice`, `bob`) and a workspace of each.
pub struct World {
    pub s: TestServer,
    pub owner: Client,
    pub alice: String,
    pub bob: String,
    /// alice's workspace `dev` and bob's workspace `box`.
    pub ws_alice: String,
    pub ws_bob: String,
}

impl World {
    pub fn new() -> World {
        World::with(|_| {})
    }

    pub fn with(adjust: impl FnOnce(&mut coderlite::config::ServerConfig)) -> World {
        let s = TestServer::start_with(adjust);
        let owner = s.owner();
        let (alice, _) = crate::aiseats::seed_default_member(&s, "alice", &[], &[], false);
        let (bob, _) = crate::aiseats::seed_default_member(&s, "bob", &[], &[], false);
        let ws_alice = crate::aiseats::create_workspace(&owner, "alice", "dev", false)["id"]
            .as_str()
            .expect("id")
            .to_string();
        let ws_bob = crate::aiseats::create_workspace(&owner, "bob", "box", false)["id"]
            .as_str()
            .expect("id")
            .to_string();
        World {
            s,
            owner,
            alice,
            bob,
            ws_alice,
            ws_bob,
        }
    }

    /// GET the list with `query` (already encoded) as the owner, expecting 200.
    pub fn list(&self, query: &str) -> Value {
        self.owner.get(&format!("{PATH}?{query}")).expect(200).body
    }

    /// Rows in a table, read from the database.
    pub fn rows(&self, table: &str) -> i64 {
        self.s
            .db()
            .query_row(
                &format!("SELECT count(*) FROM {table}"),
                coderlite::params![],
                |r| r.get(0),
            )
            .expect("count")
    }
}
