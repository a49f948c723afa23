//! One walk over every endpoint of the contract table, each answering with data in it (lists
//! not empty, so their element types are checked too); `common::Client` checks each answer.

use crate::common::*;
use crate::dbfix::default_org_id;
use serde_json::{json, Value};

#[test]
fn every_served_endpoint_answers_coders_types() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org_id(&s);
    let (bob, bob_c) = create_user(&s, &owner, "bob", &[]);

    // auth and deployment
    owner.get("/api/v2/users/authmethods").expect(200);
    owner.get("/api/v2/buildinfo").expect(200);
    owner.get("/api/v2/experiments").expect(200);
    let a = owner.get("/api/v2/appearance").expect(200);
    assert!(a.body["docs_url"]
        .as_str()
        .is_some_and(|d| d.contains("coder.com")));
    owner.get("/api/v2/entitlements").expect(200);
    let r = bob_c
        .post(
            "/api/v2/authcheck",
            json!({"checks": {"a": {"object": {"resource_type": "user"}, "action": "read"}}}),
        )
        .expect(200);
    assert_eq!(r.body, json!({"a": false}));

    // users
    owner.get("/api/v2/users").expect(200);
    owner
        .put(
            &format!("/api/v2/users/{bob}/profile"),
            json!({"username": "bob", "name": "Bob"}),
        )
        .expect(200);
    owner.get("/api/v2/users/bob").expect(200);
    owner
        .put("/api/v2/users/bob/status/suspend", json!({}))
        .expect(200);
    owner
        .put("/api/v2/users/bob/status/activate", json!({}))
        .expect(200);
    owner.get("/api/v2/users/bob/roles").expect(200);
    owner
        .put("/api/v2/users/bob/roles", json!({"roles": ["auditor"]}))
        .expect(200);
    owner.get("/api/v2/users/bob/organizations").expect(200);
    owner.get("/api/v2/users/bob/login-type").expect(200);
    owner.get("/api/v2/users/roles").expect(200);

    // tokens
    owner.post("/api/v2/users/me/keys", json!({})).expect(201);
    owner
        .post(
            "/api/v2/users/me/keys/tokens",
            json!({"token_name": "walk"}),
        )
        .expect(201);
    owner
        .post(
            "/api/v2/users/me/keys/tokens",
            json!({"token_name": "scoped", "scopes": ["coder:workspaces.access"]}),
        )
        .expect(201);
    let tokens = owner.get("/api/v2/users/me/keys/tokens").expect(200).body;
    let id = tokens[0]["id"].as_str().expect("id").to_string();
    owner
        .get("/api/v2/users/me/keys/tokens/tokenconfig")
        .expect(200);
    owner.get("/api/v2/users/me/keys/tokens/walk").expect(200);
    owner
        .get(&format!("/api/v2/users/me/keys/{id}"))
        .expect(200);

    // organizations and members
    let other = owner
        .post("/api/v2/organizations", json!({"name": "walk-org"}))
        .expect(201)
        .body["id"]
        .as_str()
        .expect("org id")
        .to_string();
    owner.get("/api/v2/organizations").expect(200);
    owner
        .get(&format!("/api/v2/organizations/{other}"))
        .expect(200);
    owner
        .patch(
            &format!("/api/v2/organizations/{other}"),
            json!({"display_name": "Walk"}),
        )
        .expect(200);
    owner
        .post(
            &format!("/api/v2/organizations/{other}/members/bob"),
            json!({}),
        )
        .expect(200);
    owner
        .put(
            &format!("/api/v2/organizations/{other}/members/bob/roles"),
            json!({"roles": ["organization-auditor"]}),
        )
        .expect(200);
    owner
        .get("/api/v2/organizations/default/members")
        .expect(200);
    owner
        .get("/api/v2/organizations/default/paginated-members")
        .expect(200);
    owner
        .get("/api/v2/organizations/default/members/roles")
        .expect(200);

    // AI seat sources and workspaces
    owner
        .post(
            "/api/v2/aibridge/interceptions",
            json!({"initiator": bob, "provider": "openai", "model": "gpt-4o",
                   "started_at": "2025-01-01T00:00:00Z", "ended_at": "2025-01-01T00:00:05Z"}),
        )
        .expect(201);
    let list = owner.get("/api/v2/aibridge/interceptions").expect(200).body;
    assert_eq!(list["results"][0]["provider_name"], "openai");
    assert_eq!(list["results"][0]["metadata"], json!({}));
    // AI Gateway sessions under both prefixes, a thread with an agentic action.
    let root = list["results"][0]["id"].as_str().expect("id").to_string();
    owner
        .post(
            "/api/v2/aibridge/interceptions",
            json!({"initiator": bob, "provider": "openai", "model": "gpt-4o", "client": "Codex",
                   "started_at": "2025-01-01T00:00:10Z", "ended_at": "2025-01-01T00:00:15Z",
                   "thread_root_id": root, "thread_parent_id": root,
                   "token_usages": [{"input_tokens": 3, "metadata": {"reasoning": 1}}],
                   "user_prompts": [{"prompt": "go"}],
                   "tool_usages": [{"tool": "Bash", "input": "ls"}],
                   "model_thoughts": [{"content": "think"}]}),
        )
        .expect(201);
    for prefix in ["/api/v2/ai-gateway", "/api/v2/aibridge"] {
        let page = owner.get(&format!("{prefix}/sessions")).expect(200).body;
        assert_eq!(page["count"], 1);
        let one = owner
            .get(&format!("{prefix}/sessions/{root}"))
            .expect(200)
            .body;
        assert_eq!(
            one["threads"][0]["agentic_actions"][0]["tool_calls"][0]["tool"],
            "Bash"
        );
        let models = owner.get(&format!("{prefix}/models")).expect(200).body;
        assert_eq!(models, json!(["gpt-4o"]));
        let clients = owner.get(&format!("{prefix}/clients")).expect(200).body;
        assert_eq!(clients, json!(["Codex", "Unknown"]));
    }
    let ws = owner
        .post(
            &format!("/api/v2/organizations/{org}/members/bob/workspaces"),
            json!({"name": "walk", "has_ai_task": true}),
        )
        .expect(201)
        .body;
    let ws_id = ws["id"].as_str().expect("ws id");
    let page = owner.get("/api/v2/workspaces").expect(200).body;
    assert!(page["workspaces"].as_array().is_some_and(|w| !w.is_empty()));
    owner
        .get(&format!("/api/v2/workspaces/{ws_id}"))
        .expect(200);
    owner
        .post(
            &format!("/api/v2/workspaces/{ws_id}/builds"),
            json!({"transition": "stop"}),
        )
        .expect(201);
    owner
        .get(&format!("/api/v2/workspaces/{ws_id}/builds"))
        .expect(200);

    // connection logs: an agent session (opened and closed) and each web kind
    let mut events = Vec::new();
    for (i, kind) in ["ssh", "vscode", "jetbrains", "reconnecting_pty"]
        .iter()
        .enumerate()
    {
        let conn = format!("00000000-0000-4000-8000-{:012}", i + 1);
        for status in ["connected", "disconnected"] {
            events.push(json!({"time": "2026-09-02T08:15:04Z", "status": status,
                "workspace_id": ws_id, "agent_name": "main", "type": kind,
                "connection_id": conn, "code": 0, "ip": "fd7a:115c:a1e0::1"}));
        }
    }
    for kind in ["workspace_app", "port_forwarding", "tunnel"] {
        events.push(
            json!({"time": "2026-09-02T08:16:04Z", "workspace_id": ws_id,
            "agent_name": "main", "type": kind, "code": 200, "user_agent": "curl/8"}),
        );
    }
    owner
        .post("/api/v2/connectionlog", json!(events))
        .expect(201);
    let logs = owner.get("/api/v2/connectionlog").expect(200).body;
    assert_eq!(logs["count"], 7);

    // audit: a page holding every kind of row written above
    let audit = owner.get("/api/v2/audit?limit=100").expect(200).body;
    assert!(audit["audit_logs"]
        .as_array()
        .is_some_and(|rows| rows.len() >= 10));

    // first user and login are covered by `owner()` and `create_user()` above.
    let missing: Vec<String> = crate::contract::all_endpoints()
        .difference(&crate::contract::checked_on_this_thread())
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints of the contract this walk did not check: {missing:?}"
    );
}

