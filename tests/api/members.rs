//! Organization members: list (deprecated and paginated), read, add, remove, roles; errors,
//! audit rows, has_ai_seat and a permission matrix.

use crate::common::*;
use crate::dbfix::{default_org_id, insert_user};
use crate::orgs::{world, World};
use serde_json::{json, Value};

const NOT_FOUND: &str = "Resource not found or you do not have access to this resource";

fn names(body: &Value) -> Vec<String> {
    let list = body.get("members").unwrap_or(body);
    list.as_array()
        .expect("array")
        .iter()
        .map(|m| m["username"].as_str().expect("username").to_string())
        .collect()
}

fn audit_statuses(s: &TestServer, action: &str) -> Vec<(i64, String)> {
    let db = s.db();
    let mut stmt = db
        .prepare(
            "SELECT status_code, diff FROM audit_logs WHERE resource_type = 'organization_member' \
             AND action = ?1 ORDER BY seq",
        )
        .expect("prepare");
    let rows = stmt
        .query_map(coderlite::params![action], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

#[test]
fn member_lifecycle_and_shape() {
    let w = world();
    let (member_id, _) = w.user("member");
    let list = w
        .owner
        .get("/api/v2/organizations/default/members")
        .expect(200);
    assert_eq!(
        names(&list.body),
        [
            "admin",
            "auditor",
            "member",
            "orgadmin",
            "orguseradmin",
            "useradmin"
        ]
    );
    let admin = &list.body[0];
    for key in [
        "user_id",
        "organization_id",
        "created_at",
        "updated_at",
        "roles",
        "username",
        "email",
        "global_roles",
        "has_ai_seat",
        "user_created_at",
        "user_updated_at",
        "last_seen_at",
        "status",
        "login_type",
    ] {
        assert!(admin.get(key).is_some(), "missing {key}: {admin}");
    }
    assert_eq!(admin["name"], "Admin");
    assert_eq!(admin["has_ai_seat"], false);
    assert_eq!(admin["organization_id"], w.default_org.as_str());
    assert_eq!(
        admin["global_roles"],
        json!([{"name": "owner", "display_name": "Owner"}])
    );
    assert!(
        admin.get("is_service_account").is_none(),
        "omitempty like Go"
    );

    // Single member by username, UUID and `me`.
    let r = w
        .owner
        .get(&format!(
            "/api/v2/organizations/default/members/{member_id}"
        ))
        .expect(200);
    assert_eq!(r.body["username"], "member");
    w.owner
        .get("/api/v2/organizations/default/members/MEMBER")
        .expect(200);
    let r = w
        .owner
        .get("/api/v2/organizations/default/members/me")
        .expect(200);
    assert_eq!(r.body["user_id"], w.owner_id.as_str());

    // Add to `other`, change roles (duplicates removed), remove.
    let other = format!("/api/v2/organizations/{}/members/member", w.other_org);
    let r = w.owner.post(&other, json!({})).expect(200);
    assert_eq!(r.body["roles"], json!([]));
    assert_eq!(r.body["user_id"], member_id);
    assert!(
        r.body.get("username").is_none(),
        "POST answers OrganizationMember"
    );
    let r = w
        .owner
        .put(
            &format!("{other}/roles"),
            json!({"roles": ["organization-auditor", "organization-auditor"]}),
        )
        .expect(200);
    assert_eq!(
        r.body["roles"],
        json!([{"name": "organization-auditor", "display_name": "Organization Auditor",
                "organization_id": w.other_org}])
    );
    let r = w.owner.delete(&other).expect(204);
    assert!(r.text.is_empty());
    w.owner.get(&other).expect(404);

    let created = audit_statuses(&w.server, "create");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].0, 200);
    let diff: Value = serde_json::from_str(&created[0].1).expect("diff");
    assert_eq!(diff["username"]["new"], "member");
    assert!(
        diff.get("roles").is_none(),
        "no roles on either side: {diff}"
    );
    assert!(diff.get("organization_id").is_none(), "ignored field");
    let written = audit_statuses(&w.server, "write");
    let diff: Value = serde_json::from_str(&written[0].1).expect("diff");
    assert_eq!(diff["roles"]["new"], json!(["organization-auditor"]));
    assert!(diff["roles"].get("old").is_none(), "empty old list omitted");
    assert_eq!(audit_statuses(&w.server, "delete")[0].0, 204);
    let target: String = w
        .server
        .db()
        .query_row(
            "SELECT resource_target FROM audit_logs WHERE resource_type = 'organization_member' \
             AND action = 'delete'",
            coderlite::params![],
            |r| r.get(0),
        )
        .expect("target");
    assert_eq!(target, "member");
}

