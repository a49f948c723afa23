//! AI seats: `has_ai_seat` on every user object (derived from interceptions and AI-task
//! builds of live workspaces), the `has_ai_seat:` users filter, and the
//! `ai_governance_user_limit` entitlement with Coder's warnings.

use crate::common::*;
use crate::dbfix::{default_org_id, in_write_tx, insert_user};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A user inserted straight into the database (the users API is another area): active,
/// member of the default organization with `org_roles`, and `site_roles`; with `login`, a
/// signed-in client too.
pub fn seed_default_member(
    s: &TestServer,
    username: &str,
    site_roles: &[&str],
    org_roles: &[&str],
    login: bool,
) -> (String, Option<Client>) {
    let org = default_org_id(s);
    let id = insert_user(s, username, site_roles, &[(&org, org_roles)]);
    let client = login.then(|| s.login(&format!("{username}@example.com"), PASSWORD));
    (id, client)
}

pub fn interception(initiator: &str, provider: &str, started: &str) -> Value {
    json!({"initiator": initiator, "provider": provider, "model": "claude-sonnet-4",
           "started_at": started, "ended_at": started, "metadata": {"k": "v"}})
}

/// Creates a workspace for `user` in the default organization; returns its JSON.
pub fn create_workspace(c: &Client, user: &str, name: &str, ai: bool) -> Value {
    c.post(
        &format!("/api/v2/organizations/default/members/{user}/workspaces"),
        json!({"name": name, "has_ai_task": ai}),
    )
    .expect(201)
    .body
}

pub fn build(c: &Client, ws: &str, body: Value) -> Value {
    c.post(&format!("/api/v2/workspaces/{ws}/builds"), body)
        .expect(201)
        .body
}

fn seat(c: &Client, user: &str) -> bool {
    c.get(&format!("/api/v2/users/{user}")).expect(200).body["has_ai_seat"]
        .as_bool()
        .expect("has_ai_seat is a bool")
}

#[test]
fn seat_follows_its_sources() {
    let s = TestServer::start();
    let owner = s.owner();
    seed_default_member(&s, "bob", &[], &[], false);
    seed_default_member(&s, "carol", &[], &[], false);
    assert!(!seat(&owner, "bob"));

    // A workspace without AI tasks, and builds without AI tasks: no seat.
    let plain = create_workspace(&owner, "bob", "plain", false);
    let plain_id = plain["id"].as_str().expect("id");
    build(&owner, plain_id, json!({"transition": "stop"}));
    build(&owner, plain_id, json!({"transition": "start"}));
    assert!(!seat(&owner, "bob"));

    // An AI-task build: the workspace owner gets the seat, not the initiator.
    let ai = build(
        &owner,
        plain_id,
        json!({"transition": "start", "has_ai_task": true}),
    );
    assert_eq!(ai["has_ai_task"], true);
    assert!(seat(&owner, "bob"));
    assert!(
        !seat(&owner, "me"),
        "the initiator of a build on another's workspace"
    );
    // A later build without AI tasks keeps it (any build counts).
    build(&owner, plain_id, json!({"transition": "stop"}));
    assert!(seat(&owner, "bob"));

    // Deleting the only AI workspace turns it off at once.
    build(&owner, plain_id, json!({"transition": "delete"}));
    assert!(!seat(&owner, "bob"));

    // An AI workspace created with has_ai_task; plus an interception: deleting the
    // workspace keeps the seat while the interception exists.
    let w = create_workspace(&owner, "carol", "agent", true);
    assert!(seat(&owner, "carol"));
    owner
        .post(
            "/api/v2/aibridge/interceptions",
            interception("carol", "openai", "2025-01-01T00:00:00Z"),
        )
        .expect(201);
    build(
        &owner,
        w["id"].as_str().expect("id"),
        json!({"transition": "delete"}),
    );
    assert!(seat(&owner, "carol"));

    // An interception alone is a seat.
    assert!(!seat(&owner, "admin"));
    owner
        .post(
            "/api/v2/aibridge/interceptions",
            interception("admin", "anthropic", "2025-01-02T00:00:00Z"),
        )
        .expect(201);
    assert!(seat(&owner, "me"));
    // Other users are unaffected.
    assert!(!seat(&owner, "bob"));
}

