//! Tests: users. This file: list, search and pagination, and the helpers the submodules
//! share; `users/create.rs`, `users/accounts.rs`, `users/permissions.rs` hold the rest.

mod accounts;
mod create;
mod permissions;

use crate::common::*;
use coderlite::params;
use serde_json::{json, Value};

/// Inserts a user row directly (fixtures for search tests), member of the default org.
pub(crate) fn insert_user(s: &TestServer, username: &str, f: impl FnOnce(&mut Value)) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let mut row = json!({
        "email": format!("{username}@example.com"), "name": "", "status": "active",
        "login_type": "password", "rbac_roles": "[]", "is_service_account": 0,
        "is_system": 0, "github_com_user_id": null, "created_at": 1_000_000_000_000i64,
        "last_seen_at": 1_000_000_000_000i64,
    });
    f(&mut row);
    let c = s.db();
    c.execute(
        "INSERT INTO users (id, email, username, name, status, login_type, rbac_roles, \
         is_service_account, is_system, github_com_user_id, created_at, updated_at, last_seen_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
        params![
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
        params![id],
    )
    .expect("membership");
    id
}

pub(crate) fn names(r: &Resp) -> Vec<String> {
    r.body["users"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| u["username"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn q(owner: &Client, query: &str) -> Resp {
    let enc: String = url_encode(query);
    owner.get(&format!("/api/v2/users?q={enc}"))
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
    s.db()
        .execute("UPDATE users SET deleted = 1 WHERE id = ?1", params![gone])
        .expect("delete");

    s.db()
        .execute(
            "UPDATE users SET last_seen_at = 1700000000000000 WHERE username = 'admin'",
            params![],
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

pub(crate) fn default_org(owner: &Client) -> String {
    owner.get("/api/v2/organizations/default").expect(200).body["id"]
        .as_str()
        .expect("org id")
        .to_string()
}

pub(crate) fn audit_rows(
    s: &TestServer,
    action: &str,
    status: i64,
) -> Vec<(String, String, String)> {
    let c = s.db();
    let mut stmt = c
        .prepare(
            "SELECT resource_id, resource_target, diff FROM audit_logs \
             WHERE resource_type = 'user' AND action = ?1 AND status_code = ?2 ORDER BY seq",
        )
        .expect("prepare");
    stmt.query_map(params![action, status], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
    .expect("query")
    .map(|r| r.expect("row"))
    .collect()
}