#[test]
fn has_ai_seat_on_members() {
    let w = world();
    let (member_id, _) = w.user("member");
    w.server
        .db()
        .execute(
            "INSERT INTO aibridge_interceptions (id, initiator_id, provider, model, started_at) \
             VALUES ('6b0e7c1e-5f53-4d4f-9d0b-3f1f5b0d6c01', ?1, 'anthropic', 'claude', 0)",
            coderlite::params![member_id],
        )
        .expect("interception");
    let seat = |body: &Value| -> Vec<(String, bool)> {
        body.get("members")
            .unwrap_or(body)
            .as_array()
            .expect("array")
            .iter()
            .map(|m| {
                (
                    m["username"].as_str().expect("u").to_string(),
                    m["has_ai_seat"].as_bool().expect("always present"),
                )
            })
            .collect()
    };
    for path in [
        "/api/v2/organizations/default/members",
        "/api/v2/organizations/default/paginated-members",
    ] {
        let r = w.owner.get(path).expect(200);
        for (name, has) in seat(&r.body) {
            assert_eq!(has, name == "member", "{path} {name}");
        }
    }
    let r = w
        .owner
        .get("/api/v2/organizations/default/members/member")
        .expect(200);
    assert_eq!(r.body["has_ai_seat"], true);
}

#[test]
fn member_errors() {
    let w = world();
    let org = &w.other_org;
    let r = w
        .owner
        .post("/api/v2/organizations/default/members/member", json!({}))
        .expect(400);
    assert_eq!(r.message(), "User is already an organization member");
    assert_eq!(r.body["detail"], "member is already a member of Coder");
    let r = w
        .owner
        .delete("/api/v2/organizations/default/members/me")
        .expect(400);
    assert_eq!(r.message(), "cannot remove self from an organization");
    let r = w
        .owner
        .put(
            "/api/v2/organizations/default/members/admin/roles",
            json!({"roles": []}),
        )
        .expect(400);
    assert_eq!(
        r.message(),
        "You cannot change your own organization roles."
    );
    assert_eq!(
        r.body["detail"],
        "Another user with the appropriate permissions must change your roles."
    );
    let roles = "/api/v2/organizations/default/members/member/roles";
    let r = w.owner.put(roles, json!({"roles": ["owner"]})).expect(400);
    assert_eq!(
        r.message(),
        format!("\"owner:{}\" is not a supported role", w.default_org)
    );
    let r = w
        .owner
        .put(
            roles,
            json!({"roles": [format!("organization-admin:{org}")]}),
        )
        .expect(400);
    assert_eq!(
        r.message(),
        format!("attempt to assign a role \"organization-admin:{org}\", remove the ':<organization_id> suffix")
    );
    let r = w.owner.put(roles, json!({"roles": "x"})).expect(400);
    assert_eq!(r.message(), "Request body must be valid JSON.");
    let (_, useradmin) = w.user("useradmin");
    let r = useradmin
        .put(roles, json!({"roles": ["organization-admin"]}))
        .expect(400);
    assert_eq!(
        r.message(),
        format!(
            "not authorized to assign role \"organization-admin:{}\"",
            w.default_org
        )
    );
    let (_, auditor) = w.user("auditor");
    let r = auditor.put(roles, json!({"roles": []})).expect(403);
    assert_eq!(r.message(), "Forbidden.");

    // Unknown user, organization, membership.
    for user in [
        "ghost",
        "not-a-uuid",
        "3e0c6f4a-0f1e-4b8e-8f5d-2f0a9b7c6d55",
    ] {
        let r = w
            .owner
            .get(&format!("/api/v2/organizations/default/members/{user}"))
            .expect(400);
        assert_eq!(
            r.message(),
            "\"user\" must be an existing uuid or username."
        );
        assert_eq!(r.body["detail"], format!("queried user={user:?}"));
        w.owner
            .post(
                &format!("/api/v2/organizations/default/members/{user}"),
                json!({}),
            )
            .expect(400);
    }
    let r = w
        .owner
        .get("/api/v2/organizations/nope/members")
        .expect(404);
    assert_eq!(r.message(), "Organization \"nope\" not found.");
    w.owner
        .get("/api/v2/organizations/nope/paginated-members")
        .expect(404);
    w.owner
        .delete("/api/v2/organizations/nope/members/member")
        .expect(404);
    let r = w
        .owner
        .get(&format!("/api/v2/organizations/{org}/members/member"))
        .expect(404);
    assert_eq!(r.message(), NOT_FOUND);
    w.owner
        .put(
            &format!("/api/v2/organizations/{org}/members/member/roles"),
            json!({"roles": []}),
        )
        .expect(404);

    // Audit: failed changes to an existing membership are recorded, failed adds are not.
    let writes: Vec<i64> = audit_statuses(&w.server, "write")
        .iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(writes, vec![400, 400, 400, 400, 400, 403]);
    assert_eq!(
        audit_statuses(&w.server, "delete")
            .iter()
            .map(|r| r.0)
            .collect::<Vec<_>>(),
        vec![400]
    );
    assert!(audit_statuses(&w.server, "create").is_empty());
}

