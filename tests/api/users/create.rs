//! Tests: POST /users.

use super::{audit_rows, default_org, names};
use crate::common::*;
use crate::dbfix::default_org_id;
use serde_json::{json, Value};

#[test]
fn create_user_happy_paths() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&owner);
    let r = owner
        .post(
            "/api/v2/users",
            json!({"email": "Dana@Example.com", "username": "dana", "name": "Dana Scully",
                   "password": PASSWORD, "organization_ids": [org], "login_type": "password",
                   "user_status": null, "unknown_field": 1}),
        )
        .expect(201);
    let u = &r.body;
    assert_eq!(u["username"], "dana");
    assert_eq!(u["email"], "Dana@Example.com");
    assert_eq!(u["name"], "Dana Scully");
    assert_eq!(u["status"], "dormant");
    assert_eq!(u["login_type"], "password");
    assert_eq!(u["organization_ids"], json!([org]));
    assert_eq!(u["roles"], json!([]));
    assert_eq!(u["has_ai_seat"], false);
    // The new user can log in (and becomes active).
    let dana = s.login("dana@example.com", PASSWORD);
    assert_eq!(
        dana.get("/api/v2/users/me").expect(200).body["status"],
        "active"
    );
    let rows = audit_rows(&s, "create", 201);
    let dana_row = rows.iter().find(|r| r.1 == "dana").expect("audit row");
    assert_eq!(dana_row.0, u["id"].as_str().unwrap_or_default());
    let diff: Value = serde_json::from_str(&dana_row.2).expect("diff");
    assert_eq!(diff["username"]["new"], "dana");
    assert_eq!(diff["hashed_password"], json!({"secret": true}));
    assert!(!dana_row.2.contains("argon2"), "hash leaked into the diff");

    // Legacy organization_id, nil UUID = default org, disable_login = login type none.
    let r = owner
        .post(
            "/api/v2/users",
            json!({"email": "eve@example.com", "username": "eve",
                   "organization_id": "00000000-0000-0000-0000-000000000000",
                   "disable_login": true, "user_status": "active"}),
        )
        .expect(201);
    assert_eq!(r.body["login_type"], "none");
    assert_eq!(r.body["status"], "active");
    assert_eq!(r.body["organization_ids"], json!([org]));
    // Site roles at creation, service accounts.
    let r = owner
        .post(
            "/api/v2/users",
            json!({"email": "fay@example.com", "username": "fay", "password": PASSWORD,
                   "organization_ids": [org], "roles": ["auditor", "member"]}),
        )
        .expect(201);
    assert_eq!(r.body["roles"][0]["name"], "auditor");
    assert_eq!(r.body["roles"][0]["display_name"], "Auditor");
    let r = owner
        .post(
            "/api/v2/users",
            json!({"username": "robot", "service_account": true, "organization_ids": [org]}),
        )
        .expect(201);
    assert_eq!(r.body["is_service_account"], true);
    assert_eq!(r.body["login_type"], "none");
    let r = owner
        .post(
            "/api/v2/users",
            json!({"email": "gh@example.com", "username": "gh", "login_type": "github",
                   "organization_ids": [org]}),
        )
        .expect(201);
    assert_eq!(r.body["login_type"], "github");
}

