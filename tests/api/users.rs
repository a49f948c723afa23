//! Tests: users list and search, create, profile, status, roles, delete, password,
//! organizations.

use crate::common::*;
use serde_json::{json, Value};

/// Inserts a user row directly (fixtures for search tests), member of the default org.
fn insert_user(s: &TestServer, username: &str, f: impl FnOnce(&mut Value)) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let mut row = json!({
        "email": format!("{username}@example.com"), "name": "", "status": "active",
        "login_type": "password", "rbac_roles": "[]", "is_service_account": 0,
        "is_system": 0, "github_com_user_id": null, "created_at": 1_000_000_000_000i64,
        "last_seen_at": 1_000_000_000_000i64,
    });
    f(&mut row);
    let c = s.sqlite();
    c.execute(
        "INSERT INTO users (id, email, username, name, status, login_type, rbac_roles, \
         is_service_account, is_system, github_com_user_id, created_at, updated_at, last_seen_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
        rusqlite::params![
            id,
            row["email"].as_str().unwrap_or_default(),
            username,
            row["name"].as_str().unwrap_or_default(),
            row["status"].as_str().unwrap_or_default(),
            row["login_type"].as_str().unwrap_or_default(),
            row["rbac_roles"].as_str().unwrap_or_default(),
            row["is_service_account"].as_i64().unwrap_or(0),
            row["is_system"].as_i64().unwrap_or(0),
            row["github_com_user_id"].as_i64(),
            row["created_at"].as_i64().unwrap_or(0),
            row["last_seen_at"].as_i64().unwrap_or(0),
        ],
    )
    .expect("insert user");
    c.execute(
        "INSERT INTO organization_members (organization_id, user_id, roles, created_at, updated_at) \
         SELECT id, ?1, '[]', 0, 0 FROM organizations WHERE is_default = 1",
        rusqlite::params![id],
    )
    .expect("membership");
    id
}