#[test]
fn deprecated_list_search() {
    let w = world();
    let (member_id, _) = w.user("member");
    let base = "/api/v2/organizations/default/members";
    let db = w.server.db();
    db.execute(
        "UPDATE users SET github_com_user_id = 4242 WHERE username = 'auditor'",
        coderlite::params![],
    )
    .expect("gh");
    db.execute(
        "INSERT INTO users (id, email, username, is_system, status, login_type, created_at, \
         updated_at) VALUES ('c42fa6a0-8a4b-4f4e-bd0c-6a9d3b0c2e10', '', 'prebuilds', 1, \
         'active', 'none', 0, 0)",
        coderlite::params![],
    )
    .expect("system user");
    db.execute(
        "INSERT INTO organization_members (organization_id, user_id, roles, created_at, \
         updated_at) VALUES (?1, 'c42fa6a0-8a4b-4f4e-bd0c-6a9d3b0c2e10', '[]', 0, 0)",
        coderlite::params![w.default_org],
    )
    .expect("system member");
    let count = |q: &str| {
        let r = w.owner.get(&format!("{base}?q={q}")).expect(200);
        r.body.as_array().map(Vec::len).expect("array")
    };
    assert_eq!(count(""), 6);
    assert_eq!(count(&format!("user_id:{member_id}")), 1);
    assert_eq!(count("include_system:true"), 7);
    assert_eq!(count("include_system:True"), 7);
    assert_eq!(count("github_user_id:4242"), 1);
    assert_eq!(count("user_id"), 6, "a bare key resets that key");
    let bad = |q: &str| w.owner.get(&format!("{base}?q={q}")).expect(400);
    let r = bad("Bogus");
    assert_eq!(r.message(), "Invalid organization member search query.");
    assert_eq!(
        r.body["validations"],
        json!([{"field": "q", "detail": "invalid search term: Bogus"}])
    );
    let r = bad("user_id:nope");
    assert_eq!(r.body["validations"][0]["field"], "user_id");
    let r = bad("include_system:maybe");
    assert_eq!(r.body["validations"][0]["field"], "include_system");
    let r = bad("github_user_id:x");
    assert_eq!(r.body["validations"][0]["field"], "github_user_id");
    let r = bad("name:x");
    assert_eq!(
        r.body["validations"][0]["detail"],
        "\"name\" is not a valid query param"
    );
    let r = bad("a:b:c");
    assert_eq!(
        r.body["validations"][0]["detail"],
        "Query element \"a:b:c\" can only contain 1 ':'"
    );
    // The system member never shows in the single-member route.
    w.owner
        .get("/api/v2/organizations/default/members/prebuilds")
        .expect(404);
}

#[test]
fn paginated_members() {
    let w = world();
    let (auditor_id, _) = w.user("auditor");
    let base = "/api/v2/organizations/default/paginated-members";
    let page = |qs: &str| w.owner.get(&format!("{base}?{qs}")).expect(200).body;
    let all = page("");
    assert_eq!(all["count"], 6);
    assert_eq!(
        names(&all),
        [
            "admin",
            "auditor",
            "member",
            "orgadmin",
            "orguseradmin",
            "useradmin"
        ]
    );
    assert_eq!(page("limit=0")["count"], 6);
    let p = page("limit=2");
    assert_eq!(names(&p), ["admin", "auditor"]);
    assert_eq!(p["count"], 6);
    assert_eq!(names(&page("limit=2&offset=2")), ["member", "orgadmin"]);
    let p = page(&format!("after_id={auditor_id}&limit=2"));
    assert_eq!(names(&p), ["member", "orgadmin"]);
    assert_eq!(p["count"], 4);
    let p = page("offset=100");
    assert_eq!(p, json!({"members": [], "count": 0}));
    // q uses the users search language.
    let p = page("q=role:auditor");
    assert_eq!(names(&p), ["auditor"]);
    assert_eq!(p["count"], 1);
    assert_eq!(page("q=status:active")["count"], 6);
    assert_eq!(names(&page("q=orguser")), ["orguseradmin"]);
    assert_eq!(names(&page("q=username:MEMBER")), ["member"]);
    let r = w.owner.get(&format!("{base}?q=bogus:x")).expect(400);
    assert_eq!(r.message(), "Invalid user search query.");
    let r = w.owner.get(&format!("{base}?limit=abc")).expect(400);
    assert_eq!(r.message(), "Query parameters have invalid values.");
    assert_eq!(r.body["validations"][0]["field"], "limit");
    w.owner.get(&format!("{base}?after_id=nope")).expect(400);
    w.owner.get(&format!("{base}?offset=-1")).expect(400);
    // Another organization has its own members.
    let r = w
        .owner
        .get(&format!(
            "/api/v2/organizations/{}/paginated-members",
            w.other_org
        ))
        .expect(200);
    assert_eq!(names(&r.body), ["admin", "orgadmin", "orguseradmin"]);
}

