//! `GET /ai-gateway/models`, `/clients` (prefix search, pages) and `/providers`.

use super::*;

fn world() -> World {
    let w = World::new();
    let models = [
        ("gpt-5", "openai", Some("Codex")),
        ("gpt-4o", "openai", None),
        ("claude-sonnet-4", "anthropic", Some("Claude Code")),
        ("Claude-X", "anthropic", Some("claude-cli")),
        ("gpt_5", "copilot", Some("GitHub Copilot (VS Code)")),
    ];
    let mut items: Vec<Value> = models
        .iter()
        .enumerate()
        .map(|(i, (model, provider, client))| {
            ix(
                &uid(i as u32 + 1),
                "alice",
                i as i64 * 10,
                i as i64 * 10 + 5,
                json!({"model": model, "provider": provider, "client": client,
                      "provider_name": format!("{provider}-main")}),
            )
        })
        .collect();
    // In flight: neither its model nor its client is listed.
    items.push(
        json!({"initiator": "bob", "provider": "vertex", "model": "gemini",
                      "client": "Zed", "started_at": at(1), "provider_name": "google"}),
    );
    record(&w.owner, items);
    w
}

#[test]
fn models_and_clients_by_prefix() {
    let w = world();
    for prefix in PREFIXES {
        let get = |p: &str| ok(&w.owner, prefix, p);
        assert_eq!(
            get("/models"),
            json!(["Claude-X", "claude-sonnet-4", "gpt-4o", "gpt-5", "gpt_5"])
        );
        assert_eq!(get("/models?q=gpt"), json!(["gpt-4o", "gpt-5", "gpt_5"]));
        assert_eq!(
            get("/models?q=model:claude"),
            json!(["claude-sonnet-4"]),
            "case-sensitive"
        );
        // `_` and `%` are LIKE wildcards in Coder's query; `\` escapes them.
        assert_eq!(
            get(&format!("/models?q={}", url_encode("gpt_5"))),
            json!(["gpt-5", "gpt_5"])
        );
        assert_eq!(
            get(&format!("/models?q={}", url_encode(r"gpt\_"))),
            json!(["gpt_5"])
        );
        assert_eq!(
            get(&format!("/models?q={}", url_encode("%4"))),
            json!(["claude-sonnet-4", "gpt-4o"])
        );
        assert_eq!(
            get("/models?limit=2&offset=1"),
            json!(["claude-sonnet-4", "gpt-4o"])
        );
        assert_eq!(get("/models?limit=0"), get("/models"));
        assert_eq!(
            get("/clients"),
            json!([
                "Claude Code",
                "Codex",
                "GitHub Copilot (VS Code)",
                "Unknown",
                "claude-cli"
            ])
        );
        assert_eq!(
            get(&format!("/clients?q={}", url_encode("Claude Code"))),
            json!(["Claude Code"])
        );
        assert_eq!(get("/clients?q=client:Unk"), json!(["Unknown"]));
        assert_eq!(get("/clients?limit=1&offset=3"), json!(["Unknown"]));
    }
    let bad = |path: &str| {
        w.owner
            .get(&format!("/api/v2/ai-gateway{path}"))
            .expect(400)
    };
    let r = bad("/models?q=client:x");
    assert_eq!(r.message(), "Invalid AI Gateway models search query.");
    assert_eq!(
        r.body["validations"],
        json!([{"field": "client", "detail": "\"client\" is not a valid query param"}])
    );
    let r = bad("/clients?q=model:x");
    assert_eq!(r.message(), "Invalid AI Gateway clients search query.");
    let r = bad("/clients?q=client:");
    assert_eq!(r.body["validations"][0]["field"], "q");
    for path in ["/models?limit=1001", "/clients?limit=5000"] {
        let r = bad(path);
        assert_eq!(r.message(), "Invalid pagination limit value.");
        assert_eq!(
            r.body["detail"],
            "Pagination limit must be in range (0, 1000]"
        );
    }
    assert_eq!(
        bad("/models?offset=-1").body["validations"][0]["field"],
        "offset"
    );
}

#[test]
fn providers_name_what_interceptions_used() {
    let w = world();
    let got = ok(&w.owner, PREFIXES[0], "/providers");
    assert_eq!(
        got,
        json!([
            {"name": "anthropic-main", "type": "anthropic", "display_name": "anthropic-main", "icon": ""},
            {"name": "copilot-main", "type": "copilot", "display_name": "copilot-main", "icon": ""},
            {"name": "openai-main", "type": "openai", "display_name": "openai-main", "icon": ""}
        ])
    );
    // A provider type outside Coder's list shows as openai-compat.
    record(
        &w.owner,
        vec![ix(&uid(50), "bob", 0, 1, json!({"provider": "local-llm"}))],
    );
    let got = ok(&w.owner, PREFIXES[0], "/providers");
    assert_eq!(
        got[2],
        json!({"name": "local-llm", "type": "openai-compat", "display_name": "local-llm", "icon": ""})
    );
}
