//! The audit log over HTTP: recording by mutations, `GET /audit` (shape, every `q` key,
//! errors, pagination, permissions), `POST /audit/testgenerate` and `GET /audit/export`.

use crate::common::*;
use rusqlite::params;
use serde_json::{json, Value};
use std::collections::HashSet;

const NIL: &str = "00000000-0000-0000-0000-000000000000";

/// URL-encodes a `q` value.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn audit(c: &Client, q: &str, extra: &str) -> Resp {
    c.get(&format!("/api/v2/audit?q={}{extra}", enc(q)))
}

fn logs(r: &Resp) -> Vec<Value> {
    r.body["audit_logs"].as_array().cloned().unwrap_or_default()
}

fn ids(r: &Resp) -> Vec<String> {
    logs(r)
        .iter()
        .map(|l| l["id"].as_str().unwrap_or("").to_string())
        .collect()
}

fn default_org(s: &TestServer) -> String {
    s.sqlite()
        .query_row(
            "SELECT id FROM organizations WHERE is_default = 1",
            [],
            |r| r.get(0),
        )
        .expect("default org")
}

fn new_org(s: &TestServer, name: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    s.sqlite()
        .execute(
            "INSERT INTO organizations (id, name, display_name, icon, created_at, updated_at) \
             VALUES (?1, ?2, ?3, '/icon/x.svg', 0, 0)",
            params![id, name, format!("Org {name}")],
        )
        .expect("insert org");
    id
}

/// A password user inserted directly (independent of the users endpoints), with site roles
/// and organization memberships `(org id, org roles)`; returns (id, signed-in client).
fn make_user(
    s: &TestServer,
    username: &str,
    site_roles: &[&str],
    orgs: &[(&str, &[&str])],
) -> (String, Client) {
    let id = uuid::Uuid::new_v4().to_string();
    let email = format!("{username}@example.com");
    let hash = coderlite::auth::password::hash(PASSWORD).expect("hash");
    let db = s.sqlite();
    db.execute(
        "INSERT INTO users (id, email, username, hashed_password, status, rbac_roles, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, 'active', ?5, 1, 1)",
        params![id, email, username, hash, serde_json::to_string(site_roles).expect("roles")],
    )
    .expect("insert user");
    for (org, roles) in orgs {
        db.execute(
            "INSERT INTO organization_members (organization_id, user_id, roles, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 1, 1)",
            params![org, id, serde_json::to_string(roles).expect("roles")],
        )
        .expect("insert member");
    }
    (id.clone(), s.login(&email, PASSWORD))
}

/// Fields for a directly inserted audit row.
struct Row<'a> {
    time: i64,
    user_id: &'a str,
    org: &'a str,
    resource_type: &'a str,
    resource_id: &'a str,
    target: &'a str,
    action: &'a str,
    status: i64,
    request_id: &'a str,
    build_reason: Option<&'a str>,
    additional: &'a str,
    diff: &'a str,
    ip: Option<&'a str>,
}

impl Default for Row<'_> {
    fn default() -> Self {
        Row {
            time: 1_700_000_000_000_000,
            user_id: NIL,
            org: NIL,
            resource_type: "user",
            resource_id: NIL,
            target: "",
            action: "write",
            status: 200,
            request_id: NIL,
            build_reason: None,
            additional: "{}",
            diff: "{}",
            ip: None,
        }
    }
}

fn insert(s: &TestServer, r: Row) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    s.sqlite()
        .execute(
            "INSERT INTO audit_logs (id, time, user_id, organization_id, ip, user_agent, resource_type, \
             resource_id, resource_target, action, diff, status_code, additional_fields, request_id, \
             resource_icon, build_reason) VALUES (?1,?2,?3,?4,?5,NULL,?6,?7,?8,?9,?10,?11,?12,?13,'',?14)",
            params![
                id, r.time, r.user_id, r.org, r.ip, r.resource_type, r.resource_id, r.target,
                r.action, r.diff, r.status, r.additional, r.request_id, r.build_reason
            ],
        )
        .expect("insert audit row");
    id
}

fn count_rows(s: &TestServer, where_: &str) -> i64 {
    s.sqlite()
        .query_row(
            &format!("SELECT count(*) FROM audit_logs WHERE {where_}"),
            [],
            |r| r.get(0),
        )
        .expect("count")
}

// ---------------------------------------------------------------- recording ---

