//! Tests: API tokens and session keys.

use crate::common::*;
use serde_json::json;

const DAY_NS: i64 = 86_400 * 1_000_000_000;

#[test]
fn tokens_lifecycle() {
    let s = TestServer::start();
    let owner = s.owner();
    let (bob, bob_c) = create_user(&s, &owner, "bob", &[]);
    let r = bob_c
        .post(
            "/api/v2/users/me/keys/tokens",
            json!({"token_name": "ci", "lifetime": DAY_NS, "scope": null}),
        )
        .expect(201);
    let key = r.body["key"].as_str().expect("key").to_string();
    assert_eq!(key.len(), 33);
    // The token authenticates.
    let ci = bob_c.with_token(&key);
    assert_eq!(
        ci.get("/api/v2/users/me").expect(200).body["username"],
        "bob"
    );
    // Listing never shows the secret.
    let r = bob_c.get("/api/v2/users/me/keys/tokens").expect(200);
    let list = r.body.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1);
    let t = &list[0];
    assert_eq!(t["token_name"], "ci");
    assert_eq!(t["login_type"], "token");
    assert_eq!(t["user_id"], bob.as_str());
    assert_eq!(t["username"], "bob");
    assert_eq!(t["lifetime_seconds"], 86_400);
    assert_eq!(t["scope"], "all");
    assert_eq!(t["scopes"], json!(["all"]));
    assert_eq!(t["allow_list"], json!([{"type": "*", "id": "*"}]));
    assert!(!r.text.contains(&key[11..]), "secret leaked");
    let id = t["id"].as_str().expect("id").to_string();
    assert_eq!(id, key[..10]);
    let r = bob_c.get("/api/v2/users/me/keys/tokens/ci").expect(200);
    assert_eq!(r.body["id"], id.as_str());
    bob_c.get("/api/v2/users/me/keys/tokens/nope").expect(404);
    let r = bob_c
        .get(&format!("/api/v2/users/me/keys/{id}"))
        .expect(200);
    assert_eq!(r.body["token_name"], "ci");
    // Default name, default lifetime, explicit scopes.
    let r = bob_c
        .post(
            "/api/v2/users/bob/keys/tokens",
            json!({"scopes": ["coder:workspaces.access"]}),
        )
        .expect(201);
    assert!(r.body["key"].is_string());
    let r = bob_c.get("/api/v2/users/me/keys/tokens").expect(200);
    let generated = r.body.as_array().cloned().unwrap_or_default();
    assert_eq!(generated.len(), 2);
    let g = generated
        .iter()
        .find(|k| k["token_name"] != "ci")
        .expect("generated");
    assert!(g["token_name"].as_str().unwrap_or_default().contains('_'));
    assert_eq!(g["lifetime_seconds"], 30 * 86_400);
    assert_eq!(g["scopes"], json!(["coder:workspaces.access"]));
    // Token config.
    let r = bob_c
        .get("/api/v2/users/me/keys/tokens/tokenconfig")
        .expect(200);
    assert_eq!(r.body["max_token_lifetime"], 30 * DAY_NS);
    // Delete.
    bob_c
        .delete(&format!("/api/v2/users/me/keys/{id}"))
        .expect(204);
    ci.get("/api/v2/users/me").expect(401);
    bob_c
        .delete(&format!("/api/v2/users/me/keys/{id}"))
        .expect(404);
    bob_c
        .get(&format!("/api/v2/users/me/keys/{id}"))
        .expect(404);
    // Audit rows: create and delete, target = token name, no secrets.
    let c = s.db();
    let rows: Vec<(String, String, i64, String)> = c
        .prepare(
            "SELECT action, resource_target, status_code, diff FROM audit_logs \
             WHERE resource_type = 'api_key' AND action IN ('create', 'delete') ORDER BY seq",
        )
        .expect("prepare")
        .query_map(coderlite::params![], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    assert!(rows
        .iter()
        .any(|r| r.0 == "create" && r.1 == "ci" && r.2 == 201));
    assert!(rows
        .iter()
        .any(|r| r.0 == "delete" && r.1 == "ci" && r.2 == 204));
    assert!(rows.iter().all(|r| !r.3.contains(&key[11..])));
}

