//! `GET /ai-gateway/sessions`: what a session is made of (Coder's JSON, field by field), its
//! order, the count, and both ways of paging.

use super::*;

/// Alice's `claude-1`: two threads (the first with an agentic follow-up), an in-flight
/// interception that must not count; Bob's session of one interception without a client
/// session id, prompts or client.
pub fn two_sessions(w: &World) {
    let root1 = uid(1);
    record(
        &w.owner,
        vec![
            ix(
                &root1,
                "alice",
                0,
                60,
                json!({
                "client_session_id": "claude-1", "client": "Claude Code", "metadata": {"k": "v"},
                "credential_hint": "sk-a...9xQz",
                "user_prompts": [{"prompt": "fix the failing parser test", "created_at": at(1)}],
                "token_usages": [{"input_tokens": 100, "output_tokens": 10,
                    "cache_read_input_tokens": 1000, "cache_write_input_tokens": 50,
                    "metadata": {"cache_creation": {"ephemeral_5m_input_tokens": 50}}}],
                "tool_usages": [{"tool": "Bash", "input": "{\"command\":\"ls\"}", "created_at": at(30),
                    "provider_response_id": "msg_1"}]}),
            ),
            ix(
                &uid(2),
                "alice",
                61,
                120,
                json!({
                "client_session_id": "claude-1", "client": "Cursor", "model": "claude-haiku-4",
                "thread_root_id": root1, "thread_parent_id": root1,
                "token_usages": [{"input_tokens": 200, "output_tokens": 20}],
                "tool_usages": [{"tool": "Read", "created_at": at(90)}, {"tool": "Edit", "created_at": at(100),
                    "server_url": "https://mcp.example.com", "injected": true}],
                "model_thoughts": [{"content": "list the directory first"}]}),
            ),
            ix(
                &uid(3),
                "alice",
                600,
                660,
                json!({
                "client_session_id": "claude-1", "provider": "openai", "model": "gpt-5",
                "user_prompts": [{"prompt": "now add tests", "created_at": at(601)}],
                "token_usages": [{"input_tokens": 5, "output_tokens": 5}]}),
            ),
            json!({"id": uid(4), "initiator": "alice", "provider": "openai", "model": "gpt-4o",
                   "started_at": at(700), "client_session_id": "claude-1",
                   "user_prompts": [{"prompt": "still running", "created_at": at(701)}]}),
            ix(&uid(5), "bob", 300, 301, json!({})),
        ],
    );
}

#[test]
fn sessions_have_coders_shape_and_order() {
    let w = World::new();
    two_sessions(&w);
    for prefix in PREFIXES {
        let page = ok(&w.owner, prefix, "/sessions");
        assert_eq!(
            page["count"], 2,
            "{prefix}: the in-flight interception is not a session"
        );
        assert_eq!(ids(&page), vec!["claude-1".to_string(), uid(5)]);
        assert_eq!(
            page["sessions"][0],
            json!({
                "id": "claude-1", "initiator": {"id": w.alice, "username": "alice"},
                "providers": ["anthropic", "openai"],
                "models": ["claude-haiku-4", "claude-sonnet-4", "gpt-5"],
                "client": "Claude Code", "metadata": {"k": "v"},
                "started_at": at(0), "ended_at": at(660), "threads": 2,
                "token_usage_summary": {"input_tokens": 305, "output_tokens": 35,
                    "cache_read_input_tokens": 1000, "cache_write_input_tokens": 50},
                "last_prompt": "now add tests", "last_active_at": at(601)
            })
        );
        // No prompt: active since its start; no client: null; no metadata: {}.
        assert_eq!(
            page["sessions"][1],
            json!({
                "id": uid(5), "initiator": {"id": w.bob, "username": "bob"},
                "providers": ["anthropic"], "models": ["claude-sonnet-4"], "client": null,
                "metadata": {}, "started_at": at(300), "ended_at": at(301), "threads": 1,
                "token_usage_summary": {"input_tokens": 0, "output_tokens": 0,
                    "cache_read_input_tokens": 0, "cache_write_input_tokens": 0},
                "last_active_at": at(300)
            })
        );
    }
}