#[test]
fn login_logout_and_first_user_are_recorded() {
    let s = TestServer::start();
    let owner = s.owner();
    let r = audit(&owner, "", "").expect(200);
    assert_eq!(r.body["count"], 2, "first user + login: {}", r.text);
    assert_eq!(r.body["count_cap"], 0);
    let rows = logs(&r);
    // Newest first: the login, then the first user's creation.
    assert_eq!(rows[0]["action"], "login");
    assert_eq!(rows[0]["resource_type"], "api_key");
    assert_eq!(rows[0]["description"], "{user} logged in");
    assert_eq!(rows[0]["status_code"], 200);
    assert_eq!(rows[0]["diff"], json!({}));
    assert_eq!(rows[0]["user"]["username"], OWNER_USERNAME);
    assert_eq!(rows[0]["user"]["organization_ids"], json!([]));
    assert_eq!(rows[0]["user"]["roles"][0]["name"], "owner");
    assert_eq!(rows[0]["user"]["has_ai_seat"], false);
    assert_eq!(rows[0]["ip"], "127.0.0.1");
    assert!(rows[0].get("organization").is_none());
    assert_eq!(rows[0]["organization_id"], NIL);
    assert_eq!(rows[1]["action"], "create");
    assert_eq!(rows[1]["resource_type"], "user");
    assert_eq!(rows[1]["resource_target"], OWNER_USERNAME);
    assert_eq!(rows[1]["description"], "{user} created user {target}");
    assert_eq!(
        rows[1]["resource_link"],
        format!("/users?filter={OWNER_USERNAME}")
    );
    assert_eq!(rows[1]["is_deleted"], false);
    assert_eq!(rows[1]["diff"]["username"]["new"], OWNER_USERNAME);
    assert_eq!(rows[1]["diff"]["hashed_password"]["secret"], true);
    assert!(rows[1]["diff"]["hashed_password"].get("new").is_none());
    assert!(!r.text.contains("argon2"), "no secret in the log");

    // Failed login of an existing user: recorded with its status and no diff.
    s.client()
        .post(
            "/api/v2/users/login",
            json!({"email": OWNER_EMAIL, "password": "wrong-password-1"}),
        )
        .expect(401);
    let r = audit(&owner, "action:login", "").expect(200);
    assert_eq!(r.body["count"], 2);
    let failed = &logs(&r)[0];
    assert_eq!(failed["status_code"], 401);
    assert_eq!(
        failed["description"],
        "{user} unsuccessfully attempted to login"
    );
    assert_eq!(failed["diff"], json!({}));

    // Logout: exactly one more row, and the key is gone.
    let second = s.login(OWNER_EMAIL, PASSWORD);
    second.post("/api/v2/users/logout", json!({})).expect(200);
    let r = audit(&owner, "action:logout", "").expect(200);
    assert_eq!(r.body["count"], 1);
    assert_eq!(logs(&r)[0]["description"], "{user} logged out");
    assert_eq!(count_rows(&s, "1=1"), 5);
}

#[test]
fn failed_mutation_rolls_back_and_records_the_attempt() {
    let s = TestServer::start();
    let owner = s.owner();
    let (uid, _c) = make_user(&s, "sally", &[], &[]);
    s.sqlite()
        .execute(
            "UPDATE users SET status = 'suspended' WHERE id = ?1",
            params![uid],
        )
        .expect("suspend");
    let keys_before: i64 = s
        .sqlite()
        .query_row(
            "SELECT count(*) FROM api_keys WHERE user_id = ?1",
            params![uid],
            |r| r.get(0),
        )
        .expect("keys");
    s.client()
        .post(
            "/api/v2/users/login",
            json!({"email": "sally@example.com", "password": PASSWORD}),
        )
        .expect(401);
    let keys_after: i64 = s
        .sqlite()
        .query_row(
            "SELECT count(*) FROM api_keys WHERE user_id = ?1",
            params![uid],
            |r| r.get(0),
        )
        .expect("keys");
    assert_eq!(keys_before, keys_after, "the key insert was rolled back");
    let r = audit(&owner, "username:sally action:login", "").expect(200);
    let rows = logs(&r);
    // One successful login (make_user) and the failed attempt.
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["status_code"], 401);
    assert_eq!(rows[0]["user"]["status"], "suspended");
    assert_eq!(rows[1]["status_code"], 200);
}

// ---------------------------------------------------------------- search ---

#[test]
fn every_q_key_filters_and_combines() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&s);
    let acme = new_org(&s, "acme");
    let (bob, _) = make_user(&s, "bob", &[], &[(&org, &[])]);
    s.sqlite()
        .execute(
            "UPDATE users SET email = 'Bob.Mixed@Example.com' WHERE id = ?1",
            params![bob],
        )
        .expect("email");
    let day = |d: i64| 1_704_067_200_000_000 + d * 86_400_000_000; // 2024-01-01 + d days
    let rid = uuid::Uuid::new_v4().to_string();
    let req = uuid::Uuid::new_v4().to_string();
    let a = insert(
        &s,
        Row {
            time: day(0),
            user_id: &bob,
            org: &org,
            resource_type: "workspace",
            resource_id: &rid,
            target: "Dev-Box",
            action: "create",
            build_reason: Some("initiator"),
            ..Row::default()
        },
    );
    let b = insert(
        &s,
        Row {
            time: day(1),
            user_id: &bob,
            org: &acme,
            resource_type: "workspace_build",
            target: "dev-box",
            action: "start",
            build_reason: Some("autostart"),
            request_id: &req,
            ..Row::default()
        },
    );
    let c = insert(
        &s,
        Row {
            time: day(2) - 1,
            org: &acme,
            resource_type: "workspace_build",
            target: "other",
            action: "stop",
            build_reason: Some("autostop"),
            ..Row::default()
        },
    );
    let d = insert(
        &s,
        Row {
            time: day(3),
            user_id: &bob,
            resource_type: "template",
            target: "tpl",
            action: "write",
            ..Row::default()
        },
    );
    let check = |q: &str, want: &[&String]| {
        let r = audit(&owner, q, "").expect(200);
        let mut got: Vec<String> = ids(&r)
            .into_iter()
            .filter(|i| [&a, &b, &c, &d].contains(&i))
            .collect();
        got.sort();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "q={q}");
        // Everything fits on one page: the count is the page's length.
        assert_eq!(r.body["count"], logs(&r).len() as i64, "count for q={q}");
    };
    check("resource_type:workspace", &[&a]);
    check("workspace_build", &[&b, &c]);
    check(&format!("resource_id:{rid}"), &[&a]);
    check(&format!("resource_id:{}", rid.to_uppercase()), &[&a]);
    check("resource_target:dev-box", &[&a, &b]);
    check("resource_target:DEV-BOX", &[&a, &b]);
    check("action:start", &[&b]);
    check("username:bob", &[&a, &b, &d]);
    check("username:BOB", &[&a, &b, &d]);
    check("username:nobody", &[]);
    check("email:bob.mixed@example.com", &[&a, &b, &d]);
    check("date_from:2024-01-02", &[&b, &c, &d]);
    check("date_to:2024-01-02", &[&a, &b, &c]); // c is at 23:59:59.999999 of the 2nd
    check("date_from:2024-01-02 date_to:2024-01-02", &[&b, &c]);
    check("organization:acme", &[&b, &c]);
    check("organization:ACME", &[&b, &c]);
    check(&format!("organization:{acme}"), &[&b, &c]);
    check("organization:coder", &[&a]);
    check("build_reason:autostart", &[&b]);
    check("build_reason:initiator", &[&a]);
    check(&format!("request_id:{req}"), &[&b]);
    check("workspace_build action:stop organization:acme", &[&c]);
    check(
        "username:bob organization:acme resource_target:dev-box",
        &[&b],
    );
    check("username:bob action:delete", &[]);

    // username:me = the caller.
    let r = audit(&owner, "username:me", "").expect(200);
    assert!(logs(&r)
        .iter()
        .all(|l| l["user"]["username"] == OWNER_USERNAME));
    assert!(r.body["count"].as_i64().unwrap_or(0) >= 2);
}

