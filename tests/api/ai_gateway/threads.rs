//! `GET /ai-gateway/sessions/{session_id}`: the header, threads with prompts, agentic actions,
//! thinking and token usage, paging both ways, and the errors.

use super::sessions::two_sessions;
use super::*;

#[test]
fn one_session_with_its_threads() {
    let w = World::new();
    two_sessions(&w);
    for prefix in PREFIXES {
        let s = ok(&w.owner, prefix, "/sessions/claude-1");
        let mut first_tokens = json!({"input_tokens": 100, "output_tokens": 10,
            "cache_read_input_tokens": 1000, "cache_write_input_tokens": 50,
            "metadata": {"cache_creation.ephemeral_5m_input_tokens": 50}});
        let bash = json!({"id": "?", "interception_id": uid(1), "provider_response_id": "msg_1",
            "server_url": "", "tool": "Bash", "injected": false, "input": "{\"command\":\"ls\"}",
            "metadata": {}, "created_at": at(30)});
        let read = json!({"id": "?", "interception_id": uid(2), "provider_response_id": "",
            "server_url": "", "tool": "Read", "injected": false, "input": "", "metadata": {},
            "created_at": at(90)});
        let edit = json!({"id": "?", "interception_id": uid(2), "provider_response_id": "",
            "server_url": "https://mcp.example.com", "tool": "Edit", "injected": true, "input": "",
            "metadata": {}, "created_at": at(100)});
        let actions = json!([
            {"model": "claude-sonnet-4", "token_usage": first_tokens.take(), "thinking": [],
             "tool_calls": [bash]},
            {"model": "claude-haiku-4", "token_usage": {"input_tokens": 200, "output_tokens": 20,
                "cache_read_input_tokens": 0, "cache_write_input_tokens": 0, "metadata": {}},
             "thinking": [{"text": "list the directory first"}], "tool_calls": [read, edit]}]);
        let thread1 = json!({"id": uid(1), "prompt": "fix the failing parser test",
            "model": "claude-sonnet-4", "provider": "anthropic", "credential_kind": "centralized",
            "credential_hint": "sk-a...9xQz", "started_at": at(0), "ended_at": at(120),
            "token_usage": {"input_tokens": 300, "output_tokens": 30,
                "cache_read_input_tokens": 1000, "cache_write_input_tokens": 50,
                "metadata": {"cache_creation.ephemeral_5m_input_tokens": 50}},
            "agentic_actions": actions});
        let thread2 = json!({"id": uid(3), "prompt": "now add tests", "model": "gpt-5",
            "provider": "openai", "credential_kind": "centralized", "credential_hint": "",
            "started_at": at(600), "ended_at": at(660),
            "token_usage": {"input_tokens": 5, "output_tokens": 5, "cache_read_input_tokens": 0,
                "cache_write_input_tokens": 0, "metadata": {}},
            "agentic_actions": []});
        let want = json!({
            "id": "claude-1", "initiator": {"id": w.alice, "username": "alice"},
            "providers": ["anthropic", "openai"],
            "models": ["claude-haiku-4", "claude-sonnet-4", "gpt-5"],
            "client": "Claude Code", "metadata": {"k": "v"},
            "page_started_at": at(0), "page_ended_at": at(660),
            "started_at": at(0), "ended_at": at(660),
            "token_usage_summary": {"input_tokens": 305, "output_tokens": 35,
                "cache_read_input_tokens": 1000, "cache_write_input_tokens": 50,
                "metadata": {"cache_creation.ephemeral_5m_input_tokens": 50}},
            "threads": [thread1, thread2]
        });
        // Tool call ids are generated: compare them as "?".
        let mut got = s.clone();
        for t in got["threads"].as_array_mut().expect("threads") {
            for a in t["agentic_actions"].as_array_mut().expect("actions") {
                for c in a["tool_calls"].as_array_mut().expect("calls") {
                    assert!(c["id"].as_str().is_some_and(|id| id.len() == 36));
                    c["id"] = json!("?");
                }
            }
        }
        assert_eq!(got, want, "{prefix}");
        // No client: the key is left out (unlike the list's null).
        let bob = ok(&w.owner, prefix, &format!("/sessions/{}", uid(5)));
        assert!(bob.as_object().is_some_and(|o| !o.contains_key("client")));
        assert_eq!(bob["threads"][0]["agentic_actions"], json!([]));
        assert!(bob["threads"][0]
            .as_object()
            .is_some_and(|o| !o.contains_key("prompt")));
    }
}

