//! Who reads the AI Gateway: owners and auditors everything; members (their own sessions
//! included), template and user admins and organization roles nothing (empty lists, 404 on a
//! session and on the providers); no token 401. The feature gate answers 403 before any of
//! that, and unknown paths under both prefixes are the data plane coderlite has not.

use super::*;

const READ_PATHS: &[&str] = &["/sessions", "/sessions/mine", "/models", "/clients"];

fn seeded() -> World {
    let w = World::new();
    record(
        &w.owner,
        vec![
            ix(
                &uid(1),
                "alice",
                0,
                10,
                json!({"client_session_id": "mine", "client": "Codex"}),
            ),
            ix(&uid(2), "admin", 5, 15, json!({})),
        ],
    );
    w
}

#[test]
fn each_role_reads_what_coder_lets_it() {
    let w = seeded();
    let org = default_org_id(&w.s);
    let member_of: &[(&str, &[&str])] = &[(org.as_str(), &[])];
    let (_, auditor) = seed_user(&w.s, "aud", &["auditor"], member_of);
    let readers = [("owner", w.owner.clone()), ("auditor", auditor)];
    for (role, c) in &readers {
        for prefix in PREFIXES {
            assert_eq!(ok(c, prefix, "/sessions")["count"], 2, "{role}");
            assert_eq!(ok(c, prefix, "/sessions/mine")["id"], "mine", "{role}");
            assert_eq!(
                ok(c, prefix, "/models"),
                json!(["claude-sonnet-4"]),
                "{role}"
            );
            assert_eq!(
                ok(c, prefix, "/clients"),
                json!(["Codex", "Unknown"]),
                "{role}"
            );
        }
        assert_eq!(
            ok(c, PREFIXES[0], "/providers")[0]["name"],
            "anthropic",
            "{role}"
        );
    }
    let alice = w.s.login("alice@example.com", PASSWORD);
    let (_, template_admin) = seed_user(&w.s, "ta", &["template-admin"], member_of);
    let (_, user_admin) = seed_user(&w.s, "ua", &["user-admin"], member_of);
    let org_roles: &[(&str, &[&str])] = &[(
        org.as_str(),
        &["organization-admin", "organization-auditor"],
    )];
    let (_, org_admin) = seed_user(&w.s, "oa", &[], org_roles);
    let others = [
        ("member (initiator)", alice),
        ("template-admin", template_admin),
        ("user-admin", user_admin),
        ("organization admin and auditor", org_admin),
    ];
    for (role, c) in &others {
        for prefix in PREFIXES {
            let page = ok(c, prefix, "/sessions?q=initiator:me");
            assert_eq!(page, json!({"count": 0, "sessions": []}), "{role}");
            assert_eq!(ok(c, prefix, "/sessions")["count"], 0, "{role}");
            let r = c.get(&format!("{prefix}/sessions/mine")).expect(404);
            assert_eq!(r.message(), "Session not found.", "{role}");
            assert_eq!(ok(c, prefix, "/models"), json!([]), "{role}");
            assert_eq!(ok(c, prefix, "/clients"), json!([]), "{role}");
            // Their cursor names no session they can see.
            let r = c
                .get(&format!("{prefix}/sessions?after_session_id=mine"))
                .expect(400);
            assert_eq!(
                r.body["detail"],
                "after_session_id: session \"mine\" not found"
            );
            // Bad input is still a 400 for them.
            c.get(&format!("{prefix}/sessions?q=nokey")).expect(400);
        }
        let r = c.get("/api/v2/ai-gateway/providers").expect(404);
        assert_eq!(r.message(), NOT_FOUND_MESSAGE, "{role}");
    }
    for prefix in PREFIXES {
        for path in READ_PATHS {
            w.s.client().get(&format!("{prefix}{path}")).expect(401);
        }
    }
}

const NOT_FOUND_MESSAGE: &str = "Resource not found or you do not have access to this resource";

#[test]
fn the_feature_gate_answers_before_authentication() {
    let s = TestServer::start_with(|c| c.ai_gateway = false);
    let owner = s.owner();
    let e = owner.get("/api/v2/entitlements").expect(200).body;
    assert_eq!(e["features"]["aibridge"]["entitlement"], "not_entitled");
    assert_eq!(e["features"]["aibridge"]["enabled"], false);
    let premium = json!({"message": "AI Gateway is a Premium feature. Contact sales!"});
    for prefix in PREFIXES {
        for path in READ_PATHS
            .iter()
            .chain(&["/interceptions", "/openai/v1/models"])
        {
            for c in [&owner, &s.client()] {
                let r = c.get(&format!("{prefix}{path}")).expect(403);
                assert_eq!(r.body, premium, "{prefix}{path}");
            }
        }
    }
    let r = owner
        .post(
            "/api/v2/aibridge/interceptions",
            json!({"initiator": "admin"}),
        )
        .expect(403);
    assert_eq!(r.body, premium);
    owner.get("/api/v2/ai-gateway/providers").expect(403);
    // With the gateway on (the default) the feature is entitled.
    let on = TestServer::start();
    let e = on.owner().get("/api/v2/entitlements").expect(200).body;
    assert_eq!(e["features"]["aibridge"]["entitlement"], "entitled");
}

#[test]
fn other_paths_are_the_missing_data_plane() {
    let w = seeded();
    let not_mounted = json!({"message": "aibridged handler not mounted"});
    for c in [&w.owner, &w.s.client()] {
        for path in [
            "/api/v2/ai-gateway/openai/v1/chat/completions",
            "/api/v2/aibridge/anthropic/v1/messages",
            "/api/v2/aibridge/providers",
            "/api/v2/ai-gateway/interceptions",
        ] {
            assert_eq!(c.get(path).expect(404).body, not_mounted, "{path}");
        }
    }
}