#[test]
fn validation_errors_in_coders_words() {
    let s = TestServer::start();
    let owner = s.owner();
    let cases: &[(&str, &str, &str)] = &[
        ("foo:bar", "foo", "\"foo\" is not a valid query param"),
        ("action:foo", "action", "Query param \"action\" has invalid value: \"foo\" is not a valid value"),
        ("resource_type:nope", "resource_type", "Query param \"resource_type\" has invalid value: \"nope\" is not a valid value"),
        ("build_reason:task_resume", "build_reason", "Query param \"build_reason\" has invalid value: \"task_resume\" is not a valid value"),
        ("resource_id:abc", "resource_id", "Query param \"resource_id\" must be a valid uuid"),
        ("request_id:abc", "request_id", "Query param \"request_id\" must be a valid uuid"),
        ("date_from:2024-13-01", "date_from", "Query param \"date_from\" must be a valid date format (2006-01-02): parsing time \"2024-13-01\": month out of range"),
        ("date_to:yesterday", "date_to", "Query param \"date_to\" must be a valid date format (2006-01-02): parsing time \"yesterday\" as \"2006-01-02\": cannot parse \"yesterday\" as \"2006\""),
        ("organization:acme", "organization", "Query param \"organization\" has invalid value: organization \"acme\" either does not exist, or you are unauthorized to view it"),
        ("action:create action:write", "action", "Query param \"action\" provided more than once, found 2 times. Only provide 1 instance of this query param."),
        ("workspace resource_type:user", "resource_type", "Query param \"resource_type\" provided more than once, found 2 times. Only provide 1 instance of this query param."),
        ("action:", "q", "Query element \"action:\" cannot start or end with ':'"),
        ("a:b:c", "q", "Query element \"a:b:c\" can only contain 1 ':'"),
    ];
    for (q, field, detail) in cases {
        let r = audit(&owner, q, "").expect(400);
        assert_eq!(r.message(), "Invalid audit search query.", "q={q}");
        assert_eq!(
            r.body["validations"],
            json!([{"field": field, "detail": detail}]),
            "q={q}"
        );
    }
    let r = audit(&owner, "action:x zzz:1", "").expect(400);
    assert_eq!(r.body["validations"].as_array().map(Vec::len), Some(2));

    // Pagination errors come first, with their own message.
    let page_cases: &[(&str, &str)] = &[
        ("limit=abc", "Query param \"limit\" must be a valid 32-bit positive integer: strconv.ParseInt: parsing \"abc\": invalid syntax"),
        ("limit=-1", "Query param \"limit\" must be a valid 32-bit positive integer: value is negative"),
        ("offset=9999999999", "Query param \"offset\" must be a valid 32-bit positive integer: strconv.ParseInt: parsing \"9999999999\": value out of range"),
        ("limit=1&limit=2", "Query param \"limit\" provided more than once, found 2 times. Only provide 1 instance of this query param."),
        ("after_id=nope", "Query param \"after_id\" must be a valid uuid"),
    ];
    for (qs, detail) in page_cases {
        let r = owner
            .get(&format!("/api/v2/audit?q=action:bogus&{qs}"))
            .expect(400);
        assert_eq!(r.message(), "Query parameters have invalid values.", "{qs}");
        assert_eq!(r.body["validations"][0]["detail"], *detail, "{qs}");
    }
    // An after_id that names no row.
    let r = owner
        .get(&format!("/api/v2/audit?after_id={}", uuid::Uuid::new_v4()))
        .expect(400);
    assert_eq!(r.body["validations"][0]["field"], "after_id");
    // Unknown URL parameters are ignored, as in Coder.
    owner.get("/api/v2/audit?foo=bar").expect(200);
}