/// Five threads (each root with a follow-up): `limit`, `after_id` and `before_id`.
#[test]
fn threads_page_both_ways() {
    let w = World::new();
    let mut items = Vec::new();
    for i in 0..5u32 {
        let root = uid(100 + i);
        let t = 1000 * i as i64;
        items.push(ix(
            &root,
            "alice",
            t,
            t + 10,
            json!({"client_session_id": "s",
            "error_type": if i == 4 { json!("rate_limit") } else { Value::Null },
            "error_message": if i == 4 { json!("429 from upstream") } else { Value::Null },
            "credential_kind": "byok_api_key", "credential_hint": "raw-secret-key"}),
        ));
        items.push(ix(
            &uid(200 + i),
            "alice",
            t + 20,
            t + 30,
            json!({"client_session_id": "s", "thread_root_id": root, "thread_parent_id": root}),
        ));
    }
    record(&w.owner, items);
    let thread_ids = |v: &Value| -> Vec<String> {
        v["threads"]
            .as_array()
            .expect("threads")
            .iter()
            .map(|t| t["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let roots: Vec<String> = (0..5).map(|i| uid(100 + i)).collect();
    for prefix in PREFIXES {
        let all = ok(&w.owner, prefix, "/sessions/s");
        assert_eq!(thread_ids(&all), roots);
        assert_eq!(all["threads"][4]["error_type"], "rate_limit");
        assert_eq!(all["threads"][4]["error_message"], "429 from upstream");
        assert!(all["threads"][0]
            .as_object()
            .is_some_and(|t| !t.contains_key("error_type")));
        assert_eq!(all["threads"][0]["credential_kind"], "byok_api_key");
        assert_eq!(
            all["threads"][0]["credential_hint"], "...",
            "an unmasked hint is masked"
        );
        assert_eq!(all["threads"][2]["ended_at"], at(2030));
        let p1 = ok(&w.owner, prefix, "/sessions/s?limit=2");
        assert_eq!(thread_ids(&p1), roots[0..2]);
        assert_eq!(p1["page_started_at"], at(0));
        assert_eq!(p1["page_ended_at"], at(1030));
        assert_eq!(p1["started_at"], at(0));
        assert_eq!(p1["ended_at"], at(4030));
        let p2 = ok(
            &w.owner,
            prefix,
            &format!("/sessions/s?limit=2&after_id={}", roots[1]),
        );
        assert_eq!(thread_ids(&p2), roots[2..4]);
        // A follow-up interception is a cursor too (its start).
        let p3 = ok(
            &w.owner,
            prefix,
            &format!("/sessions/s?limit=2&after_id={}", uid(203)),
        );
        assert_eq!(thread_ids(&p3), roots[4..5]);
        // before_id keeps the oldest-first order: the oldest roots before the cursor.
        let b = ok(
            &w.owner,
            prefix,
            &format!("/sessions/s?limit=2&before_id={}", roots[4]),
        );
        assert_eq!(thread_ids(&b), roots[0..2]);
        let empty = ok(
            &w.owner,
            prefix,
            &format!("/sessions/s?before_id={}", roots[0]),
        );
        assert_eq!(empty["threads"], json!([]));
        assert!(empty
            .as_object()
            .is_some_and(|o| !o.contains_key("page_started_at")));
        // The nil UUID is no cursor; limit 200 is the most.
        let nil = "00000000-0000-0000-0000-000000000000";
        assert_eq!(
            thread_ids(&ok(
                &w.owner,
                prefix,
                &format!("/sessions/s?after_id={nil}&limit=200")
            )),
            roots
        );
    }
}

#[test]
fn threads_errors_have_coders_texts() {
    let w = World::new();
    record(
        &w.owner,
        vec![
            ix(&uid(1), "alice", 0, 10, json!({"client_session_id": "s"})),
            ix(
                &uid(2),
                "alice",
                20,
                30,
                json!({"client_session_id": "other"}),
            ),
        ],
    );
    let get = |path: &str| w.owner.get(&format!("/api/v2/ai-gateway{path}"));
    let r = get("/sessions/nope").expect(404);
    assert_eq!(r.body, json!({"message": "Session not found."}));
    let r = get("/sessions/").expect(400);
    assert_eq!(r.message(), "Missing session_id path parameter.");
    let r = get("/sessions/s?after_id=zzz").expect(400);
    assert_eq!(
        r.body,
        json!({"message": "Invalid after_id query parameter.", "detail": "invalid UUID length: 3"})
    );
    let bad36 = "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz";
    let r = get(&format!("/sessions/s?before_id={bad36}")).expect(400);
    assert_eq!(
        r.body,
        json!({"message": "Invalid before_id query parameter.", "detail": "invalid UUID format"})
    );
    let r = get(&format!(
        "/sessions/s?after_id={}&before_id={}",
        uid(1),
        uid(1)
    ))
    .expect(400);
    assert_eq!(
        r.body,
        json!({"message": "Cannot use both after_id and before_id in the same request."})
    );
    for limit in ["0", "201", "abc", "-3", "99999999999"] {
        let r = get(&format!("/sessions/s?limit={limit}")).expect(400);
        assert_eq!(
            r.body,
            json!({"message": "Invalid limit query parameter.", "detail": "Limit must be between 1 and 200."}),
            "limit={limit}"
        );
    }
    let r = get(&format!("/sessions/s?after_id={}", uid(9))).expect(400);
    assert_eq!(r.message(), "Invalid pagination cursor.");
    assert_eq!(
        r.body["detail"],
        format!(
            "after_id: interception {} not found: invalid pagination cursor",
            uid(9)
        )
    );
    let r = get(&format!("/sessions/s?before_id={}", uid(2))).expect(400);
    assert_eq!(
        r.body["detail"],
        format!(
            "before_id: interception {} does not belong to session s: invalid pagination cursor",
            uid(2)
        )
    );
    // Upper-case UUIDs are read as Go's uuid.Parse reads them.
    let upper = uid(1).to_uppercase();
    get(&format!("/sessions/s?after_id={upper}")).expect(200);
}