fn names(r: &Resp) -> Vec<String> {
    r.body["users"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| u["username"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn q(owner: &Client, query: &str) -> Resp {
    let enc: String = url_encode(query);
    owner.get(&format!("/api/v2/users?q={enc}"))
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn list_search_keys() {
    let s = TestServer::start();
    let owner = s.owner();
    insert_user(&s, "alice", |r| {
        r["name"] = json!("Alice Liddell");
        r["rbac_roles"] = json!("[\"auditor\"]");
        r["created_at"] = json!(1_600_000_000_000_000i64);
        r["last_seen_at"] = json!(1_600_000_000_000_000i64);
    });
    insert_user(&s, "Bob", |r| {
        r["email"] = json!("bob@corp.test");
        r["status"] = json!("suspended");
        r["login_type"] = json!("github");
        r["github_com_user_id"] = json!(4242);
    });
    insert_user(&s, "carol", |r| {
        r["status"] = json!("dormant");
        r["login_type"] = json!("none");
        r["is_service_account"] = json!(1);
        r["rbac_roles"] = json!("[\"template-admin\",\"user-admin\"]");
    });
    insert_user(&s, "sysbot", |r| r["is_system"] = json!(1));
    let gone = insert_user(&s, "zed", |_| {});
    s.sqlite()
        .execute("UPDATE users SET deleted = 1 WHERE id = ?1", [gone])
        .expect("delete");

    s.sqlite()
        .execute(
            "UPDATE users SET last_seen_at = 1700000000000000 WHERE username = 'admin'",
            [],
        )
        .expect("seen");
    let r = owner.get("/api/v2/users").expect(200);
    assert_eq!(names(&r), ["admin", "alice", "Bob", "carol"]);
    assert_eq!(r.body["count"], 4);
    assert_eq!(r.body["users"][0]["has_ai_seat"], false);
    assert!(r.body["users"][0]["organization_ids"].is_array());

    let cases: &[(&str, &[&str])] = &[
        ("ALI", &["alice"]),
        ("corp.test", &["Bob"]),
        ("name:liddell", &["alice"]),
        ("status:suspended", &["Bob"]),
        ("status:active,dormant", &["admin", "alice", "carol"]),
        ("status:active status:dormant", &["admin", "alice", "carol"]),
        ("service_account:true", &["carol"]),
        ("service_account:false", &["admin", "alice", "Bob"]),
        ("role:auditor", &["alice"]),
        ("role:owner,user-admin", &["admin", "carol"]),
        ("role:member", &["admin", "alice", "Bob", "carol"]),
        ("login_type:github,none", &["Bob", "carol"]),
        ("github_com_user_id:4242", &["Bob"]),
        (
            "created_before:\"2021-01-01T00:00:00Z\"",
            &["alice", "Bob", "carol"],
        ),
        (
            "created_after:\"2020-01-01T00:00:00Z\"",
            &["admin", "alice"],
        ),
        (
            "last_seen_after:\"2020-09-13T12:26:40Z\"",
            &["admin", "alice"],
        ),
        (
            "last_seen_before:\"2020-09-13T12:26:40Z\"",
            &["alice", "Bob", "carol"],
        ),
        ("username:BOB", &["Bob"]),
        ("email:alice@example.com", &["alice"]),
        ("email:alice", &[]),
        ("a status:active role:auditor", &["alice"]),
        ("has_ai_seat:false", &["admin", "alice", "Bob", "carol"]),
        ("has_ai_seat:true", &[]),
        ("nobody-matches", &[]),
    ];
    for (query, want) in cases {
        let r = q(&owner, query).expect(200);
        assert_eq!(&names(&r), want, "q={query}");
        assert_eq!(r.body["count"], want.len(), "q={query}");
    }
    let r = q(&owner, "nobody-matches").expect(200);
    assert_eq!(r.text.trim(), "{\"users\":[],\"count\":0}");
}

#[test]
fn list_search_errors() {
    let s = TestServer::start();
    let owner = s.owner();
    let cases: &[(&str, &str, &str)] = &[
        (
            "status:gone",
            "status",
            "Query param \"status\" has invalid values: \"gone\" is not a valid value",
        ),
        (
            "login_type:magic",
            "login_type",
            "Query param \"login_type\" has invalid values: \"magic\" is not a valid value",
        ),
        (
            "service_account:maybe",
            "service_account",
            "Query param \"service_account\" must be a valid boolean: strconv.ParseBool: parsing \"maybe\": invalid syntax",
        ),
        (
            "has_ai_seat:perhaps",
            "has_ai_seat",
            "Query param \"has_ai_seat\" must be a valid boolean: strconv.ParseBool: parsing \"perhaps\": invalid syntax",
        ),
        (
            "github_com_user_id:abc",
            "github_com_user_id",
            "Query param \"github_com_user_id\" must be a valid 64-bit integer: strconv.ParseInt: parsing \"abc\": invalid syntax",
        ),
        (
            "created_after:2024-01-01",
            "created_after",
            "Query param \"created_after\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): parsing time \"2024-01-01\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"\" as \"T\"",
        ),
        ("colour:blue", "colour", "\"colour\" is not a valid query param"),
        ("status:", "q", "Query element \"status:\" cannot start or end with ':'"),
        ("a:b:c", "q", "Query element \"a:b:c\" can only contain 1 ':'"),
        (
            "name:a name:b",
            "name",
            "Query param \"name\" provided more than once, found 2 times. Only provide 1 instance of this query param.",
        ),
    ];
    for (query, field, detail) in cases {
        let r = q(&owner, query).expect(400);
        assert_eq!(r.message(), "Invalid user search query.", "q={query}");
        assert_eq!(r.body["validations"][0]["field"], *field, "q={query}");
        assert_eq!(r.body["validations"][0]["detail"], *detail, "q={query}");
    }
    // q errors come before pagination errors.
    let r = owner.get("/api/v2/users?q=status:x&limit=-1").expect(400);
    assert_eq!(r.message(), "Invalid user search query.");
    for (qs, field) in [
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("offset=x", "offset"),
        ("after_id=not-a-uuid", "after_id"),
    ] {
        let r = owner.get(&format!("/api/v2/users?{qs}")).expect(400);
        assert_eq!(r.message(), "Query parameters have invalid values.");
        assert_eq!(r.body["validations"][0]["field"], field);
    }
    owner.anonymous().get("/api/v2/users").expect(401);
}

#[test]
fn list_pagination() {
    let s = TestServer::start();
    let owner = s.owner();
    let mut ids = std::collections::BTreeMap::new();
    for n in ["u05", "U01", "u03", "u02", "u04"] {
        ids.insert(n.to_lowercase(), insert_user(&s, n, |_| {}));
    }
    let all = ["admin", "U01", "u02", "u03", "u04", "u05"];
    let r = owner.get("/api/v2/users?limit=0").expect(200);
    assert_eq!(names(&r), all);
    let r = owner.get("/api/v2/users?limit=2").expect(200);
    assert_eq!(names(&r), ["admin", "U01"]);
    assert_eq!(r.body["count"], 6);
    let r = owner.get("/api/v2/users?limit=2&offset=2").expect(200);
    assert_eq!(names(&r), ["u02", "u03"]);
    assert_eq!(r.body["count"], 6);
    let r = owner.get("/api/v2/users?offset=10").expect(200);
    assert_eq!(r.body, json!({"users": [], "count": 0}));
    // Keyset: strictly after the cursor's lower(username); count is narrowed too.
    let r = owner
        .get(&format!("/api/v2/users?after_id={}&limit=2", ids["u01"]))
        .expect(200);
    assert_eq!(names(&r), ["u02", "u03"]);
    assert_eq!(r.body["count"], 4);
    let r = owner
        .get(&format!(
            "/api/v2/users?after_id={}&q=u0&offset=1",
            ids["u02"]
        ))
        .expect(200);
    assert_eq!(names(&r), ["u04", "u05"]);
    assert_eq!(r.body["count"], 3);
    // Walk every page by cursor.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let path = if after.is_empty() {
            "/api/v2/users?limit=4".to_string()
        } else {
            format!("/api/v2/users?limit=4&after_id={after}")
        };
        let r = owner.get(&path).expect(200);
        let page = r.body["users"].as_array().cloned().unwrap_or_default();
        if page.is_empty() {
            break;
        }
        after = page[page.len() - 1]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        seen.extend(names(&r));
    }
    assert_eq!(seen, all);
    // A cursor naming no user matches nothing.
    let r = owner
        .get(&format!("/api/v2/users?after_id={}", uuid::Uuid::new_v4()))
        .expect(200);
    assert_eq!(r.body["count"], 0);
}

fn default_org(owner: &Client) -> String {
    owner.get("/api/v2/organizations/default").expect(200).body["id"]
        .as_str()
        .expect("org id")
        .to_string()
}

fn audit_rows(s: &TestServer, action: &str, status: i64) -> Vec<(String, String, String)> {
    let c = s.sqlite();
    let mut stmt = c
        .prepare(
            "SELECT resource_id, resource_target, diff FROM audit_logs \
             WHERE resource_type = 'user' AND action = ?1 AND status_code = ?2 ORDER BY seq",
        )
        .expect("prepare");
    stmt.query_map(rusqlite::params![action, status], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
    .expect("query")
    .map(|r| r.expect("row"))
    .collect()
}

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

#[test]
fn profile_status_roles() {
    let s = TestServer::start();
    let owner = s.owner();
    let (bob, bob_c) = create_user(&s, &owner, "bob", &[]);
    let (_, admin2) = create_user(&s, &owner, "owner2", &["owner"]);

    // Profile: self may change the name; username changes need user management.
    let r = bob_c
        .put(
            "/api/v2/users/me/profile",
            json!({"username": "bob", "name": "Bobby"}),
        )
        .expect(200);
    assert_eq!(r.body["name"], "Bobby");
    assert_eq!(r.body["has_ai_seat"], false);
    let r = bob_c
        .put(
            "/api/v2/users/me/profile",
            json!({"username": "robert", "name": ""}),
        )
        .expect(404);
    assert_eq!(
        r.message(),
        "Resource not found or you do not have access to this resource"
    );
    let r = owner
        .put(
            &format!("/api/v2/users/{bob}/profile"),
            json!({"username": "robert"}),
        )
        .expect(200);
    assert_eq!(r.body["username"], "robert");
    assert_eq!(r.body.get("name"), None, "empty name is omitted");
    let r = owner
        .put(
            "/api/v2/users/robert/profile",
            json!({"username": "OWNER2"}),
        )
        .expect(409);
    assert_eq!(r.message(), "A user with this username already exists.");
    assert_eq!(
        r.body["validations"],
        json!([{"field": "username", "detail": "This username is already in use."}])
    );
    let r = owner
        .put("/api/v2/users/robert/profile", json!({"username": ""}))
        .expect(400);
    assert_eq!(r.message(), "Validation failed.");
    owner
        .put("/api/v2/users/robert/profile", json!({"username": "x y"}))
        .expect(400);
    owner
        .put("/api/v2/users/robert/profile", json!({"username": 7}))
        .expect(400);
    let r = owner
        .put("/api/v2/users/ghost/profile", json!({"username": "ghost"}))
        .expect(400);
    assert_eq!(
        r.message(),
        "\"user\" must be an existing uuid or username."
    );
    assert_eq!(r.body["detail"], "queried user=\"ghost\"");

    // Status.
    let r = owner
        .put("/api/v2/users/me/status/suspend", json!({}))
        .expect(400);
    assert_eq!(r.message(), "You cannot suspend yourself.");
    let r = owner
        .put("/api/v2/users/owner2/status/suspend", json!({}))
        .expect(400);
    assert_eq!(
        r.message(),
        "You cannot suspend a user with the \"owner\" role. You must remove the role first."
    );
    let r = owner
        .put(&format!("/api/v2/users/{bob}/status/suspend"), json!({}))
        .expect(200);
    assert_eq!(r.body["status"], "suspended");
    let r = bob_c.get("/api/v2/users/me").expect(401);
    assert_eq!(
        r.body["detail"],
        "User is not active (status = \"suspended\"). Contact an admin to reactivate your account."
    );
    let r = owner
        .put(&format!("/api/v2/users/{bob}/status/activate"), json!({}))
        .expect(200);
    assert_eq!(r.body["status"], "active");
    bob_c.get("/api/v2/users/me").expect(200);

    // Roles.
    let r = owner
        .put("/api/v2/users/me/roles", json!({"roles": ["auditor"]}))
        .expect(400);
    assert_eq!(r.message(), "You cannot change your own roles.");
    let r = owner
        .put(
            &format!("/api/v2/users/{bob}/roles"),
            json!({"roles": ["auditor", "template-admin", "auditor", "member"]}),
        )
        .expect(200);
    let names: Vec<&str> = r.body["roles"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["auditor", "template-admin"]);
    let r = owner.get(&format!("/api/v2/users/{bob}/roles")).expect(200);
    assert_eq!(r.body["roles"], json!(["auditor", "template-admin"]));
    assert!(r.body["organization_roles"].is_object());
    let r = owner
        .put(
            &format!("/api/v2/users/{bob}/roles"),
            json!({"roles": ["wizard"]}),
        )
        .expect(403);
    assert_eq!(r.message(), "Forbidden.");
    owner
        .put(
            &format!("/api/v2/users/{bob}/roles"),
            json!({"roles": "auditor"}),
        )
        .expect(400);
    let r = admin2
        .put(
            &format!("/api/v2/users/{bob}/roles"),
            json!({"roles": null}),
        )
        .expect(200);
    assert_eq!(r.body["roles"], json!([]));
    // Audit rows carry diffs of the changed fields only.
    let writes = audit_rows(&s, "write", 200);
    let last: Value = serde_json::from_str(&writes[writes.len() - 1].2).expect("diff");
    assert_eq!(
        last["rbac_roles"]["old"],
        json!(["auditor", "template-admin"])
    );
    assert!(last.get("rbac_roles").and_then(|d| d.get("new")).is_none());
    assert!(last.get("status").is_none());
}

#[test]
fn role_assignment_matrix() {
    let s = TestServer::start();
    let owner = s.owner();
    let (target, _) = create_user(&s, &owner, "target", &[]);
    let (_, ua) = create_user(&s, &owner, "ua", &["user-admin"]);
    let (_, aud) = create_user(&s, &owner, "aud", &["auditor"]);
    let (_, ta) = create_user(&s, &owner, "ta", &["template-admin"]);
    let (_, mem) = create_user(&s, &owner, "mem", &[]);
    let path = format!("/api/v2/users/{target}/roles");
    for (who, client, status) in [
        ("user-admin", &ua, 403),
        ("auditor", &aud, 403),
        ("template-admin", &ta, 403),
        ("member", &mem, 400),
        ("owner", &owner, 200),
    ] {
        let r = client.put(&path, json!({"roles": ["template-admin"]}));
        assert_eq!(r.status, status, "{who}: {}", r.text);
    }
    // user-admin may keep roles unchanged (nothing assigned) but not remove them.
    ua.put(&path, json!({"roles": ["template-admin"]}))
        .expect(200);
    ua.put(&path, json!({"roles": []})).expect(403);
}

#[test]
fn delete_user_rules() {
    let s = TestServer::start();
    let owner = s.owner();
    let (bob, bob_c) = create_user(&s, &owner, "bob", &[]);
    let (_, ua) = create_user(&s, &owner, "ua", &["user-admin"]);
    let (_, aud) = create_user(&s, &owner, "aud", &["auditor"]);
    let (carl, _) = create_user(&s, &owner, "carl", &[]);
    let r = owner.delete("/api/v2/users/me").expect(403);
    assert_eq!(r.message(), "You cannot delete yourself!");
    let r = aud.delete(&format!("/api/v2/users/{bob}")).expect(403);
    assert_eq!(r.message(), "Forbidden.");
    bob_c.delete(&format!("/api/v2/users/{carl}")).expect(400);
    // A live workspace blocks deletion.
    {
        let c = s.sqlite();
        c.execute(
            "INSERT INTO workspaces (id, owner_id, organization_id, name, created_at, updated_at, last_used_at) \
             SELECT ?1, ?2, id, 'ws', 0, 0, 0 FROM organizations WHERE is_default = 1",
            rusqlite::params![uuid::Uuid::new_v4().to_string(), carl],
        )
        .expect("workspace");
    }
    let r = owner.delete(&format!("/api/v2/users/{carl}")).expect(417);
    assert_eq!(
        r.message(),
        "You cannot delete a user that has workspaces. Delete their workspaces and try again!"
    );
    s.sqlite()
        .execute("UPDATE workspaces SET deleted = 1", [])
        .expect("soft delete ws");
    ua.delete(&format!("/api/v2/users/{carl}")).expect(200);
    let r = owner.delete(&format!("/api/v2/users/{bob}")).expect(200);
    assert_eq!(r.body, json!({"message": "User has been deleted!"}));
    // Keys are gone, the user is gone, the name is reusable.
    let r = bob_c.get("/api/v2/users/me").expect(401);
    assert_eq!(r.body["detail"], "API key is invalid.");
    owner.get(&format!("/api/v2/users/{bob}")).expect(400);
    let keys: i64 = s
        .sqlite()
        .query_row(
            "SELECT count(*) FROM api_keys WHERE user_id = ?1",
            [&bob],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(keys, 0);
    assert_eq!(
        names(&owner.get("/api/v2/users?q=bob").expect(200)),
        Vec::<String>::new()
    );
    create_user(&s, &owner, "bob", &[]);
    let rows = audit_rows(&s, "delete", 200);
    let row = rows.iter().find(|r| r.0 == bob).expect("delete audited");
    let diff: Value = serde_json::from_str(&row.2).expect("diff");
    assert_eq!(diff["deleted"], json!({"new": true, "secret": false}));
    assert!(!audit_rows(&s, "delete", 403).is_empty());
}

#[test]
fn password_changes() {
    let s = TestServer::start();
    let owner = s.owner();
    let (bob, bob_c) = create_user(&s, &owner, "bob", &[]);
    let (carl, _) = create_user(&s, &owner, "carl", &[]);
    let new_pw = "Another-Secret-Pass#42";
    let r = bob_c
        .put("/api/v2/users/me/password", json!({"password": new_pw}))
        .expect(400);
    assert_eq!(r.message(), "Old password is required.");
    let r = bob_c
        .put(
            "/api/v2/users/me/password",
            json!({"old_password": "wrong-wrong-Wrong1!", "password": new_pw}),
        )
        .expect(400);
    assert_eq!(r.message(), "Old password is incorrect.");
    assert_eq!(r.body["validations"][0]["field"], "old_password");
    let r = bob_c
        .put(
            "/api/v2/users/me/password",
            json!({"old_password": PASSWORD, "password": "weak"}),
        )
        .expect(400);
    assert_eq!(r.message(), "Invalid password.");
    assert_eq!(r.body["validations"][0]["field"], "password");
    let r = bob_c
        .put(
            "/api/v2/users/me/password",
            json!({"old_password": PASSWORD, "password": PASSWORD}),
        )
        .expect(400);
    assert_eq!(r.message(), "New password cannot match old password.");
    let r = bob_c
        .put(
            &format!("/api/v2/users/{carl}/password"),
            json!({"password": new_pw}),
        )
        .expect(400);
    assert_eq!(
        r.message(),
        "\"user\" must be an existing uuid or username."
    );
    bob_c
        .put(
            "/api/v2/users/me/password",
            json!({"old_password": PASSWORD, "password": new_pw}),
        )
        .expect(204);
    // Every key of the user is revoked; the new password works.
    bob_c.get("/api/v2/users/me").expect(401);
    let bob_c = s.login("bob@example.com", new_pw);
    // An admin needs no old password.
    owner
        .put(
            &format!("/api/v2/users/{bob}/password"),
            json!({"password": PASSWORD}),
        )
        .expect(204);
    bob_c.get("/api/v2/users/me").expect(401);
    s.login("bob@example.com", PASSWORD);
    // Users without password login cannot.
    let org = default_org(&owner);
    let r = owner
        .post(
            "/api/v2/users",
            json!({"email": "n@example.com", "username": "nopass", "login_type": "none",
                   "organization_ids": [org]}),
        )
        .expect(201);
    let r = owner
        .put(
            &format!(
                "/api/v2/users/{}/password",
                r.body["id"].as_str().unwrap_or_default()
            ),
            json!({"password": new_pw}),
        )
        .expect(400);
    assert_eq!(
        r.message(),
        "Users without password login type cannot change their password."
    );
    let writes = audit_rows(&s, "write", 204);
    assert!(writes
        .iter()
        .any(|w| w.2.contains("\"hashed_password\":{\"secret\":true}")));
    assert!(writes.iter().all(|w| !w.2.contains("argon2")));
}

#[test]
fn organizations_and_roles_of_user() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&owner);
    let (bob, bob_c) = create_user(&s, &owner, "bob", &[]);
    let (carl, _) = create_user(&s, &owner, "carl", &[]);
    let r = bob_c.get("/api/v2/users/me/organizations").expect(200);
    assert_eq!(r.body[0]["id"], org.as_str());
    assert_eq!(r.body[0]["is_default"], true);
    owner
        .get(&format!("/api/v2/users/{bob}/organizations"))
        .expect(200);
    let r = bob_c.get("/api/v2/users/me/roles").expect(200);
    assert_eq!(r.body["roles"], json!([]));
    assert_eq!(r.body["organization_roles"][&org], json!([]));
    bob_c
        .get(&format!("/api/v2/users/{carl}/roles"))
        .expect(400);
    bob_c.get(&format!("/api/v2/users/{carl}")).expect(400);
    bob_c
        .get("/api/v2/users/not-a-user/organizations")
        .expect(400);
}

#[test]
fn visibility_by_role() {
    let s = TestServer::start();
    let owner = s.owner();
    let (_, mem) = create_user(&s, &owner, "mem", &[]);
    let (_, aud) = create_user(&s, &owner, "aud", &["auditor"]);
    let (_, ta) = create_user(&s, &owner, "ta", &["template-admin"]);
    let (_, ua) = create_user(&s, &owner, "ua", &["user-admin"]);
    for (who, client, expect) in [
        ("owner", &owner, 5),
        ("auditor", &aud, 5),
        ("template-admin", &ta, 5),
        ("user-admin", &ua, 5),
        ("member", &mem, 1),
    ] {
        let r = client.get("/api/v2/users").expect(200);
        assert_eq!(r.body["count"], expect, "{who}");
    }
    assert_eq!(names(&mem.get("/api/v2/users").expect(200)), ["mem"]);
    // Status changes need user management; a member cannot even see others.
    mem.put("/api/v2/users/aud/status/suspend", json!({}))
        .expect(400);
    for (who, client, status) in [
        ("auditor", &aud, 403),
        ("template-admin", &ta, 403),
        ("user-admin", &ua, 200),
    ] {
        let r = client.put("/api/v2/users/mem/status/suspend", json!({}));
        assert_eq!(r.status, status, "{who}: {}", r.text);
    }
}