// ---------------------------------------------------------------- pagination ---

#[test]
fn pagination_by_offset_and_after_id() {
    let s = TestServer::start();
    let owner = s.owner();
    // 25 rows sharing one timestamp and 10 more: ties are ordered by id, so pages are stable.
    let mut fixture = HashSet::new();
    for i in 0..35 {
        let t = if i < 25 {
            1_600_000_000_000_000
        } else {
            1_600_000_000_000_000 + i
        };
        fixture.insert(insert(
            &s,
            Row {
                time: t,
                target: "fixture",
                ..Row::default()
            },
        ));
    }
    let q = "resource_target:fixture";
    let all = ids(&audit(&owner, q, "&limit=0").expect(200));
    assert_eq!(all.len(), 35, "limit 0 means 100");
    let mut by_offset = Vec::new();
    for page in 0..5 {
        let r = audit(&owner, q, &format!("&limit=8&offset={}", page * 8)).expect(200);
        assert_eq!(r.body["count"], 35);
        by_offset.extend(ids(&r));
    }
    assert_eq!(by_offset, all, "offset pages = the full list, in order");
    let r = audit(&owner, q, "&offset=1000").expect(200);
    assert_eq!(logs(&r).len(), 0);
    assert_eq!(r.body["count"], 35);

    // after_id while rows keep arriving (newer rows and rows at the same time).
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let extra = match &after {
            Some(a) => format!("&limit=6&after_id={a}"),
            None => "&limit=6".to_string(),
        };
        let r = audit(&owner, q, &extra).expect(200);
        let page = ids(&r);
        // Writes between fetches: a newer row and one tied with the first 25.
        insert(
            &s,
            Row {
                time: 1_900_000_000_000_000 + seen.len() as i64,
                target: "fixture",
                ..Row::default()
            },
        );
        if page.is_empty() {
            break;
        }
        after = page.last().cloned();
        seen.extend(page);
    }
    assert_eq!(
        seen, all,
        "after_id pages: nothing skipped, nothing repeated"
    );
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
}

// ---------------------------------------------------------------- permissions ---

#[test]
fn permissions_per_role() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&s);
    let acme = new_org(&s, "acme");
    let (_, auditor) = make_user(&s, "aud", &["auditor"], &[(&org, &[])]);
    let (_, org_auditor) = make_user(
        &s,
        "oaud",
        &[],
        &[(&acme, &["organization-auditor"]), (&org, &[])],
    );
    let (_, org_admin) = make_user(&s, "oadm", &[], &[(&acme, &["organization-admin"])]);
    let (_, member) = make_user(&s, "mem", &[], &[(&org, &[])]);
    let (_, user_admin) = make_user(
        &s,
        "uadm",
        &["user-admin", "template-admin"],
        &[(&org, &[])],
    );
    let in_acme: Vec<String> = (0..3)
        .map(|i| {
            insert(
                &s,
                Row {
                    time: 1_000 + i,
                    org: &acme,
                    target: "acme-row",
                    ..Row::default()
                },
            )
        })
        .collect();
    insert(
        &s,
        Row {
            org: &org,
            target: "default-row",
            ..Row::default()
        },
    );
    insert(
        &s,
        Row {
            target: "site-row",
            ..Row::default()
        },
    );
    let total = count_rows(&s, "1=1");

    for c in [&owner, &auditor] {
        let r = audit(c, "", "").expect(200);
        assert_eq!(r.body["count"], total);
    }
    for c in [&org_auditor, &org_admin] {
        let r = audit(c, "", "").expect(200);
        assert_eq!(r.body["count"], 3, "only acme rows: {}", r.text);
        let mut got = ids(&r);
        got.sort();
        let mut want = in_acme.clone();
        want.sort();
        assert_eq!(got, want);
        assert!(logs(&r).iter().all(|l| l["organization"]["name"] == "acme"));
        // Filtering on another organization finds nothing; an invisible cursor is refused.
        let r = audit(c, &format!("organization:{org}"), "").expect(200);
        assert_eq!(r.body["count"], 0);
        assert_eq!(r.body["audit_logs"], json!([]));
        let site_row: String = s
            .sqlite()
            .query_row(
                "SELECT id FROM audit_logs WHERE resource_target = 'site-row'",
                [],
                |r| r.get(0),
            )
            .expect("row");
        audit(c, "", &format!("&after_id={site_row}")).expect(400);
        // Export sees the same rows.
        let r = c.get("/api/v2/audit/export?format=ndjson").expect(200);
        assert_eq!(r.text.lines().count(), 3);
    }
    for c in [&member, &user_admin] {
        let r = audit(c, "", "").expect(403);
        assert_eq!(r.message(), "Forbidden.");
        assert_eq!(
            r.body["detail"],
            "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials."
        );
        c.get("/api/v2/audit/export").expect(403);
        c.post("/api/v2/audit/testgenerate", json!({})).expect(403);
        // 403 comes before 400.
        audit(c, "action:bogus", "&limit=-1").expect(403);
    }
    let r = s.client().get("/api/v2/audit").expect(401);
    assert_eq!(
        r.body["detail"],
        "Cookie \"coder_session_token\" or query parameter must be provided."
    );
    auditor
        .post("/api/v2/audit/testgenerate", json!({}))
        .expect(403);
    org_auditor
        .post("/api/v2/audit/testgenerate", json!({}))
        .expect(403);
}

