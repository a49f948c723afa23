//! The AI Gateway API (`/api/v2/ai-gateway/*`, aliases `/api/v2/aibridge/*`): sessions, one
//! session's threads, the pick-lists, who may read them, the feature gate, and the fixtures
//! that record interceptions with their usages. Everything over HTTP against a real file.

mod access;
mod datasets;
mod fixtures;
mod picklists;
mod sessions;
mod sessions_q;
mod threads;
mod ui;

use crate::common::*;
use crate::dbfix::{default_org_id, seed_user};
use serde_json::{json, Value};

/// Both route prefixes; every read route answers the same under each.
pub const PREFIXES: &[&str] = &["/api/v2/ai-gateway", "/api/v2/aibridge"];

/// A time `secs` seconds after 2025-06-01T10:00:00Z, as RFC 3339.
pub fn at(secs: i64) -> String {
    coderlite::timefmt::format_micros(1_748_772_000_000_000 + secs * 1_000_000)
}

/// A completed interception by `who` from `start` to `end` seconds, with `extra` fields
/// merged in (session and thread ids, usages, ...).
pub fn ix(id: &str, who: &str, start: i64, end: i64, extra: Value) -> Value {
    let mut v = json!({"id": id, "initiator": who, "provider": "anthropic",
                       "model": "claude-sonnet-4", "started_at": at(start), "ended_at": at(end)});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            o.insert(k.clone(), x.clone());
        }
    }
    v
}

/// A UUID made from a small number, for readable ids (`00000000-0000-4000-8000-0000000000NN`).
pub fn uid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Records a batch of interceptions as the owner.
pub fn record(owner: &Client, items: Vec<Value>) {
    owner
        .post("/api/v2/aibridge/interceptions", json!(items))
        .expect(201);
}

/// GET `path` under `prefix`, expecting 200; the body.
pub fn ok(c: &Client, prefix: &str, path: &str) -> Value {
    c.get(&format!("{prefix}{path}")).expect(200).body
}

/// The `id`s of a sessions page.
pub fn ids(page: &Value) -> Vec<String> {
    values_of(page, "sessions", "id")
}

/// A server with an owner and two members (`alice`, `bob`) who may sign in.
pub struct World {
    pub s: TestServer,
    pub owner: Client,
    pub alice: String,
    pub bob: String,
}

impl World {
    pub fn new() -> World {
        let s = TestServer::start();
        let owner = s.owner();
        let (alice, _) = crate::aiseats::seed_default_member(&s, "alice", &[], &[], false);
        let (bob, _) = crate::aiseats::seed_default_member(&s, "bob", &[], &[], false);
        World {
            s,
            owner,
            alice,
            bob,
        }
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
