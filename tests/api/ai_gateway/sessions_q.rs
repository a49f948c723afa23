//! The sessions `q` keys (each one, exact and case-sensitive), their error texts, and the
//! page parameters' bounds and errors.

use super::*;

fn count(w: &World, q: &str) -> Value {
    let page = ok(
        &w.owner,
        PREFIXES[0],
        &format!("/sessions?q={}", url_encode(q)),
    );
    let alias = ok(
        &w.owner,
        PREFIXES[1],
        &format!("/sessions?q={}", url_encode(q)),
    );
    assert_eq!(page, alias, "{q}: both prefixes answer alike");
    page
}

fn bad(w: &World, query: &str) -> Resp {
    w.owner
        .get(&format!("/api/v2/ai-gateway/sessions?{query}"))
        .expect(400)
}

/// Interceptions varying in every filtered field, in three sessions.
fn world() -> World {
    let w = World::new();
    record(
        &w.owner,
        vec![
            ix(
                &uid(1),
                "alice",
                0,
                10,
                json!({"client_session_id": "a1", "client": "Claude Code",
                "provider_name": "anthropic-prod"}),
            ),
            ix(
                &uid(2),
                "alice",
                100,
                110,
                json!({"client_session_id": "a1", "provider": "openai",
                "model": "gpt-5"}),
            ),
            ix(
                &uid(3),
                "bob",
                200,
                210,
                json!({"client_session_id": "b1", "client": "Codex"}),
            ),
            ix(&uid(4), "bob", 300, 310, json!({"client_session_id": "B1"})),
        ],
    );
    w
}

#[test]
fn every_key_filters() {
    let w = world();
    let sessions = |q: &str| ids(&count(&w, q));
    assert_eq!(sessions(""), vec!["B1", "b1", "a1"]);
    assert_eq!(sessions("initiator:alice"), vec!["a1"]);
    assert_eq!(
        sessions("initiator:ALICE"),
        vec!["a1"],
        "usernames match as Coder's lookup does"
    );
    assert_eq!(sessions(&format!("initiator:{}", w.bob)), vec!["B1", "b1"]);
    assert_eq!(sessions("initiator:me"), Vec::<String>::new());
    assert_eq!(sessions("provider:openai"), vec!["a1"]);
    assert_eq!(
        sessions("provider:OpenAI"),
        Vec::<String>::new(),
        "values keep their case"
    );
    assert_eq!(sessions("provider_name:anthropic-prod"), vec!["a1"]);
    assert_eq!(
        sessions("provider_name:nobody"),
        Vec::<String>::new(),
        "a plain string, no lookup"
    );
    assert_eq!(sessions("model:gpt-5"), vec!["a1"]);
    assert_eq!(
        sessions("model:gpt"),
        Vec::<String>::new(),
        "exact, not a prefix"
    );
    assert_eq!(sessions("client:\"Claude Code\""), vec!["a1"]);
    assert_eq!(sessions("client:Unknown"), vec!["B1", "a1"]);
    assert_eq!(sessions("session_id:b1"), vec!["b1"]);
    assert_eq!(sessions("session_id:B1"), vec!["B1"]);
    let window = format!(
        "started_after:\"{}\" started_before:\"{}\"",
        at(100),
        at(250)
    );
    assert_eq!(sessions(&window), vec!["b1", "a1"]);
    assert_eq!(
        sessions(&format!("started_after:\"{}\"", at(201))),
        vec!["B1"]
    );
    assert_eq!(
        sessions(&format!("started_before:\"{}\"", at(0))),
        vec!["a1"]
    );
    assert_eq!(sessions("initiator:bob client:Codex"), vec!["b1"]);
}

/// A filter picks sessions by any matching interception; the times and the thread count then
/// cover the matching interceptions, the providers and tokens all of them (Coder's quirk).
#[test]
fn filters_count_matching_interceptions() {
    let w = world();
    let page = count(&w, "model:gpt-5");
    let s = &page["sessions"][0];
    assert_eq!(s["started_at"], at(100));
    assert_eq!(s["ended_at"], at(110));
    assert_eq!(s["threads"], 1);
    assert_eq!(s["last_active_at"], at(100));
    assert_eq!(s["providers"], json!(["anthropic", "openai"]));
    assert_eq!(s["client"], "Claude Code");
    let all = count(&w, "initiator:alice");
    assert_eq!(all["sessions"][0]["started_at"], at(0));
    assert_eq!(all["sessions"][0]["threads"], 2);
}