// ---------------------------------------------------------------- testgenerate ---

#[test]
fn testgenerate_inserts_one_row() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&s);
    let rid = uuid::Uuid::new_v4().to_string();
    let req = uuid::Uuid::new_v4().to_string();
    let r = owner.post(
        "/api/v2/audit/testgenerate",
        json!({"action": "create", "resource_type": "workspace", "resource_id": rid,
               "time": "2024-03-04T05:06:07.5Z", "organization_id": org, "request_id": req,
               "additional_fields": {"workspace_owner": "x"}, "build_reason": "cli"}),
    );
    r.expect(204);
    let r = audit(&owner, &format!("resource_id:{rid}"), "").expect(200);
    let row = &logs(&r)[0];
    assert_eq!(row["time"], "2024-03-04T05:06:07.5Z");
    assert_eq!(row["action"], "create");
    assert_eq!(row["resource_type"], "workspace");
    assert_eq!(row["resource_target"], OWNER_USERNAME);
    assert_eq!(row["request_id"], req);
    assert_eq!(row["organization"]["name"], "coder");
    assert_eq!(row["organization"]["display_name"], "Coder");
    assert_eq!(
        row["diff"],
        json!({"foo": {"old": "bar", "new": "baz", "secret": false}})
    );
    assert_eq!(row["additional_fields"], json!({"workspace_owner": "x"}));
    assert_eq!(row["is_deleted"], true, "no such workspace");
    assert_eq!(row["resource_link"], "");
    assert_eq!(
        audit(&owner, "build_reason:cli", "").expect(200).body["count"],
        1
    );
    // Defaults: write / user / random id / now / request id nil.
    owner
        .post("/api/v2/audit/testgenerate", json!({}))
        .expect(204);
    let r = audit(&owner, "action:write resource_type:user", "").expect(200);
    let row = &logs(&r)[0];
    assert_eq!(row["request_id"], NIL);
    assert_eq!(row["additional_fields"], json!({}));
    assert_eq!(row["description"], "{user} updated user {target}");
    let r = owner
        .raw(
            "POST",
            "/api/v2/audit/testgenerate",
            Some(b"{nope".to_vec()),
            &[],
        )
        .expect(400);
    assert_eq!(r.message(), "Request body must be valid JSON.");
    owner
        .post("/api/v2/audit/testgenerate", json!({"action": "dance"}))
        .expect(400);
}

// ---------------------------------------------------------------- row shape ---