/// Coder's `Pagination` test: five sessions, `limit=2`, then `offset=2` or `after_session_id`.
#[test]
fn pages_by_offset_and_by_cursor() {
    let w = World::new();
    let items: Vec<Value> = (0..5)
        .map(|i| {
            ix(
                &uid(10 + i),
                "alice",
                1000 - 100 * i as i64,
                1001 - 100 * i as i64,
                json!({"client_session_id": format!("s{i}")}),
            )
        })
        .collect();
    record(&w.owner, items);
    let want: Vec<String> = (0..5).map(|i| format!("s{i}")).collect();
    for prefix in PREFIXES {
        let p1 = ok(&w.owner, prefix, "/sessions?limit=2");
        assert_eq!(p1["count"], 5);
        assert_eq!(ids(&p1), want[0..2]);
        let p2 = ok(&w.owner, prefix, "/sessions?limit=2&offset=2");
        assert_eq!(ids(&p2), want[2..4]);
        assert_eq!(p2["count"], 5, "count ignores the page");
        let c2 = ok(&w.owner, prefix, "/sessions?limit=2&after_session_id=s1");
        assert_eq!(ids(&c2), want[2..4]);
        let c3 = ok(&w.owner, prefix, "/sessions?limit=2&after_session_id=s3");
        assert_eq!(ids(&c3), want[4..5]);
        let last = ok(&w.owner, prefix, "/sessions?limit=2&after_session_id=s4");
        assert_eq!(last["sessions"], json!([]));
        // What Coder's web client sends for its first page.
        let first = ok(&w.owner, prefix, "/sessions?offset=0&limit=25&q=");
        assert_eq!(ids(&first), want);
        // A cursor with a filter keeps both.
        let f = ok(
            &w.owner,
            prefix,
            "/sessions?after_session_id=s1&q=initiator:alice",
        );
        assert_eq!(ids(&f), want[2..5]);
        let f = ok(
            &w.owner,
            prefix,
            "/sessions?after_session_id=s1&q=model:claude-sonnet-4",
        );
        assert_eq!(ids(&f), want[2..5]);
    }
}

/// A prompt moves its session to the top; two users with one client session id are two
/// sessions with the same id (Coder's `SessionIDCollisionAcrossUsers`).
#[test]
fn activity_orders_and_users_split_sessions() {
    let w = World::new();
    record(
        &w.owner,
        vec![
            ix(
                &uid(1),
                "alice",
                0,
                10,
                json!({"client_session_id": "shared"}),
            ),
            ix(
                &uid(2),
                "bob",
                100,
                110,
                json!({"client_session_id": "shared", "provider": "openai"}),
            ),
            ix(
                &uid(3),
                "alice",
                50,
                60,
                json!({"client_session_id": "quiet"}),
            ),
        ],
    );
    let page = ok(&w.owner, PREFIXES[0], "/sessions");
    assert_eq!(page["count"], 3);
    let order: Vec<(String, String)> = page["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or("").into(),
                s["initiator"]["username"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            ("shared".into(), "bob".into()),
            ("quiet".into(), "alice".into()),
            ("shared".into(), "alice".into())
        ]
    );
    assert_eq!(page["sessions"][0]["providers"], json!(["openai"]));
    assert_eq!(page["sessions"][2]["providers"], json!(["anthropic"]));
    // A later prompt in alice's "shared" session makes it the most recently active.
    record(
        &w.owner,
        vec![ix(
            &uid(4),
            "alice",
            20,
            30,
            json!({"client_session_id": "shared",
            "user_prompts": [{"prompt": "again", "created_at": at(500)}]}),
        )],
    );
    let page = ok(&w.owner, PREFIXES[0], "/sessions");
    assert_eq!(page["sessions"][0]["initiator"]["username"], "alice");
    assert_eq!(page["sessions"][0]["last_active_at"], at(500));
    assert_eq!(page["sessions"][0]["last_prompt"], "again");
    assert_eq!(page["sessions"][0]["threads"], 2);
    assert_eq!(
        ok(&w.owner, PREFIXES[0], "/sessions?q=session_id:shared")["count"],
        2
    );
}

/// Without a client session id, a thread is its own session: its root's id.
#[test]
fn threads_without_a_client_session_are_sessions() {
    let w = World::new();
    let root = uid(1);
    record(
        &w.owner,
        vec![
            ix(&root, "alice", 0, 10, json!({})),
            ix(
                &uid(2),
                "alice",
                20,
                30,
                json!({"thread_root_id": root, "thread_parent_id": root}),
            ),
            ix(
                &uid(3),
                "alice",
                40,
                50,
                json!({"thread_root_id": root, "thread_parent_id": uid(2)}),
            ),
        ],
    );
    let page = ok(&w.owner, PREFIXES[1], "/sessions");
    assert_eq!(ids(&page), vec![root]);
    assert_eq!(page["sessions"][0]["threads"], 1);
    assert_eq!(page["sessions"][0]["ended_at"], at(50));
}
