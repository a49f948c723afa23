//! `POST /aibridge/interceptions` with sessions, threads and usages: validation names every
//! bad field, a bad batch writes nothing, ids must be new, and what was written comes back
//! from `GET /aibridge/interceptions` (the list Coder removed in June 2026).

use super::*;

const TABLES: &[&str] = &[
    "aibridge_interceptions",
    "aibridge_token_usages",
    "aibridge_user_prompts",
    "aibridge_tool_usages",
    "aibridge_model_thoughts",
    "aibridge_session_order",
];

fn counts(w: &World) -> Vec<i64> {
    TABLES.iter().map(|t| w.rows(t)).collect()
}

fn full(id: &str) -> Value {
    ix(
        id,
        "alice",
        0,
        10,
        json!({
        "client_session_id": "s", "credential_kind": "byok_subscription", "credential_hint": "sk-...abcd",
        "agent_firewall_session_id": uid(77), "agent_firewall_sequence_number": 4,
        "token_usages": [{"id": uid(11), "provider_response_id": "r1", "input_tokens": 7, "output_tokens": 8,
            "cache_read_input_tokens": 9, "cache_write_input_tokens": 10, "metadata": {"a": 1},
            "created_at": at(2)}],
        "user_prompts": [{"id": uid(12), "prompt": "hello", "created_at": at(1)}],
        "tool_usages": [{"id": uid(13), "tool": "Bash", "input": "ls", "server_url": "https://x",
            "invocation_error": "exit 1", "injected": true, "provider_tool_call_id": "call_1"}],
        "model_thoughts": [{"content": "hmm", "created_at": at(3)}]}),
    )
}

#[test]
fn usages_are_recorded_and_listed() {
    let w = World::new();
    let r = w
        .owner
        .post("/api/v2/aibridge/interceptions", full(&uid(1)))
        .expect(201);
    assert_eq!(r.body["token_usages"][0]["input_tokens"], 7);
    assert_eq!(r.body["tool_usages"][0]["invocation_error"], "exit 1");
    assert_eq!(counts(&w), vec![1, 1, 1, 1, 1, 1]);
    let list = ok(&w.owner, PREFIXES[1], "/interceptions");
    let item = &list["results"][0];
    assert_eq!(*item, r.body, "the created echo is what the list shows");
    assert_eq!(item["provider_name"], "anthropic");
    assert_eq!(item["metadata"], json!({}));
    assert_eq!(
        item["token_usages"],
        json!([{"id": uid(11), "interception_id": uid(1), "provider_response_id": "r1",
                "input_tokens": 7, "output_tokens": 8, "cache_read_input_tokens": 9,
                "cache_write_input_tokens": 10, "metadata": {"a": 1}, "created_at": at(2)}])
    );
    assert_eq!(
        item["user_prompts"],
        json!([{"id": uid(12), "interception_id": uid(1), "provider_response_id": "",
                "prompt": "hello", "metadata": {}, "created_at": at(1)}])
    );
    assert_eq!(
        item["tool_usages"],
        json!([{"id": uid(13), "interception_id": uid(1), "provider_response_id": "",
                "server_url": "https://x", "tool": "Bash", "input": "ls", "injected": true,
                "invocation_error": "exit 1", "metadata": {}, "created_at": at(0)}])
    );
    let t = &ok(&w.owner, PREFIXES[0], "/sessions/s")["threads"][0];
    assert_eq!(t["agent_firewall_session_id"], uid(77));
    assert_eq!(t["agent_firewall_sequence_number"], 4);
    assert_eq!(t["credential_kind"], "byok_subscription");
    assert_eq!(t["credential_hint"], "sk-...abcd");
    assert_eq!(
        t["agentic_actions"][0]["thinking"],
        json!([{"text": "hmm"}])
    );
    // One audit row for the request, with what it recorded.
    let extra: String =
        w.s.db()
            .query_row(
                "SELECT additional_fields FROM audit_logs WHERE resource_type = 'ai_seat'",
                coderlite::params![],
                |r| r.get(0),
            )
            .expect("audit row");
    let extra: Value = serde_json::from_str(&extra).expect("json");
    assert_eq!(
        extra,
        json!({"interceptions": "1", "initiators": "1", "usages": "4"})
    );
}

#[test]
fn bad_usages_are_named_and_nothing_is_written() {
    let w = World::new();
    let mut bad = full(&uid(2));
    bad["token_usages"][0]["output_tokens"] = json!(-5);
    bad["tool_usages"][0]["tool"] = json!("");
    bad["user_prompts"][0]["created_at"] = json!("yesterday");
    bad["thread_parent_id"] = json!(uid(3));
    bad["credential_hint"] = json!("sk-this-is-far-too-long");
    let r = w
        .owner
        .post(
            "/api/v2/aibridge/interceptions",
            json!([full(&uid(1)), bad]),
        )
        .expect(400);
    assert_eq!(r.message(), "Validation failed.");
    let fields: Vec<&str> = r.body["validations"]
        .as_array()
        .expect("validations")
        .iter()
        .map(|v| v["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        fields,
        vec![
            "[1].thread_root_id",
            "[1].credential_hint",
            "[1].token_usages[0].output_tokens",
            "[1].user_prompts[0].created_at",
            "[1].tool_usages[0].tool",
        ]
    );
    assert_eq!(
        counts(&w),
        vec![0, 0, 0, 0, 0, 0],
        "the good item is not written either"
    );
    // The same child id twice in one request, or one already stored.
    let mut twice = full(&uid(2));
    twice["token_usages"] = json!([{"id": uid(11)}, {"id": uid(11)}]);
    let r = w
        .owner
        .post("/api/v2/aibridge/interceptions", twice)
        .expect(400);
    assert_eq!(r.body["validations"][0]["field"], "token_usages[1].id");
    w.owner
        .post("/api/v2/aibridge/interceptions", full(&uid(1)))
        .expect(201);
    let before = counts(&w);
    let mut again = full(&uid(2));
    again["user_prompts"] = json!([{"id": uid(12), "prompt": "x"}]);
    again["token_usages"] = json!([]);
    again["tool_usages"] = json!([]);
    let r = w
        .owner
        .post("/api/v2/aibridge/interceptions", again)
        .expect(409);
    assert_eq!(r.message(), "Usage already exists.");
    assert_eq!(
        r.body["validations"],
        json!([{"field": "user_prompts[0].id", "detail": format!("{} already exists", uid(12))}])
    );
    assert_eq!(counts(&w), before);
    // Not a list, not an object.
    let mut shapes = full(&uid(3));
    shapes["tool_usages"] = json!({"tool": "x"});
    shapes["model_thoughts"] = json!([1]);
    let r = w
        .owner
        .post("/api/v2/aibridge/interceptions", shapes)
        .expect(400);
    assert_eq!(
        r.body["validations"],
        json!([{"field": "tool_usages", "detail": "must be a JSON array or null"},
               {"field": "model_thoughts[0]", "detail": "must be a JSON object"}])
    );
}

#[test]
fn only_owners_record() {
    let w = World::new();
    let org = default_org_id(&w.s);
    let roles: &[(&str, &[&str])] = &[(org.as_str(), &[])];
    let (_, auditor) = seed_user(&w.s, "aud", &["auditor"], roles);
    let alice = w.s.login("alice@example.com", PASSWORD);
    for c in [&auditor, &alice] {
        c.post("/api/v2/aibridge/interceptions", full(&uid(1)))
            .expect(403);
    }
    w.s.client()
        .post("/api/v2/aibridge/interceptions", full(&uid(1)))
        .expect(401);
    assert_eq!(w.rows("aibridge_interceptions"), 0);
}