#[test]
fn token_errors() {
    let s = TestServer::start();
    let owner = s.owner();
    let (_, bob_c) = create_user(&s, &owner, "bob", &[]);
    let r = bob_c
        .post("/api/v2/users/me/keys/tokens", json!({"lifetime": -5}))
        .expect(400);
    assert_eq!(r.message(), "Failed to validate create API key request.");
    assert_eq!(
        r.body["detail"],
        "lifetime must be positive number greater than 0"
    );
    let r = bob_c
        .post(
            "/api/v2/users/me/keys/tokens",
            json!({"lifetime": 31 * DAY_NS}),
        )
        .expect(400);
    assert_eq!(r.body["detail"], "lifetime must be less than 720h0m0s");
    bob_c
        .post("/api/v2/users/me/keys/tokens", json!({"token_name": "dup"}))
        .expect(201);
    let r = bob_c
        .post("/api/v2/users/me/keys/tokens", json!({"token_name": "dup"}))
        .expect(409);
    assert_eq!(r.message(), "A token with name \"dup\" already exists.");
    assert_eq!(
        r.body["validations"],
        json!([{"field": "name", "detail": "This value is already in use and should be unique."}])
    );
    bob_c
        .post("/api/v2/users/me/keys/tokens", json!({"lifetime": "1h"}))
        .expect(400);
    bob_c
        .post("/api/v2/users/me/keys/tokens", json!({"scopes": ["bogus"]}))
        .expect(400);
    bob_c
        .post("/api/v2/users/nobody/keys/tokens", json!({}))
        .expect(400);
    // Another user's keys: only owners.
    let r = bob_c
        .post("/api/v2/users/admin/keys/tokens", json!({}))
        .expect(400);
    assert_eq!(
        r.message(),
        "\"user\" must be an existing uuid or username."
    );
    owner
        .post(
            "/api/v2/users/bob/keys/tokens",
            json!({"token_name": "by-owner"}),
        )
        .expect(201);
    let r = owner.get("/api/v2/users/bob/keys/tokens").expect(200);
    assert_eq!(r.body.as_array().map(Vec::len), Some(2));
    let (_, ua) = create_user(&s, &owner, "ua", &["user-admin"]);
    ua.post("/api/v2/users/bob/keys/tokens", json!({}))
        .expect(403);
    assert_eq!(
        ua.get("/api/v2/users/bob/keys/tokens").expect(200).body,
        json!([])
    );
    let r = owner
        .get("/api/v2/users/me/keys/tokens?include_all=true")
        .expect(200);
    assert_eq!(r.body.as_array().map(Vec::len), Some(2));
    // A smaller deployment maximum.
    drop(s);
    let s = TestServer::start_with(|c| c.max_token_lifetime_secs = 3600);
    let owner = s.owner();
    let r = owner
        .post(
            "/api/v2/users/me/keys/tokens",
            json!({"lifetime": 2 * 3600 * 1_000_000_000i64}),
        )
        .expect(400);
    assert_eq!(r.body["detail"], "lifetime must be less than 1h0m0s");
}

#[test]
fn expired_token_and_session_keys() {
    let s = TestServer::start();
    let owner = s.owner();
    // A 1 µs lifetime is expired by the time it is used.
    let r = owner
        .post(
            "/api/v2/users/me/keys/tokens",
            json!({"token_name": "blink", "lifetime": 1000}),
        )
        .expect(201);
    let key = r.body["key"].as_str().expect("key").to_string();
    let r = owner.with_token(&key).get("/api/v2/users/me").expect(401);
    assert!(r.body["detail"]
        .as_str()
        .unwrap_or_default()
        .starts_with("API key expired at"));
    // Session-style key.
    let r = owner.post("/api/v2/users/me/keys", json!({})).expect(201);
    let key = r.body["key"].as_str().expect("key").to_string();
    let r = owner.with_token(&key).get("/api/v2/users/me").expect(200);
    assert_eq!(r.body["username"], "admin");
    let r = owner
        .get(&format!("/api/v2/users/me/keys/{}", &key[..10]))
        .expect(200);
    assert_eq!(r.body["login_type"], "password");
    assert_eq!(r.body["lifetime_seconds"], 7 * 86_400);
    // A member cannot mint keys for others, nor read theirs.
    let (_, bob_c) = create_user(&s, &owner, "bob", &[]);
    bob_c
        .post("/api/v2/users/admin/keys", json!({}))
        .expect(400);
    bob_c
        .get(&format!("/api/v2/users/me/keys/{}", &key[..10]))
        .expect(404);
    bob_c
        .delete(&format!("/api/v2/users/me/keys/{}", &key[..10]))
        .expect(404);
    owner
        .anonymous()
        .post("/api/v2/users/me/keys", json!({}))
        .expect(401);
}