#[test]
fn create_user_errors() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&owner);
    let ok = |extra: Value| {
        let mut b = json!({"email": "new@example.com", "username": "newbie",
                           "password": PASSWORD, "organization_ids": [org]});
        if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        b
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"email": "", "username": ""}), 400, "Validation failed."),
        (ok(json!({"email": "not-an-email"})), 400, "Validation failed."),
        (ok(json!({"username": "bad name"})), 400, "Validation failed."),
        (ok(json!({"username": "new"})), 400, "Validation failed."),
        (ok(json!({"name": " padded"})), 400, "Validation failed."),
        (ok(json!({"user_status": "sleepy"})), 400, "Validation failed."),
        (ok(json!({"email": 5})), 400, "Request body must be valid JSON."),
        (ok(json!({"organization_ids": ["nope"]})), 400, "Request body must be valid JSON."),
        (
            ok(json!({"login_type": "github"})),
            400,
            "Password cannot be set for non-password (\"github\") authentication.",
        ),
        (
            ok(json!({"organization_ids": []})),
            400,
            "No organization specified to place the user as a member of. It is required to specify at least one organization id to place the user in.",
        ),
        (ok(json!({"username": "ADMIN"})), 409, "User already exists."),
        (ok(json!({"email": "ADMIN@example.com"})), 409, "User already exists."),
        (
            ok(json!({"organization_ids": ["11111111-2222-3333-4444-555555555555"]})),
            404,
            "Organization does not exist with the provided id \"11111111-2222-3333-4444-555555555555\".",
        ),
        (
            ok(json!({"login_type": "oidc", "password": ""})),
            400,
            "You must configure OIDC before creating OIDC users.",
        ),
        (
            ok(json!({"login_type": "token", "password": ""})),
            400,
            "Unsupported login type \"token\" for manually creating new users.",
        ),
        (ok(json!({"password": "short"})), 400, "Password not strong enough!"),
        (ok(json!({"password": ""})), 400, "Password not strong enough!"),
        (ok(json!({"roles": ["wizard"]})), 403, "Forbidden."),
        (
            json!({"username": "bot", "service_account": true, "login_type": "password",
                   "organization_ids": [org]}),
            400,
            "Service accounts must use login type 'none'.",
        ),
        (
            json!({"username": "bot", "service_account": true, "password": PASSWORD,
                   "organization_ids": [org]}),
            400,
            "Password cannot be set for service accounts.",
        ),
        (
            json!({"username": "bot", "service_account": true, "email": "b@example.com",
                   "organization_ids": [org]}),
            400,
            "Email cannot be set for service accounts.",
        ),
    ];
    for (body, status, message) in &cases {
        let r = owner.post("/api/v2/users", body.clone());
        assert_eq!(r.status, *status, "body {body}: {}", r.text);
        assert_eq!(r.message(), *message, "body {body}");
    }
    let r = owner.post("/api/v2/users", json!({"email": "", "username": ""}));
    assert_eq!(
        r.body["validations"],
        json!([
            {"field": "email", "detail": "Validation failed for tag \"required\" with value: \"\""},
            {"field": "username", "detail": "Validation failed for tag \"required\" with value: \"\""}
        ])
    );
    let r = owner.post("/api/v2/users", ok(json!({"organization_ids": []})));
    assert_eq!(
        r.body["detail"],
        "required at least 1 value for the array 'organization_ids'"
    );
    assert_eq!(r.body["validations"][0]["field"], "organization_ids");
    let r = owner.post("/api/v2/users", ok(json!({"password": "password"})));
    assert_eq!(r.body["validations"][0]["field"], "password");
    assert_eq!(
        r.body["validations"][0]["detail"],
        "insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password"
    );
    let r = owner.post("/api/v2/users", ok(json!({"password": PASSWORD.repeat(4)})));
    assert_eq!(
        r.body["validations"][0]["detail"],
        "password must be no more than 64 characters"
    );
    owner
        .raw("POST", "/api/v2/users", Some(b"{nope".to_vec()), &[])
        .expect(400);
    // Failed attempts are audited with their status.
    assert!(!audit_rows(&s, "create", 409).is_empty());
    // Nothing was created.
    let r = owner.get("/api/v2/users").expect(200);
    assert_eq!(names(&r), ["admin"]);
}

#[test]
fn create_user_permissions() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&owner);
    for (role, status) in [
        ("user-admin", 201),
        ("auditor", 403),
        ("template-admin", 403),
        ("", 403),
    ] {
        let name = if role.is_empty() { "plain" } else { role };
        let roles: Vec<&str> = if role.is_empty() { vec![] } else { vec![role] };
        let (_, client) = create_user(&s, &owner, name, &roles);
        let r = client.post(
            "/api/v2/users",
            json!({"email": format!("made-by-{name}@example.com"),
                   "username": format!("by-{name}"), "password": PASSWORD,
                   "organization_ids": [org]}),
        );
        assert_eq!(r.status, status, "{role}: {}", r.text);
        if status == 403 {
            assert_eq!(r.message(), "You are not authorized to create users.");
        }
    }
}

/// Coder's dormant rule, one rule for every way of being seen: a dormant user who uses an API
/// key (not a sign-in) becomes active, and the status change bumps `updated_at` as a sign-in's
/// does.
#[test]
fn a_dormant_user_seen_through_a_key_wakes_up_with_updated_at() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org_id(&s);
    let u = owner
        .post(
            "/api/v2/users",
            json!({"email": "erin@example.com", "username": "erin", "password": PASSWORD,
                   "login_type": "password", "organization_ids": [org]}),
        )
        .expect(201)
        .body;
    assert_eq!(u["status"], "dormant");
    let created = u["updated_at"].as_str().expect("updated_at").to_string();
    let key = new_token(&owner, "erin", "t");
    std::thread::sleep(std::time::Duration::from_millis(5));
    owner.with_token(&key).get("/api/v2/users/me").expect(200);
    let after = owner.get("/api/v2/users/erin").expect(200).body;
    assert_eq!(after["status"], "active");
    let updated = after["updated_at"].as_str().expect("updated_at");
    assert!(updated > created.as_str(), "{updated} > {created}");
    assert!(after["last_seen_at"].as_str().is_some_and(|t| t >= updated));
}