/// Seeds `target` (a plain member of the default org) and `outsider` (no memberships).
fn targets(w: &World) -> (String, String) {
    let target = insert_user(&w.server, "target", &[], &[(w.default_org.as_str(), &[])]);
    let outsider = insert_user(&w.server, "outsider", &[], &[]);
    (target, outsider)
}

#[test]
fn member_permission_matrix() {
    let w = world();
    let (target, outsider) = targets(&w);
    let d = "/api/v2/organizations/default";
    // (label, list rows, paginated, GET target, PUT target roles [], POST outsider, DELETE target)
    let expect: [(&str, usize, u16, u16, u16, u16, u16); 6] = [
        ("owner", 7, 200, 200, 200, 200, 204),
        ("useradmin", 7, 200, 200, 200, 200, 204),
        ("auditor", 7, 200, 200, 403, 404, 404),
        ("member", 1, 404, 404, 404, 400, 404),
        ("orgadmin", 1, 404, 404, 404, 404, 404),
        ("orguseradmin", 1, 404, 404, 404, 404, 404),
    ];
    let callers = w.callers();
    for (label, rows, paginated, get, put, post, delete) in expect {
        let c = callers
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, c)| *c)
            .expect("caller");
        let r = c.get(&format!("{d}/members")).expect(200);
        assert_eq!(r.body.as_array().map(Vec::len), Some(rows), "{label} list");
        let r = c.get(&format!("{d}/paginated-members"));
        assert_eq!(r.status, paginated, "{label} paginated");
        c.get(&format!("{d}/members/me")).expect(200);
        let r = c.get(&format!("{d}/members/{target}"));
        assert_eq!(r.status, get, "{label} GET target");
        let r = c.put(&format!("{d}/members/{target}/roles"), json!({"roles": []}));
        assert_eq!(r.status, put, "{label} PUT roles");
        let r = c.post(&format!("{d}/members/{outsider}"), json!({}));
        assert_eq!(r.status, post, "{label} POST");
        if post == 400 {
            assert_eq!(
                r.message(),
                "\"user\" must be an existing uuid or username."
            );
        } else if post == 404 {
            assert_eq!(r.message(), NOT_FOUND);
        }
        let r = c.delete(&format!("{d}/members/{target}"));
        assert_eq!(r.status, delete, "{label} DELETE");
        // Restore for the next caller.
        if post == 200 {
            w.owner
                .delete(&format!("{d}/members/{outsider}"))
                .expect(204);
        }
        if delete == 204 {
            w.owner
                .post(&format!("{d}/members/{target}"), json!({}))
                .expect(200);
        }
    }

    // In their own organization the organization admins manage members.
    let o = format!("/api/v2/organizations/{}", w.other_org);
    let (_, orgadmin) = w.user("orgadmin");
    let (_, oua) = w.user("orguseradmin");
    orgadmin
        .post(&format!("{o}/members/{outsider}"), json!({}))
        .expect(200);
    orgadmin
        .put(
            &format!("{o}/members/{outsider}/roles"),
            json!({"roles": ["organization-admin", "organization-template-admin"]}),
        )
        .expect(200);
    let r = oua
        .put(
            &format!("{o}/members/{outsider}/roles"),
            json!({"roles": []}),
        )
        .expect(400);
    assert!(r
        .message()
        .starts_with("not authorized to assign role \"organization-"));
    oua.get(&format!("{o}/paginated-members")).expect(200);
    orgadmin
        .put(
            &format!("{o}/members/{outsider}/roles"),
            json!({"roles": []}),
        )
        .expect(200);
    oua.put(
        &format!("{o}/members/{outsider}/roles"),
        json!({"roles": []}),
    )
    .expect(200);
    oua.delete(&format!("{o}/members/{outsider}")).expect(204);
    oua.post(&format!("{o}/members/{outsider}"), json!({}))
        .expect(200);
    let r = w.owner.anonymous().get(&format!("{d}/members"));
    assert_eq!(r.status, 401);
}

