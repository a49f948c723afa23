//! The seat report (`GET /api/v2/coderlite/seats` and its CSV export): agreement with
//! `has_ai_seat` and with a brute-force computation over the raw tables on random data;
//! sources and first/last use exact; sort, filters, paging, `q` errors, permissions, CSV.

use crate::aiseats::{build, create_workspace, interception, seed_default_member, Lcg};
use crate::common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Expected row per username from the raw tables (no SQL aggregation):
/// (gateway first, gateway last, task first, task last).
type Uses = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);

fn fold(slot: &mut (Option<i64>, Option<i64>), t: i64) {
    slot.0 = Some(slot.0.map_or(t, |v| v.min(t)));
    slot.1 = Some(slot.1.map_or(t, |v| v.max(t)));
}

fn brute_force(s: &TestServer) -> BTreeMap<String, Uses> {
    let db = s.db();
    let users: Vec<(String, String)> = db
        .prepare("SELECT id, username FROM users WHERE deleted = 0 AND is_system = 0")
        .expect("users")
        .query_map(coderlite::params![], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("users");
    let intercepts: Vec<(String, i64)> = db
        .prepare("SELECT initiator_id, started_at FROM aibridge_interceptions")
        .expect("ai")
        .query_map(coderlite::params![], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ai");
    let workspaces: BTreeMap<String, (String, bool)> = db
        .prepare("SELECT id, owner_id, deleted FROM workspaces")
        .expect("ws")
        .query_map(coderlite::params![], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get::<i64>(2)? != 0)))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ws");
    let builds: Vec<(String, Option<i64>, i64)> = db
        .prepare("SELECT workspace_id, has_ai_task, created_at FROM workspace_builds")
        .expect("builds")
        .query_map(coderlite::params![], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("builds");
    let mut out = BTreeMap::new();
    for (id, name) in users {
        let mut gw = (None, None);
        let mut task = (None, None);
        for (who, t) in &intercepts {
            if *who == id {
                fold(&mut gw, *t);
            }
        }
        for (ws, ai, t) in &builds {
            let (owner, deleted) = &workspaces[ws];
            if *owner == id && !deleted && *ai == Some(1) {
                fold(&mut task, *t);
            }
        }
        out.insert(name, (gw.0, gw.1, task.0, task.1));
    }
    out
}

fn t(v: Option<i64>) -> Value {
    v.map_or(Value::Null, |m| json!(coderlite::timefmt::format_micros(m)))
}

fn expected_json(u: &Uses) -> (bool, Value, Value, Value) {
    let (g0, g1, t0, t1) = *u;
    let mut sources = Vec::new();
    if g0.is_some() {
        sources.push("ai_gateway");
    }
    if t0.is_some() {
        sources.push("ai_task");
    }
    let first = [g0, t0].into_iter().flatten().min();
    let last = [g1, t1].into_iter().flatten().max();
    (!sources.is_empty(), json!(sources), t(first), t(last))
}

/// Random users, interceptions and workspaces; returns the brute-force expectation.
fn random_data(s: &TestServer, owner: &Client, n: usize) -> BTreeMap<String, Uses> {
    let mut rng = Lcg(7);
    let mut batch = Vec::new();
    for i in 0..n {
        let name = format!("s{i:03}");
        seed_default_member(s, &name, &[], &[], false);
        if rng.next(3) == 0 {
            for _ in 0..=rng.next(4) {
                batch.push(interception(
                    &name,
                    "anthropic",
                    &format!(
                        "2025-{:02}-{:02}T{:02}:{:02}:00Z",
                        1 + rng.next(12),
                        1 + rng.next(28),
                        rng.next(24),
                        rng.next(60)
                    ),
                ));
            }
        }
        for k in 0..rng.next(3) {
            let ai = rng.next(2) == 0;
            let w = create_workspace(owner, &name, &format!("ws{k}"), ai);
            let id = w["id"].as_str().expect("id").to_string();
            if rng.next(3) == 0 {
                build(owner, &id, json!({"transition": "stop"}));
            }
            if rng.next(4) == 0 {
                build(owner, &id, json!({"transition": "delete"}));
            }
        }
    }
    owner
        .post("/api/v2/aibridge/interceptions", json!(batch))
        .expect(201);
    brute_force(s)
}

fn all_pages(c: &Client, query: &str, limit: usize) -> (Vec<Value>, i64) {
    let mut rows = Vec::new();
    let mut count = -1;
    loop {
        let r = c
            .get(&format!(
                "/api/v2/coderlite/seats?{query}&limit={limit}&offset={}",
                rows.len()
            ))
            .expect(200);
        count = r.body["count"].as_i64().unwrap_or(count);
        let page = r.body["users"].as_array().expect("users").clone();
        let done = page.len() < limit;
        rows.extend(page);
        if done {
            return (rows, count);
        }
    }
}

#[test]
fn report_matches_brute_force_and_has_ai_seat() {
    let s = TestServer::start_with(|c| c.ai_seat_limit = 1000);
    let owner = s.owner();
    let want = random_data(&s, &owner, 120);
    let seats = want.values().filter(|u| expected_json(u).0).count();
    assert!(seats > 20 && seats < want.len() - 20, "{seats} seats");
    assert!(want.values().any(|u| u.0.is_some() && u.2.is_some()));

    // Every row, exact.
    let (rows, count) = all_pages(&owner, "q=", 17);
    assert_eq!(count as usize, want.len());
    assert_eq!(rows.len(), want.len());
    for r in &rows {
        let name = r["username"].as_str().expect("username");
        let u = &want[name];
        let (has, sources, first, last) = expected_json(u);
        assert_eq!(r["has_seat"], has, "{name}");
        assert_eq!(r["sources"], sources, "{name}");
        assert_eq!(r["first_used_at"], first, "{name}");
        assert_eq!(r["last_used_at"], last, "{name}");
        assert_eq!(r["ai_gateway_first_used_at"], t(u.0), "{name}");
        assert_eq!(r["ai_gateway_last_used_at"], t(u.1), "{name}");
        assert_eq!(r["ai_task_first_used_at"], t(u.2), "{name}");
        assert_eq!(r["ai_task_last_used_at"], t(u.3), "{name}");
    }
    // Default order: username ascending.
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["username"].as_str().expect("n"))
        .collect();
    assert_eq!(names, want.keys().map(String::as_str).collect::<Vec<_>>());

    // Agreement with has_ai_seat on GET /users.
    let users = owner.get("/api/v2/users?limit=1000").expect(200).body;
    for u in users["users"].as_array().expect("users") {
        let name = u["username"].as_str().expect("username");
        assert_eq!(
            u["has_ai_seat"].as_bool(),
            Some(expected_json(&want[name]).0),
            "{name}"
        );
    }

    // Filters.
    let count_of = |q: &str| {
        owner
            .get(&format!(
                "/api/v2/coderlite/seats?q={}&limit=1",
                url_encode(q)
            ))
            .expect(200)
            .body["count"]
            .as_i64()
            .expect("count") as usize
    };
    assert_eq!(count_of("has_seat:true"), seats);
    assert_eq!(count_of("has_seat:false"), want.len() - seats);
    assert_eq!(
        count_of("source:ai_gateway"),
        want.values().filter(|u| u.0.is_some()).count()
    );
    assert_eq!(
        count_of("source:ai_task"),
        want.values().filter(|u| u.2.is_some()).count()
    );
    assert_eq!(
        count_of("has_seat:true source:ai_task s01"),
        want.iter()
            .filter(|(n, u)| u.2.is_some() && n.contains("s01"))
            .count()
    );
    assert_eq!(count_of("admin@example"), 1);
    assert_eq!(count_of("status:dormant"), 0);

    // Sorts: last use descending (users without use last), first use ascending.
    for (sort, order, pick) in [
        ("last_used_at", "desc", 3usize),
        ("last_used_at", "asc", 3),
        ("first_used_at", "asc", 2),
        ("first_used_at", "desc", 2),
    ] {
        let (rows, _) = all_pages(&owner, &format!("sort={sort}&order={order}"), 50);
        let mut expect: Vec<(&String, Value)> = want
            .iter()
            .map(|(n, u)| {
                let e = expected_json(u);
                (n, if pick == 3 { e.3 } else { e.2 })
            })
            .collect();
        expect.sort_by(|a, b| {
            let (ka, kb) = (a.1.as_str(), b.1.as_str());
            match (ka, kb) {
                (None, None) => a.0.cmp(b.0),
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (Some(x), Some(y)) => {
                    let o = if order == "desc" { y.cmp(x) } else { x.cmp(y) };
                    o.then(a.0.cmp(b.0))
                }
            }
        });
        let got: Vec<&str> = rows
            .iter()
            .map(|r| r["username"].as_str().expect("n"))
            .collect();
        let exp: Vec<&str> = expect.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(got, exp, "sort={sort} order={order}");
    }
    let (rows, _) = all_pages(&owner, "sort=username&order=desc", 50);
    let mut desc: Vec<&str> = want.keys().map(String::as_str).collect();
    desc.reverse();
    let got: Vec<&str> = rows
        .iter()
        .map(|r| r["username"].as_str().expect("n"))
        .collect();
    assert_eq!(got, desc);

    // Past the end: empty page, the count still there; the limit numbers.
    let r = owner.get("/api/v2/coderlite/seats?offset=5000").expect(200);
    assert_eq!(r.body["users"], json!([]));
    assert_eq!(r.body["count"].as_i64(), Some(want.len() as i64));
    assert_eq!(r.body["limit"], 1000);
    let e = owner.get("/api/v2/entitlements").expect(200).body;
    assert_eq!(
        r.body["active_seats"],
        e["features"]["ai_governance_user_limit"]["actual"]
    );

    // CSV: same rows, same order, header first.
    let csv = owner
        .get("/api/v2/coderlite/seats/export?format=csv&q=has_seat:true&sort=last_used_at&order=desc")
        .expect(200);
    assert!(csv
        .header("content-type")
        .expect("type")
        .starts_with("text/csv"));
    let (json_rows, _) = all_pages(&owner, "q=has_seat:true&sort=last_used_at&order=desc", 100);
    let mut reader = csv::Reader::from_reader(csv.text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        [
            "user_id",
            "username",
            "name",
            "email",
            "status",
            "has_seat",
            "sources",
            "first_used_at",
            "last_used_at",
            "ai_gateway_first_used_at",
            "ai_gateway_last_used_at",
            "ai_task_first_used_at",
            "ai_task_last_used_at"
        ]
    );
    let recs: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("records");
    assert_eq!(recs.len(), json_rows.len());
    for (rec, row) in recs.iter().zip(&json_rows) {
        assert_eq!(&rec[0], row["user_id"].as_str().expect("id"));
        assert_eq!(&rec[1], row["username"].as_str().expect("name"));
        assert_eq!(&rec[5], "true");
        let sources: Vec<&str> = row["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|v| v.as_str().expect("s"))
            .collect();
        assert_eq!(&rec[6], sources.join(" "));
        assert_eq!(&rec[7], row["first_used_at"].as_str().expect("first"));
        assert_eq!(&rec[8], row["last_used_at"].as_str().expect("last"));
        assert_eq!(
            &rec[11],
            row["ai_task_first_used_at"].as_str().unwrap_or("")
        );
    }
}

#[test]
fn errors_and_permissions() {
    let s = TestServer::start_with(|c| c.ai_seat_limit = 10);
    let owner = s.owner();
    for (q, field) in [
        ("has_seat:maybe", "has_seat"),
        ("source:slack", "source"),
        ("colour:red", "colour"),
        ("a:b:c", "q"),
        ("status:gone", "status"),
    ] {
        for path in ["/api/v2/coderlite/seats", "/api/v2/coderlite/seats/export"] {
            let r = owner
                .get(&format!("{path}?q={}", url_encode(q)))
                .expect(400);
            assert_eq!(r.body["message"], "Invalid seat report search query.");
            assert_eq!(r.body["validations"][0]["field"], field, "{q}");
        }
    }
    let r = owner.get("/api/v2/coderlite/seats?sort=email").expect(400);
    assert_eq!(r.body["validations"][0]["field"], "sort");
    let r = owner
        .get("/api/v2/coderlite/seats?order=sideways")
        .expect(400);
    assert_eq!(r.body["validations"][0]["field"], "order");
    owner.get("/api/v2/coderlite/seats?limit=-1").expect(400);
    owner.get("/api/v2/coderlite/seats?limit=1001").expect(400);
    owner.get("/api/v2/coderlite/seats?offset=x").expect(400);
    owner
        .get("/api/v2/coderlite/seats/export?format=xml")
        .expect(400);

    let r = owner.get("/api/v2/coderlite/seats").expect(200).body;
    assert_eq!(r["limit"], 10);
    assert_eq!(r["active_seats"], 0);
    assert_eq!(r["warning"], Value::Null);

    s.client().get("/api/v2/coderlite/seats").expect(401);
    for (name, site, allowed) in [
        ("aud", vec!["auditor"], true),
        ("tadmin", vec!["template-admin"], false),
        ("uadmin", vec!["user-admin"], false),
        ("plain", vec![], false),
    ] {
        let (_, c) = seed_default_member(&s, name, &site, &[], true);
        let c = c.expect("client");
        let status = if allowed { 200 } else { 403 };
        c.get("/api/v2/coderlite/seats").expect(status);
        c.get("/api/v2/coderlite/seats/export").expect(status);
    }
    // Over 90 %: the page carries Coder's warning text.
    let batch: Vec<Value> = ["aud", "tadmin", "uadmin", "plain", "admin"]
        .iter()
        .map(|n| interception(n, "openai", "2025-03-01T00:00:00Z"))
        .collect();
    owner
        .post("/api/v2/aibridge/interceptions", json!(batch))
        .expect(201);
    for i in 0..4 {
        seed_default_member(&s, &format!("x{i}"), &[], &[], false);
        owner
            .post(
                "/api/v2/aibridge/interceptions",
                json!([interception(
                    &format!("x{i}"),
                    "openai",
                    "2025-03-01T00:00:00Z"
                )]),
            )
            .expect(201);
    }
    let r = owner.get("/api/v2/coderlite/seats").expect(200).body;
    assert_eq!(r["active_seats"], 9);
    assert_eq!(
        r["warning"],
        "You have used 90% of your AI Governance add-on seats."
    );
    // Not entitled: no limit.
    let s2 = TestServer::start();
    assert_eq!(
        s2.owner().get("/api/v2/coderlite/seats").expect(200).body["limit"],
        Value::Null
    );
}