/// The checker itself: answers that break Coder's types are caught, with the field named.
#[test]
fn the_checker_catches_what_clients_would_trip_on() {
    let json_ct = vec![(
        "content-type".to_string(),
        "application/json; charset=utf-8".to_string(),
    )];
    let check = |method: &str, path: &str, status: u16, body: Value| {
        crate::contract::check_response(method, path, status, &json_ct, &body.to_string())
    };
    let org = json!({"id": "x", "name": "n", "display_name": "d", "icon": "", "description": "",
        "created_at": "t", "updated_at": "t", "is_default": true, "default_org_member_roles": []});
    assert!(check("GET", "/api/v2/organizations/x", 200, org.clone()).is_ok());
    let mut no_roles = org.clone();
    no_roles
        .as_object_mut()
        .expect("object")
        .remove("default_org_member_roles");
    let err = check("GET", "/api/v2/organizations/x", 200, no_roles).expect_err("caught");
    assert!(err.contains("default_org_member_roles"), "{err}");
    let mut wrong = org.clone();
    wrong["is_default"] = json!("yes");
    assert!(check("GET", "/api/v2/organizations/x", 200, wrong).is_err());
    // Enums, Record<Enum, _> keys, errors in Coder's shape.
    let err = check(
        "GET",
        "/api/v2/users/roles",
        200,
        json!([{"name": "x", "display_name": "X", "site_permissions": [],
                "user_permissions": [], "organization_permissions": [],
                "organization_member_permissions": [], "assignable": "no", "built_in": true}]),
    )
    .expect_err("caught");
    assert!(err.contains("assignable"), "{err}");
    let err = check(
        "GET",
        "/api/v2/entitlements",
        200,
        json!({"features": {}, "warnings": [], "errors": [], "has_license": true,
               "trial": false, "require_telemetry": false, "refreshed_at": "t"}),
    )
    .expect_err("caught");
    assert!(
        err.contains("missing key \"aibridge\" of FeatureName"),
        "{err}"
    );
    assert!(check("GET", "/api/v2/users", 400, json!({"detail": "x"})).is_err());
    assert!(crate::contract::check_response("GET", "/api/v2/users", 431, &[], "").is_err());
    assert!(check("GET", "/api/v2/users", 400, json!({"message": "m"})).is_ok());
}