/// Member pages on each of the server's plans: the default organization (everyone is a
/// member: a users page), "big" (all but the owner: users walked, memberships probed) and
/// "small" (12 of 1,201 users: memberships sorted); deep offsets, `after_id`, searches;
/// pages and counts exact.
#[test]
fn deep_member_pages() {
    let s = TestServer::start();
    let owner = s.owner();
    let default_org = default_org_id(&s);
    let big = uuid::Uuid::new_v4().to_string();
    let small = uuid::Uuid::new_v4().to_string();
    let users: Vec<String> = (0..1200)
        .map(|i| {
            format!(
                "('00000000-0000-4000-8000-{i:012}', 'deep{i:04}@example.com', 'deep{i:04}', '', \
                 'active', 'password', '[]', 0, 0)"
            )
        })
        .collect();
    let users = users.join(", ");
    s.db()
        .execute_batch(&format!(
            "BEGIN;
             INSERT INTO organizations (id, name, created_at, updated_at)
                 VALUES ('{big}', 'big', 0, 0), ('{small}', 'small', 0, 0);
             INSERT INTO users (id, email, username, hashed_password, status, login_type,
                                rbac_roles, created_at, updated_at)
             VALUES {users};
             INSERT INTO organization_members (organization_id, user_id, roles, created_at, updated_at)
             SELECT o.id, u.id, '[]', 0, 0 FROM users u, organizations o
             WHERE u.username LIKE 'deep%' AND o.id IN ('{default_org}', '{big}');
             INSERT INTO organization_members (organization_id, user_id, roles, created_at, updated_at)
             SELECT '{small}', id, '[]', 0, 0 FROM users WHERE username LIKE 'deep__00';
             COMMIT;"
        ))
        .expect("seed 1,200 members");
    let deep = |from: usize, to: usize| -> Vec<String> {
        (from..to).map(|i| format!("deep{i:04}")).collect()
    };
    let page = |org: &str, qs: &str| {
        owner
            .get(&format!(
                "/api/v2/organizations/{org}/paginated-members?{qs}"
            ))
            .expect(200)
            .body
    };
    let check = |org: &str, qs: &str, want: Vec<String>, count: i64| {
        let p = page(org, qs);
        assert_eq!(names(&p), want, "{qs}");
        assert_eq!(p["count"], count, "{qs}");
    };
    // Default organization: "admin" then deep0000..deep1199, everyone a member.
    check("default", "limit=50&offset=1000", deep(999, 1049), 1201);
    check("default", "limit=50&offset=1180", deep(1179, 1200), 1201);
    check(
        "default",
        "limit=50&offset=1000&q=deep",
        deep(1000, 1050),
        1200,
    );
    let p = page("default", "limit=50&offset=1000&q=deep1");
    assert_eq!(
        p,
        json!({"members": [], "count": 0}),
        "200 matches: past the end"
    );
    // "big": the deep users only (the owner is not a member).
    check(&big, "limit=50&offset=1000", deep(1000, 1050), 1200);
    check(
        &big,
        "limit=10&offset=1000&q=status:active",
        deep(1000, 1010),
        1200,
    );
    // "small": deep0000, deep0100, ..., deep1100.
    let hundreds = |from: usize, to: usize| -> Vec<String> {
        (from..to).map(|i| format!("deep{:04}", i * 100)).collect()
    };
    check(&small, "limit=5", hundreds(0, 5), 12);
    check(&small, "limit=0", hundreds(0, 12), 12);
    check(&small, "limit=50&offset=10", hundreds(10, 12), 12);
    check(
        &small,
        "limit=3&after_id=00000000-0000-4000-8000-000000000500",
        hundreds(6, 9),
        6,
    );
    check(&small, "q=deep1", hundreds(10, 12), 2);
    check(&big, "limit=3", deep(0, 3), 1200);
    // A user leaving "big" (and one deleted) changes both counts at once.
    s.db()
        .execute_batch(&format!(
            "DELETE FROM organization_members WHERE organization_id = '{big}' AND user_id = \
             '00000000-0000-4000-8000-000000001010';
             UPDATE users SET deleted = 1 WHERE username = 'deep0005';"
        ))
        .expect("change");
    let left = ["deep1006", "deep1007", "deep1008", "deep1009", "deep1011"];
    check(
        &big,
        "limit=5&offset=1005",
        left.map(String::from).to_vec(),
        1198,
    );
    check("default", "limit=2&offset=1005", deep(1005, 1007), 1200);
}