#[test]
fn rows_are_built_like_coder() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&s);
    let (amy, _) = make_user(&s, "amy", &[], &[(&org, &[])]);
    let db = s.sqlite();
    let ws = uuid::Uuid::new_v4().to_string();
    let gone_ws = uuid::Uuid::new_v4().to_string();
    let build = uuid::Uuid::new_v4().to_string();
    let ai_build = uuid::Uuid::new_v4().to_string();
    db.execute(
        "INSERT INTO workspaces (id, owner_id, organization_id, name, deleted, created_at, updated_at, last_used_at) \
         VALUES (?1, ?2, ?3, 'dev', 0, 1, 1, 1), (?4, ?2, ?3, 'old', 1, 1, 1, 1)",
        params![ws, amy, org, gone_ws],
    )
    .expect("workspaces");
    db.execute(
        "INSERT INTO workspace_builds (id, workspace_id, build_number, transition, initiator_id, reason, has_ai_task, job_id, created_at, updated_at) \
         VALUES (?1, ?2, 7, 'start', ?3, 'cli', 0, ?1, 1, 1), (?4, ?2, 8, 'start', ?3, 'cli', 1, ?4, 1, 1)",
        params![build, ws, amy, ai_build],
    )
    .expect("builds");
    let fields = r#"{"workspace_name":"dev","build_number":"7","build_reason":"cli","workspace_owner":"amy","workspace_id":"00000000-0000-0000-0000-000000000000"}"#;
    let t = |n: i64| 1_650_000_000_000_000 + n;
    insert(
        &s,
        Row {
            time: t(1),
            user_id: &amy,
            org: &org,
            resource_type: "workspace",
            resource_id: &ws,
            target: "dev",
            action: "create",
            ..Row::default()
        },
    );
    insert(
        &s,
        Row {
            time: t(2),
            user_id: &amy,
            org: &org,
            resource_type: "workspace",
            resource_id: &gone_ws,
            target: "old",
            action: "delete",
            ..Row::default()
        },
    );
    insert(
        &s,
        Row {
            time: t(3),
            user_id: &amy,
            org: &org,
            resource_type: "workspace_build",
            resource_id: &build,
            target: "dev",
            action: "start",
            additional: fields,
            build_reason: Some("cli"),
            ..Row::default()
        },
    );
    insert(
        &s,
        Row {
            time: t(4),
            user_id: &amy,
            resource_type: "user",
            resource_id: NIL,
            target: "ghost",
            action: "delete",
            status: 500,
            additional: r#"{"build_number": 3}"#,
            diff: "not json",
            ip: Some("10.0.0.9/32"),
            ..Row::default()
        },
    );
    let unknown_user = uuid::Uuid::new_v4().to_string();
    insert(
        &s,
        Row {
            time: t(5),
            user_id: &unknown_user,
            org: &new_org(&s, "zeta"),
            resource_type: "git_ssh_key",
            action: "create",
            ..Row::default()
        },
    );
    let r = audit(&owner, "", "&limit=20").expect(200);
    let mut rows = logs(&r);
    // Only keep the fixture rows (oldest-first for readability).
    rows.retain(|l| l["time"].as_str().is_some_and(|t| t.starts_with("2022")));
    rows.reverse();
    assert_eq!(rows.len(), 5, "{}", r.text);
    assert_eq!(rows[0]["is_deleted"], false);
    assert_eq!(rows[0]["resource_link"], "/@amy/dev");
    assert_eq!(rows[0]["user"]["username"], "amy");
    assert_eq!(
        rows[0]["user"]["has_ai_seat"], true,
        "amy owns a workspace with an AI build"
    );
    assert_eq!(rows[0]["organization"]["id"], org);
    assert_eq!(rows[1]["is_deleted"], true);
    assert_eq!(rows[1]["resource_link"], "");
    assert_eq!(rows[1]["description"], "{user} deleted workspace {target}");
    assert_eq!(rows[2]["is_deleted"], false);
    assert_eq!(rows[2]["resource_link"], "/@amy/dev/builds/7");
    assert_eq!(rows[2]["description"], "{user} started workspace {target}");
    assert_eq!(rows[2]["additional_fields"]["build_number"], "7");
    assert_eq!(rows[3]["is_deleted"], true, "no such user");
    assert_eq!(rows[3]["diff"], json!({}));
    assert_eq!(rows[3]["ip"], "10.0.0.9");
    assert_eq!(rows[3]["user_agent"], "");
    assert_eq!(rows[3]["additional_fields"]["build_number"], "unknown");
    assert_eq!(rows[3]["additional_fields"]["workspace_owner"], "unknown");
    assert_eq!(
        rows[3]["description"],
        "{user} unsuccessfully attempted to delete user {target}"
    );
    assert!(rows[3].get("organization").is_none());
    assert_eq!(rows[4]["user"], Value::Null, "unknown user");
    assert_eq!(rows[4]["organization"]["name"], "zeta");
    assert_eq!(rows[4]["organization"]["icon"], "/icon/x.svg");
    assert_eq!(rows[4]["description"], "{user} created the git ssh key");
    // The owner's login row embeds the full user object.
    let me = &logs(&audit(&owner, "action:login username:me", "").expect(200))[0];
    for key in [
        "id",
        "username",
        "email",
        "created_at",
        "updated_at",
        "last_seen_at",
        "status",
        "login_type",
        "is_service_account",
        "organization_ids",
        "roles",
        "has_ai_seat",
    ] {
        assert!(
            me["user"].get(key).is_some(),
            "user.{key} missing: {}",
            me["user"]
        );
    }
}

#[test]
fn count_cap_like_coder_when_configured() {
    let s = TestServer::start_with(|c| c.audit_count_cap = 3);
    let owner = s.owner();
    for i in 0..6 {
        insert(
            &s,
            Row {
                time: i,
                target: "capped",
                ..Row::default()
            },
        );
    }
    let r = audit(&owner, "resource_target:capped", "&limit=2").expect(200);
    assert_eq!(r.body["count"], 4, "cap + 1");
    assert_eq!(r.body["count_cap"], 3);
    assert_eq!(logs(&r).len(), 2);
    let r = audit(&owner, "resource_target:none", "").expect(200);
    assert_eq!(r.text, "{\"audit_logs\":[],\"count\":0,\"count_cap\":3}\n");
}