#[test]
fn query_errors_have_coders_texts() {
    let w = world();
    let cases: &[(&str, &str, &str)] = &[
        ("claude", "q", "no search key specified"),
        ("initiator:unknown", "initiator",
         "Query param \"initiator\" has invalid value: user \"unknown\" either does not exist, or you are unauthorized to view them"),
        ("started_after:invalid", "started_after",
         "Query param \"started_after\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): parsing time \"INVALID\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"INVALID\" as \"2006\""),
        ("started_before:2025", "started_before",
         "Query param \"started_before\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): parsing time \"2025\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"\" as \"-\""),
        ("sponsor:me", "sponsor", "\"sponsor\" is not a valid query param"),
        ("model:a model:b", "model",
         "Query param \"model\" provided more than once, found 2 times. Only provide 1 instance of this query param."),
        ("model:", "q", "Query element \"model:\" cannot start or end with ':'"),
        ("a:b:c", "q", "Query element \"a:b:c\" can only contain 1 ':'"),
    ];
    for (q, field, detail) in cases {
        let r = bad(&w, &format!("q={}", url_encode(q)));
        assert_eq!(r.message(), "Invalid session search query.", "{q}");
        assert_eq!(
            r.body["validations"],
            json!([{"field": field, "detail": detail}]),
            "{q}"
        );
    }
    let order = format!("started_after:\"{}\" started_before:\"{}\"", at(10), at(10));
    let r = bad(&w, &format!("q={}", url_encode(&order)));
    assert_eq!(
        r.body["validations"],
        json!([{"field": "started_before", "detail":
            "Query param \"started_before\" has invalid value: \"started_before\" must be after \"started_after\" if set"}])
    );
    // Errors come back together.
    let r = bad(
        &w,
        &format!("q={}", url_encode("colour:red initiator:nobody")),
    );
    assert_eq!(r.body["validations"].as_array().map(Vec::len), Some(2));
}

#[test]
fn page_parameters_are_bounded() {
    let w = world();
    let r = bad(&w, "after_session_id=a1&offset=1");
    assert_eq!(r.message(), "Query parameters have invalid values.");
    assert_eq!(
        r.body["detail"],
        "Cannot use both after_session_id and offset pagination in the same request."
    );
    for limit in ["1001", "-1"] {
        let r = bad(&w, &format!("limit={limit}"));
        if limit == "1001" {
            assert_eq!(r.message(), "Invalid pagination limit value.");
            assert_eq!(
                r.body["detail"],
                "Pagination limit must be in range (0, 1000]"
            );
        } else {
            assert_eq!(r.message(), "Query parameters have invalid values.");
            assert_eq!(r.body["validations"][0]["field"], "limit");
        }
    }
    let r = bad(&w, "limit=abc");
    assert_eq!(
        r.body["validations"][0]["detail"],
        "Query param \"limit\" must be a valid 32-bit positive integer: strconv.ParseInt: parsing \"abc\": invalid syntax"
    );
    let r = bad(&w, "after_id=nope");
    assert_eq!(r.body["validations"][0]["field"], "after_id");
    let r = bad(&w, "after_session_id=gone");
    assert_eq!(r.message(), "Query parameter has invalid value.");
    assert_eq!(
        r.body["detail"],
        "after_session_id: session \"gone\" not found"
    );
    assert_eq!(
        ok(&w.owner, PREFIXES[0], "/sessions?limit=0")["sessions"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(
        ok(&w.owner, PREFIXES[0], "/sessions?limit=1000")["count"],
        3
    );
    assert_eq!(
        ids(&ok(&w.owner, PREFIXES[0], "/sessions?limit=1")),
        vec!["B1"]
    );
    // A cursor of an in-flight-only session is not found either.
    record(
        &w.owner,
        vec![
            json!({"initiator": "alice", "provider": "openai", "model": "m",
                    "started_at": at(5), "client_session_id": "open"}),
        ],
    );
    bad(&w, "after_session_id=open");
}
