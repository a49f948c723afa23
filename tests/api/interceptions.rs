//! `GET /api/v2/aibridge/interceptions` (Coder's shape, filters, paging, visibility) and the
//! coderlite bulk `POST` (validation by index, one transaction, one audit row).

use crate::aiseats::{interception, seed_default_member};
use crate::common::*;
use serde_json::{json, Value};

fn count_rows(s: &TestServer, sql: &str) -> i64 {
    s.db()
        .query_row(sql, coderlite::params![], |r| r.get(0))
        .expect("count")
}

#[test]
fn create_one_and_list() {
    let s = TestServer::start();
    let owner = s.owner();
    let (alice, _) = seed_default_member(&s, "alice", &[], &[], false);
    let id = "6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f";
    let r = owner
        .post(
            "/api/v2/aibridge/interceptions",
            json!({"id": id, "initiator": "Alice", "provider": "anthropic", "model": "claude-opus-4",
                   "started_at": "2025-05-01T10:00:00.5+02:00", "metadata": {"session": "x"},
                   "api_key_id": "abc123", "client": "claude-code"}),
        )
        .expect(201);
    let b = &r.body;
    assert_eq!(b["id"], id);
    assert_eq!(b["initiator"], json!({"id": alice, "username": "alice"}));
    assert_eq!(b["started_at"], "2025-05-01T08:00:00.5Z");
    assert_eq!(b["ended_at"], Value::Null);
    assert_eq!(b["metadata"], json!({"session": "x"}));
    assert_eq!(b["api_key_id"], "abc123");
    assert_eq!(b["token_usages"], json!([]));
    assert_eq!(b["user_prompts"], json!([]));
    assert_eq!(b["tool_usages"], json!([]));

    let l = owner.get("/api/v2/aibridge/interceptions").expect(200);
    assert_eq!(l.body["count"], 1);
    assert_eq!(l.body["results"][0], *b);

    // One audit row for the request.
    let row: (String, String, String, i64) = s
        .db()
        .query_row(
            "SELECT action, resource_id, resource_target, status_code FROM audit_logs WHERE resource_type = 'ai_seat'",
            coderlite::params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("audit row");
    assert_eq!(row, ("create".into(), id.into(), "alice".into(), 201));
}

#[test]
fn batch_filters_and_paging() {
    let s = TestServer::start();
    let owner = s.owner();
    seed_default_member(&s, "alice", &[], &[], false);
    let (bob, _) = seed_default_member(&s, "bob", &[], &[], false);
    let mut batch = Vec::new();
    for day in 1..=9 {
        let who = if day % 3 == 0 { bob.as_str() } else { "alice" };
        let provider = if day % 2 == 0 { "openai" } else { "anthropic" };
        batch.push(interception(
            who,
            provider,
            &format!("2025-06-0{day}T12:00:00Z"),
        ));
    }
    let r = owner
        .post("/api/v2/aibridge/interceptions", json!(batch))
        .expect(201);
    assert_eq!(r.body["count"], 9);
    assert_eq!(r.body["results"].as_array().expect("results").len(), 9);
    assert_eq!(
        count_rows(
            &s,
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'ai_seat'"
        ),
        1
    );

    let get = |q: &str| {
        owner
            .get(&format!("/api/v2/aibridge/interceptions?{q}"))
            .expect(200)
            .body
    };
    // Newest first.
    let all = get("");
    let starts: Vec<&str> = all["results"]
        .as_array()
        .expect("r")
        .iter()
        .map(|i| i["started_at"].as_str().expect("t"))
        .collect();
    assert_eq!(starts.first(), Some(&"2025-06-09T12:00:00Z"));
    assert_eq!(starts.last(), Some(&"2025-06-01T12:00:00Z"));
    assert_eq!(get("q=initiator:bob")["count"], 3);
    assert_eq!(get(&format!("q=initiator:{bob}"))["count"], 3);
    assert_eq!(get("q=bob")["count"], 3, "bare words are the initiator");
    assert_eq!(get("q=provider:openai")["count"], 4);
    assert_eq!(get("q=provider:OpenAI%20model:claude-sonnet-4")["count"], 4);
    assert_eq!(get("q=model:gpt")["count"], 0);
    assert_eq!(get("q=initiator:me")["count"], 0);
    let window =
        "q=started_after:%222025-06-03T00:00:00Z%22%20started_before:%222025-06-06T00:00:00Z%22";
    assert_eq!(get(window)["count"], 3);

    // Offset and keyset paging.
    let p1 = get("limit=4");
    assert_eq!(p1["count"], 9, "count ignores the page");
    assert_eq!(p1["results"].as_array().expect("r").len(), 4);
    let last = p1["results"][3]["id"].as_str().expect("id").to_string();
    let p2 = get(&format!("limit=4&after_id={last}"));
    assert_eq!(p2["results"][0]["started_at"], "2025-06-05T12:00:00Z");
    assert_eq!(
        get("limit=4&offset=8")["results"]
            .as_array()
            .expect("r")
            .len(),
        1
    );
}

#[test]
fn list_bad_input() {
    let s = TestServer::start();
    let owner = s.owner();
    let bad = |q: &str| {
        owner
            .get(&format!("/api/v2/aibridge/interceptions?{q}"))
            .expect(400)
    };
    let r = bad("after_id=6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f&offset=2");
    assert_eq!(r.message(), "Query parameters have invalid values.");
    assert_eq!(
        r.body["detail"],
        "Cannot use both after_id and offset pagination in the same request."
    );
    let r = bad("limit=1001");
    assert_eq!(r.message(), "Invalid pagination limit value.");
    assert_eq!(
        r.body["detail"],
        "Pagination limit must be in range (0, 1000]"
    );
    bad("limit=-1");
    let r = bad("after_id=6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f");
    assert_eq!(r.message(), "Invalid pagination cursor.");
    let r = bad("q=colour:red");
    assert_eq!(r.message(), "Invalid workspace search query.");
    assert_eq!(
        r.body["validations"][0]["detail"],
        "\"colour\" is not a valid query param"
    );
    let r = bad("q=initiator:nobody");
    assert_eq!(r.body["validations"][0]["field"], "initiator");
    let r = bad("q=started_after:yesterday");
    assert_eq!(r.body["validations"][0]["field"], "started_after");
    let r = bad(
        "q=started_after:%222025-06-03T00:00:00Z%22%20started_before:%222025-06-01T00:00:00Z%22",
    );
    assert_eq!(r.body["validations"][0]["field"], "started_before");
    s.client().get("/api/v2/aibridge/interceptions").expect(401);
}

#[test]
fn visibility_and_permission() {
    let s = TestServer::start();
    let owner = s.owner();
    let (_, member) = seed_default_member(&s, "member", &[], &[], true);
    let (_, auditor) = seed_default_member(&s, "auditor1", &["auditor"], &[], true);
    let (member, auditor) = (member.expect("c"), auditor.expect("c"));
    let batch = json!([
        interception("member", "openai", "2025-01-01T00:00:00Z"),
        interception("admin", "openai", "2025-01-02T00:00:00Z"),
        interception("auditor1", "openai", "2025-01-03T00:00:00Z"),
    ]);
    owner
        .post("/api/v2/aibridge/interceptions", batch)
        .expect(201);
    let mine = member
        .get("/api/v2/aibridge/interceptions")
        .expect(200)
        .body;
    assert_eq!(mine["count"], 1);
    assert_eq!(mine["results"][0]["initiator"]["username"], "member");
    assert_eq!(
        member
            .get("/api/v2/aibridge/interceptions?q=initiator:admin")
            .expect(200)
            .body["count"],
        0
    );
    assert_eq!(
        auditor
            .get("/api/v2/aibridge/interceptions")
            .expect(200)
            .body["count"],
        3
    );
    // A cursor the caller cannot see is rejected like a missing one.
    let other = owner
        .get("/api/v2/aibridge/interceptions?q=initiator:admin")
        .expect(200)
        .body["results"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    member
        .get(&format!("/api/v2/aibridge/interceptions?after_id={other}"))
        .expect(400);

    // Only owners create.
    for c in [&member, &auditor] {
        let r = c
            .post(
                "/api/v2/aibridge/interceptions",
                interception("member", "openai", "2025-01-04T00:00:00Z"),
            )
            .expect(403);
        assert_eq!(r.message(), "Forbidden.");
    }
    assert_eq!(
        count_rows(&s, "SELECT count(*) FROM aibridge_interceptions"),
        3
    );
}

#[test]
fn create_bad_input_writes_nothing() {
    let s = TestServer::start();
    let owner = s.owner();
    seed_default_member(&s, "alice", &[], &[], false);
    let post = |body: Value| owner.post("/api/v2/aibridge/interceptions", body);
    let ok = interception("alice", "openai", "2025-01-01T00:00:00Z");

    // Unknown initiator in item 3 of 4.
    let r = post(json!([
        ok,
        ok,
        ok,
        interception("ghost", "openai", "2025-01-01T00:00:00Z")
    ]))
    .expect(400);
    assert_eq!(r.message(), "Validation failed.");
    assert_eq!(r.body["validations"][0]["field"], "[3].initiator");
    // Bad timestamps and missing fields, each named by index.
    let r = post(json!([
        ok,
        {"initiator": "alice", "provider": "p", "model": "m", "started_at": "yesterday"},
        {"initiator": "alice", "model": "m", "started_at": "2025-01-01T00:00:00Z", "ended_at": "2024-01-01T00:00:00Z"},
        {"initiator": "alice", "provider": "p", "model": "m", "started_at": "2025-01-01T00:00:00Z", "metadata": "x", "id": "nope"},
        17
    ]))
    .expect(400);
    let fields: Vec<&str> = r.body["validations"]
        .as_array()
        .expect("v")
        .iter()
        .map(|v| v["field"].as_str().expect("f"))
        .collect();
    assert_eq!(
        fields,
        vec![
            "[1].started_at",
            "[2].provider",
            "[2].ended_at",
            "[3].id",
            "[3].metadata",
            "[4]"
        ]
    );
    // Single object: plain field names.
    let r = post(json!({"provider": "p"})).expect(400);
    assert_eq!(r.body["validations"][0]["field"], "initiator");
    // Too many.
    let many: Vec<Value> = (0..10_001).map(|_| ok.clone()).collect();
    let r = post(json!(many)).expect(400);
    assert_eq!(r.message(), "Too many interceptions in one request.");
    // Empty, malformed, wrong type.
    post(json!([])).expect(400);
    let r = owner
        .raw(
            "POST",
            "/api/v2/aibridge/interceptions",
            Some(b"[{".to_vec()),
            &[],
        )
        .expect(400);
    assert_eq!(r.message(), "Request body must be valid JSON.");
    // Duplicate ids: within the batch (400) and against stored rows (409).
    let mut dup = ok.clone();
    dup["id"] = json!("6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f");
    let r = post(json!([dup, dup])).expect(400);
    assert_eq!(r.body["validations"][0]["field"], "[1].id");
    assert_eq!(
        count_rows(&s, "SELECT count(*) FROM aibridge_interceptions"),
        0,
        "nothing written"
    );
    post(dup.clone()).expect(201);
    let r = post(json!([ok, dup])).expect(409);
    assert_eq!(r.body["validations"][0]["field"], "[1].id");
    assert_eq!(
        count_rows(&s, "SELECT count(*) FROM aibridge_interceptions"),
        1,
        "the batch rolled back"
    );

    // Failed attempts are audited with their status; the successful one with 201.
    assert_eq!(
        count_rows(
            &s,
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'ai_seat' AND status_code = 201"
        ),
        1
    );
    assert!(count_rows(&s, "SELECT count(*) FROM audit_logs WHERE resource_type = 'ai_seat' AND status_code >= 400") >= 6);

    // A full batch of 10,000 goes through in one request.
    let full: Vec<Value> = (0..10_000).map(|_| ok.clone()).collect();
    let r = post(json!(full)).expect(201);
    assert_eq!(r.body["count"], 10_000);
    assert_eq!(
        count_rows(&s, "SELECT count(*) FROM aibridge_interceptions"),
        10_001
    );
}