// ---------------------------------------------------------------- export ---

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|r| r.expect("csv record").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn export_matches_the_api() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&s);
    // More than one export chunk (1000 rows), with awkward characters.
    let tx_db = s.sqlite();
    tx_db.execute_batch("BEGIN").expect("begin");
    for i in 0..1203 {
        let id = uuid::Uuid::new_v4().to_string();
        tx_db
            .execute(
                "INSERT INTO audit_logs (id, time, user_id, organization_id, resource_type, resource_id, \
                 resource_target, action, diff, status_code, additional_fields, request_id) \
                 VALUES (?1, ?2, ?3, ?4, 'workspace', ?5, ?6, 'write', '{\"name\":{\"old\":\"a\",\"new\":\"b\",\"secret\":false}}', 200, '{}', ?3)",
                params![id, 1_000_000 + i / 3, NIL, org, NIL, format!("ws \"{i}\", <x>\nline")],
            )
            .expect("row");
    }
    tx_db.execute_batch("COMMIT").expect("commit");
    let api = audit(&owner, "organization:coder", "&limit=5000").expect(200);
    let api_rows = logs(&api);
    assert_eq!(api_rows.len(), 1203);
    assert_eq!(api.body["count"], 1203);
    // Pages above one chunk are streamed: same rows as small pages, offset and cursor kept.
    let all_ids = ids(&api);
    let mut small = Vec::new();
    for off in (0..1203).step_by(400) {
        small.extend(ids(&audit(
            &owner,
            "organization:coder",
            &format!("&limit=400&offset={off}"),
        )
        .expect(200)));
    }
    assert_eq!(small, all_ids);
    let r = audit(&owner, "organization:coder", "&limit=1500&offset=100").expect(200);
    assert_eq!(ids(&r), all_ids[100..].to_vec());
    assert_eq!(r.body["count_cap"], 0);
    let r = audit(
        &owner,
        "organization:coder",
        &format!("&limit=1001&after_id={}", all_ids[10]),
    )
    .expect(200);
    assert_eq!(ids(&r), all_ids[11..1012].to_vec());
    let r = audit(&owner, "action:stop", "&limit=2000").expect(200);
    assert_eq!(r.text, "{\"audit_logs\":[],\"count\":0,\"count_cap\":0}\n");

    let r = owner
        .get("/api/v2/audit/export?q=organization:coder&format=ndjson")
        .expect(200);
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let cd = r.header("content-disposition").unwrap_or("");
    assert!(
        cd.starts_with("attachment; filename=\"audit-logs-") && cd.ends_with(".ndjson\""),
        "{cd}"
    );
    let nd: Vec<Value> = r
        .text
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson line"))
        .collect();
    assert_eq!(nd, api_rows);

    let r = owner
        .get("/api/v2/audit/export?q=organization:coder")
        .expect(200);
    assert!(r
        .header("content-disposition")
        .unwrap_or("")
        .ends_with(".csv\""));
    let mut rdr = csv::Reader::from_reader(r.text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[0], "id");
    assert_eq!(header.last().map(String::as_str), Some("user"));
    let rows = csv_rows(&r.text);
    assert_eq!(rows.len(), api_rows.len());
    for (row, api_row) in rows.iter().zip(&api_rows) {
        for (i, col) in header.iter().enumerate() {
            let v = &api_row[col.as_str()];
            let want = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                other => other.to_string(),
            };
            let got = &row[i];
            if matches!(v, Value::Object(_)) {
                let parsed: Value = serde_json::from_str(got).expect("json cell");
                assert_eq!(&parsed, v, "column {col}");
            } else {
                assert_eq!(got, &want, "column {col}");
            }
        }
    }
    // Empty result: header only.
    let r = owner.get("/api/v2/audit/export?q=action:stop").expect(200);
    assert_eq!(csv_rows(&r.text).len(), 0);
    assert!(r.text.starts_with("id,request_id,time"));
    let r = owner.get("/api/v2/audit/export?format=xml").expect(400);
    assert_eq!(r.body["validations"][0]["field"], "format");
    let r = owner.get("/api/v2/audit/export?q=action:bogus").expect(400);
    assert_eq!(r.message(), "Invalid audit search query.");
}

// ---------------------------------------------------------------- mutations ---

/// Runs `op` and returns the audit rows it added (newest first); asserts how many.
fn rows_added(owner: &Client, expected: usize, op: impl FnOnce()) -> Vec<Value> {
    let before = audit(owner, "", "&limit=1").expect(200).body["count"]
        .as_i64()
        .unwrap_or(0);
    op();
    let r = audit(owner, "", &format!("&limit={}", expected + 1)).expect(200);
    let after = r.body["count"].as_i64().unwrap_or(0);
    assert_eq!(
        after - before,
        expected as i64,
        "new audit rows: {}",
        r.text
    );
    logs(&r).into_iter().take(expected).collect()
}