/// A tiny deterministic generator (no external randomness in tests).
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn per_user_values_match_brute_force() {
    let s = TestServer::start_with(|c| c.ai_seat_limit = 1000);
    let owner = s.owner();
    let mut rng = Lcg(42);
    let mut expected: BTreeMap<String, bool> = BTreeMap::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut batch = Vec::new();
    let mut status: BTreeMap<String, &str> = BTreeMap::new();
    for i in 0..300 {
        let name = format!("u{i:03}");
        let (id, _) = seed_default_member(&s, &name, &[], &[], false);
        ids.insert(name.clone(), id);
        let mut has = false;
        // ~1/4 initiate interceptions (1–3 each).
        if rng.next(4) == 0 {
            for k in 0..=rng.next(3) {
                batch.push(interception(
                    &name,
                    "openai",
                    &format!("2025-02-{:02}T10:00:00Z", k + 1),
                ));
            }
            has = true;
        }
        // ~1/3 own workspaces: AI or not, deleted or not.
        if rng.next(3) == 0 {
            let ai = rng.next(2) == 0;
            let w = create_workspace(&owner, &name, "ws", ai);
            let deleted = rng.next(3) == 0;
            if deleted {
                build(
                    &owner,
                    w["id"].as_str().expect("id"),
                    json!({"transition": "delete"}),
                );
            }
            has |= ai && !deleted;
        }
        expected.insert(name.clone(), has);
        status.insert(
            name,
            ["active", "active", "dormant", "suspended"][rng.next(4) as usize],
        );
    }
    owner
        .post("/api/v2/aibridge/interceptions", json!(batch))
        .expect(201);
    {
        let db = s.db();
        for (name, st) in &status {
            db.execute(
                "UPDATE users SET status = ?1 WHERE username = ?2",
                coderlite::params![st, name],
            )
            .expect("status");
        }
    }
    expected.insert("admin".into(), false);
    assert!(
        expected.values().filter(|v| **v).count() > 50,
        "the sample must hold many seats"
    );

    // Every page of GET /users carries the brute-force value.
    let mut seen = 0;
    for offset in (0..expected.len()).step_by(37) {
        let r = owner
            .get(&format!("/api/v2/users?limit=37&offset={offset}"))
            .expect(200);
        for u in r.body["users"].as_array().expect("users") {
            let name = u["username"].as_str().expect("username");
            assert_eq!(
                u["has_ai_seat"].as_bool(),
                Some(expected[name]),
                "{name} in list"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, expected.len());
    // And every single-user read.
    for (name, want) in &expected {
        if name == "admin" {
            continue;
        }
        let r = owner
            .get(&format!("/api/v2/users/{}", ids[name]))
            .expect(200);
        assert_eq!(
            r.body["has_ai_seat"].as_bool(),
            Some(*want),
            "{name} single"
        );
    }
    // The filter agrees, with pagination and count.
    let want_true: Vec<&String> = expected
        .iter()
        .filter(|(_, v)| **v)
        .map(|(k, _)| k)
        .collect();
    let r = owner
        .get("/api/v2/users?q=has_ai_seat:true&limit=10")
        .expect(200);
    assert_eq!(r.body["count"].as_i64(), Some(want_true.len() as i64));
    let mut got = Vec::new();
    let mut after = String::new();
    loop {
        let path = if after.is_empty() {
            "/api/v2/users?q=has_ai_seat:true&limit=10".to_string()
        } else {
            format!("/api/v2/users?q=has_ai_seat:true&limit=10&after_id={after}")
        };
        let page = owner.get(&path).expect(200).body["users"]
            .as_array()
            .expect("users")
            .clone();
        if page.is_empty() {
            break;
        }
        for u in &page {
            assert_eq!(u["has_ai_seat"], true);
            got.push(u["username"].as_str().expect("name").to_string());
        }
        after = page.last().expect("last")["id"]
            .as_str()
            .expect("id")
            .to_string();
    }
    assert_eq!(got.iter().collect::<Vec<_>>(), want_true);
    let r = owner
        .get("/api/v2/users?q=has_ai_seat:false&limit=0")
        .expect(200);
    assert_eq!(
        r.body["count"].as_i64(),
        Some((expected.len() - want_true.len()) as i64)
    );

    // Members pages carry the same values.
    let mut seen = 0;
    for offset in (0..expected.len()).step_by(50) {
        let r = owner
            .get(&format!(
                "/api/v2/organizations/default/paginated-members?limit=50&offset={offset}"
            ))
            .expect(200);
        for m in r.body["members"].as_array().expect("members") {
            let name = m["username"].as_str().expect("username");
            assert_eq!(
                m["has_ai_seat"].as_bool(),
                Some(expected[name]),
                "{name} in members"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, expected.len());
    // So do the users inside audit rows (rows acted by every third user, written through the
    // recorder so the hash chain stays intact).
    in_write_tx(&s.db(), |tx| {
        for (name, id) in ids.iter().step_by(3) {
            let rec = coderlite::audit::AuditRecord::new(
                id,
                coderlite::model::AuditAction::Write,
                coderlite::model::ResourceType::User,
            )
            .resource(id, name);
            coderlite::audit::insert(tx, &coderlite::request_meta::RequestMeta::system(), &rec)?;
        }
        Ok(())
    })
    .expect("audit rows");
    let rows = owner.get("/api/v2/audit?limit=1000").expect(200).body["audit_logs"].clone();
    let mut checked = 0;
    for row in rows.as_array().expect("rows") {
        let name = row["user"]["username"].as_str().expect("user");
        assert_eq!(
            row["user"]["has_ai_seat"].as_bool(),
            Some(expected[name]),
            "{name} in audit"
        );
        checked += 1;
    }
    assert!(checked >= 100, "{checked} audit rows checked");

    // The entitlement counts active holders only.
    let active = expected
        .iter()
        .filter(|(n, v)| **v && status.get(*n).copied().unwrap_or("active") == "active")
        .count();
    let e = owner.get("/api/v2/entitlements").expect(200);
    assert_eq!(
        e.body["features"]["ai_governance_user_limit"]["actual"].as_i64(),
        Some(active as i64)
    );
}

fn entitlement(c: &Client) -> (Value, Vec<String>) {
    let e = c.get("/api/v2/entitlements").expect(200).body;
    let warnings = e["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w.as_str().expect("str").to_string())
        .collect();
    (e["features"]["ai_governance_user_limit"].clone(), warnings)
}

/// Gives `n` more users a seat (one interception each, in one batch).
fn add_seats(s: &TestServer, owner: &Client, from: usize, n: usize) {
    let mut batch = Vec::new();
    for i in from..from + n {
        let name = format!("s{i:03}");
        seed_default_member(s, &name, &[], &[], false);
        batch.push(interception(&name, "openai", "2025-03-01T00:00:00Z"));
    }
    owner
        .post("/api/v2/aibridge/interceptions", json!(batch))
        .expect(201);
}

#[test]
fn entitlement_counts_and_warnings() {
    let s = TestServer::start_with(|c| c.ai_seat_limit = 100);
    let owner = s.owner();
    let (_, member) = seed_default_member(&s, "plainmember", &[], &[], true);
    let member = member.expect("client");
    s.client().get("/api/v2/entitlements").expect(401);

    let (f, w) = entitlement(&member);
    assert_eq!(
        f,
        json!({"entitlement": "entitled", "enabled": true, "limit": 100, "actual": 0})
    );
    assert!(w.is_empty());
    add_seats(&s, &owner, 0, 89);
    let (f, w) = entitlement(&owner);
    assert_eq!(f["actual"], 89);
    assert!(w.is_empty(), "{w:?}");
    add_seats(&s, &owner, 89, 1);
    let (_, w) = entitlement(&owner);
    assert_eq!(
        w,
        vec!["You have used 90% of your AI Governance add-on seats."]
    );
    add_seats(&s, &owner, 90, 10);
    let (f, w) = entitlement(&owner);
    assert_eq!(f["actual"], 100);
    assert_eq!(
        w,
        vec!["You have used 100% of your AI Governance add-on seats."]
    );
    add_seats(&s, &owner, 100, 7);
    let (f, w) = entitlement(&member);
    assert_eq!(f["actual"], 107);
    assert_eq!(
        w,
        vec![
            "Your organization is using 107 of 100 AI Governance add-on seats (7 over the limit)."
        ]
    );
    // Seats never block: more interceptions are still accepted.
    add_seats(&s, &owner, 107, 1);

    // The rest of the document is Coder's shape.
    let e = owner.get("/api/v2/entitlements").expect(200).body;
    for key in [
        "user_limit",
        "audit_log",
        "scim",
        "aibridge",
        "agent_runtime_hours",
        "managed_agent_limit",
    ] {
        assert!(e["features"].get(key).is_some(), "feature {key}");
    }
    assert_eq!(
        e["features"]["audit_log"],
        json!({"entitlement": "entitled", "enabled": true})
    );
    assert_eq!(
        e["features"]["scim"],
        json!({"entitlement": "not_entitled", "enabled": false})
    );
    assert_eq!(e["errors"], json!([]));
    assert_eq!(e["has_license"], true);
    assert_eq!(e["trial"], false);
    assert_eq!(e["require_telemetry"], false);
    assert!(e["refreshed_at"].as_str().expect("time").ends_with('Z'));
}

#[test]
fn entitlement_without_limit_is_not_entitled() {
    let s = TestServer::start();
    let owner = s.owner();
    owner
        .post(
            "/api/v2/aibridge/interceptions",
            interception("admin", "openai", "2025-01-01T00:00:00Z"),
        )
        .expect(201);
    let (f, w) = entitlement(&owner);
    assert_eq!(f, json!({"entitlement": "not_entitled", "enabled": false}));
    assert!(w.is_empty());
}