#[test]
fn every_mutation_writes_exactly_its_rows() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&s);

    // users: create, profile, suspend, roles, delete.
    let mut uid = String::new();
    let rows = rows_added(&owner, 1, || {
        let r = owner
            .post(
                "/api/v2/users",
                json!({"email": "kim@example.com", "username": "kim", "password": PASSWORD,
                       "organization_ids": [org], "login_type": "password"}),
            )
            .expect(201);
        uid = r.body["id"].as_str().unwrap_or("").to_string();
    });
    let row = &rows[0];
    assert_eq!(
        (row["action"].as_str(), row["resource_type"].as_str()),
        (Some("create"), Some("user"))
    );
    assert_eq!(row["resource_id"], uid.as_str());
    assert_eq!(row["resource_target"], "kim");
    assert_eq!(row["description"], "{user} created user {target}");
    assert_eq!(row["diff"]["email"]["new"], "kim@example.com");
    assert_eq!(row["diff"]["hashed_password"]["secret"], true);
    assert!(!row["diff"].to_string().contains("argon2"));
    assert_eq!(row["user"]["username"], OWNER_USERNAME);

    let rows = rows_added(&owner, 1, || {
        owner
            .put(
                &format!("/api/v2/users/{uid}/profile"),
                json!({"username": "kim", "name": "Kim K"}),
            )
            .expect(200);
    });
    assert_eq!(rows[0]["action"], "write");
    assert_eq!(rows[0]["diff"]["name"]["new"], "Kim K");
    assert_eq!(rows[0]["description"], "{user} updated user {target}");

    let rows = rows_added(&owner, 1, || {
        owner
            .put(&format!("/api/v2/users/{uid}/status/suspend"), json!({}))
            .expect(200);
    });
    assert_eq!(rows[0]["diff"]["status"]["new"], "suspended");

    let rows = rows_added(&owner, 1, || {
        owner
            .put(
                &format!("/api/v2/users/{uid}/roles"),
                json!({"roles": ["auditor"]}),
            )
            .expect(200);
    });
    assert_eq!(rows[0]["diff"]["rbac_roles"]["new"], json!(["auditor"]));

    // A refused change: recorded with its status, nothing changed.
    let mut status = 0;
    let rows = rows_added(&owner, 1, || {
        status = owner
            .put(
                &format!("/api/v2/users/{uid}/roles"),
                json!({"roles": ["no-such-role"]}),
            )
            .status;
    });
    assert!(status >= 400);
    assert_eq!(rows[0]["status_code"], status);
    assert_eq!(rows[0]["diff"], json!({}));
    assert_eq!(
        rows[0]["description"],
        "{user} unsuccessfully attempted to write user {target}"
    );
    let roles: String = s
        .sqlite()
        .query_row(
            "SELECT rbac_roles FROM users WHERE id = ?1",
            params![uid],
            |r| r.get(0),
        )
        .expect("roles");
    assert_eq!(roles, "[\"auditor\"]");

    // Organizations and members.
    let mut org_id = String::new();
    let rows = rows_added(&owner, 1, || {
        let r = owner
            .post(
                "/api/v2/organizations",
                json!({"name": "acme", "display_name": "Acme"}),
            )
            .expect(201);
        org_id = r.body["id"].as_str().unwrap_or("").to_string();
    });
    assert_eq!(
        (
            rows[0]["action"].as_str(),
            rows[0]["resource_type"].as_str()
        ),
        (Some("create"), Some("organization"))
    );
    assert_eq!(rows[0]["resource_target"], "acme");
    assert_eq!(rows[0]["organization"]["name"], "acme");
    let rows = rows_added(&owner, 1, || {
        owner
            .patch(
                &format!("/api/v2/organizations/{org_id}"),
                json!({"display_name": "Acme Inc"}),
            )
            .expect(200);
    });
    assert_eq!(rows[0]["diff"]["display_name"]["new"], "Acme Inc");
    let rows = rows_added(&owner, 1, || {
        owner
            .post(
                &format!("/api/v2/organizations/{org_id}/members/{uid}"),
                json!({}),
            )
            .expect(200);
    });
    assert_eq!(rows[0]["resource_type"], "organization_member");
    assert_eq!(
        rows[0]["description"],
        "{user} created organization member {target}"
    );
    let rows = rows_added(&owner, 1, || {
        owner
            .put(
                &format!("/api/v2/organizations/{org_id}/members/{uid}/roles"),
                json!({"roles": ["organization-auditor"]}),
            )
            .expect(200);
    });
    assert_eq!(rows[0]["action"], "write");
    assert!(rows[0]["diff"]["roles"].is_object(), "{}", rows[0]);
    let rows = rows_added(&owner, 1, || {
        owner
            .delete(&format!("/api/v2/organizations/{org_id}/members/{uid}"))
            .expect(204);
    });
    assert_eq!(rows[0]["action"], "delete");
    let rows = rows_added(&owner, 1, || {
        owner
            .delete(&format!("/api/v2/organizations/{org_id}"))
            .expect(200);
    });
    assert_eq!(rows[0]["action"], "delete");
    assert_eq!(rows[0]["resource_type"], "organization");

    // Tokens: create and delete, named targets, no secret anywhere.
    let mut token = String::new();
    let rows = rows_added(&owner, 1, || {
        let r = owner
            .post("/api/v2/users/me/keys/tokens", json!({"token_name": "ci"}))
            .expect(201);
        token = r.body["key"].as_str().unwrap_or("").to_string();
    });
    assert_eq!(rows[0]["resource_type"], "api_key");
    assert_eq!(rows[0]["resource_target"], "ci");
    assert_eq!(rows[0]["description"], "{user} created token {target}");
    let secret = token.split('-').nth(1).unwrap_or("none");
    assert!(!rows[0].to_string().contains(secret));
    let key_id = token.split('-').next().unwrap_or("").to_string();
    rows_added(&owner, 1, || {
        owner
            .delete(&format!("/api/v2/users/me/keys/{key_id}"))
            .expect(204);
    });

    // Workspaces: create writes the workspace row and its first build's row.
    let rows = rows_added(&owner, 2, || {
        owner
            .post(
                "/api/v2/organizations/default/members/me/workspaces",
                json!({"name": "dev"}),
            )
            .expect(201);
    });
    let pick = |t: &str| {
        rows.iter()
            .find(|r| r["resource_type"] == t)
            .cloned()
            .unwrap_or_default()
    };
    let (build, ws) = (&pick("workspace_build"), &pick("workspace"));
    assert_eq!(ws["resource_type"], "workspace");
    assert_eq!(ws["description"], "{user} created workspace {target}");
    assert_eq!(ws["resource_link"], format!("/@{OWNER_USERNAME}/dev"));
    assert_eq!(build["resource_type"], "workspace_build");
    assert_eq!(build["description"], "{user} started workspace {target}");
    assert_eq!(
        build["resource_link"],
        format!("/@{OWNER_USERNAME}/dev/builds/1")
    );
    assert_eq!(build["additional_fields"]["build_reason"], "initiator");
    assert_eq!(
        audit(&owner, "build_reason:initiator", "").expect(200).body["count"],
        2
    );

    // User delete last: the earlier rows now show the user as deleted.
    let rows = rows_added(&owner, 1, || {
        owner.delete(&format!("/api/v2/users/{uid}")).expect(200);
    });
    assert_eq!(rows[0]["action"], "delete");
    assert_eq!(rows[0]["is_deleted"], true);
    assert_eq!(rows[0]["resource_link"], "");
}
