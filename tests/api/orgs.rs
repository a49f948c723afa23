//! Organizations: list, create, read, update, delete; errors, audit rows, permissions.
//! Also holds the role fixture (`World`) the members and roles tests share.

use crate::common::*;
use crate::dbfix::{insert_user, seed_user};
use serde_json::{json, Value};

/// A server with an owner, a second organization `other`, and one user per role. Every
/// user is a member of the default organization; `orgadmin` and `orguseradmin` hold their
/// admin role in `other` only (they are plain members of the default organization).
pub struct World {
    pub server: TestServer,
    pub owner: Client,
    pub owner_id: String,
    pub default_org: String,
    pub other_org: String,
    /// (label, user id, client) for: useradmin, auditor, member, orgadmin, orguseradmin.
    pub users: Vec<(&'static str, String, Client)>,
}

impl World {
    pub fn user(&self, label: &str) -> (&str, &Client) {
        let (_, id, c) = self
            .users
            .iter()
            .find(|(l, _, _)| *l == label)
            .expect("known label");
        (id.as_str(), c)
    }

    /// Every caller with its label, owner first.
    pub fn callers(&self) -> Vec<(&'static str, &Client)> {
        let mut v = vec![("owner", &self.owner)];
        v.extend(self.users.iter().map(|(l, _, c)| (*l, c)));
        v
    }
}

/// (label, site roles, memberships with their organization roles).
type UserSpec<'a> = (&'static str, &'a [&'a str], Vec<(&'a str, &'a [&'a str])>);

pub fn world() -> World {
    let server = TestServer::start();
    let owner = server.owner();
    let owner_id = owner.get("/api/v2/users/me").expect(200).body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let default_org = owner.get("/api/v2/organizations/default").expect(200).body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let other_org = owner
        .post("/api/v2/organizations", json!({"name": "other"}))
        .expect(201)
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let d = default_org.as_str();
    let o = other_org.as_str();
    let specs: [UserSpec; 5] = [
        ("useradmin", &["user-admin"], vec![(d, &[])]),
        ("auditor", &["auditor"], vec![(d, &[])]),
        ("member", &[], vec![(d, &[])]),
        (
            "orgadmin",
            &[],
            vec![(d, &[]), (o, &["organization-admin"])],
        ),
        (
            "orguseradmin",
            &[],
            vec![(d, &[]), (o, &["organization-user-admin"])],
        ),
    ];
    let users = specs
        .into_iter()
        .map(|(label, site, orgs)| {
            let (id, c) = seed_user(&server, label, site, &orgs);
            (label, id, c)
        })
        .collect();
    World {
        server,
        owner,
        owner_id,
        default_org,
        other_org,
        users,
    }
}

fn audit_rows(s: &TestServer, resource_type: &str, action: &str) -> Vec<(i64, String, String)> {
    let db = s.db();
    let mut stmt = db
        .prepare(
            "SELECT status_code, diff, resource_target FROM audit_logs \
             WHERE resource_type = ?1 AND action = ?2 ORDER BY seq",
        )
        .expect("prepare");
    let rows = stmt
        .query_map(coderlite::params![resource_type, action], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

#[test]
fn organization_lifecycle() {
    let s = TestServer::start();
    let owner = s.owner();
    let list = owner.get("/api/v2/organizations").expect(200);
    assert_eq!(list.body.as_array().map(Vec::len), Some(1));
    let default = &list.body[0];
    assert_eq!(default["name"], "coder");
    assert_eq!(default["is_default"], true);
    for key in [
        "id",
        "name",
        "display_name",
        "description",
        "icon",
        "created_at",
        "updated_at",
    ] {
        assert!(default.get(key).is_some(), "missing {key}");
    }

    let r = owner
        .post(
            "/api/v2/organizations",
            json!({"name": "acme", "description": "Acme Inc.", "icon": "/emojis/1f3e2.png"}),
        )
        .expect(201);
    let id = r.body["id"].as_str().expect("id").to_string();
    assert_eq!(
        r.body["display_name"], "acme",
        "display name defaults to name"
    );
    assert_eq!(r.body["description"], "Acme Inc.");
    assert_eq!(r.body["is_default"], false);
    // The creator is a plain member of the new organization.
    let me = owner
        .get(&format!("/api/v2/organizations/{id}/members/me"))
        .expect(200);
    assert_eq!(me.body["roles"], json!([]));
    let created = audit_rows(&s, "organization", "create");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].0, 201);
    let diff: Value = serde_json::from_str(&created[0].1).expect("diff");
    assert_eq!(diff["name"]["new"], "acme");
    assert_eq!(diff["updated_at"]["old"], "0001-01-01T00:00:00Z");
    assert!(
        diff.get("deleted").is_none(),
        "zero-valued fields do not differ: {diff}"
    );
    assert!(
        diff.get("id").is_none() && diff.get("created_at").is_none(),
        "ignored fields"
    );
    assert_eq!(created[0].2, "acme");

    // Read by id, by name (case-insensitive), and the default alias.
    owner
        .get(&format!("/api/v2/organizations/{id}"))
        .expect(200);
    let r = owner.get("/api/v2/organizations/ACME").expect(200);
    assert_eq!(r.body["id"], id.as_str());
    let r = owner.get("/api/v2/organizations/default").expect(200);
    assert_eq!(r.body["name"], "coder");
    let nil = "00000000-0000-0000-0000-000000000000";
    let r = owner
        .get(&format!("/api/v2/organizations/{nil}"))
        .expect(200);
    assert_eq!(r.body["is_default"], true);

    // PATCH: empty name/display_name keep values; description/icon change when present.
    let r = owner
        .patch(
            "/api/v2/organizations/acme",
            json!({"name": "acme-corp", "display_name": "Acme Corp", "description": ""}),
        )
        .expect(200);
    assert_eq!(r.body["name"], "acme-corp");
    assert_eq!(r.body["display_name"], "Acme Corp");
    assert_eq!(r.body["description"], "");
    assert_eq!(r.body["icon"], "/emojis/1f3e2.png");
    let r = owner
        .patch(&format!("/api/v2/organizations/{id}"), json!({"name": ""}))
        .expect(200);
    assert_eq!(r.body["name"], "acme-corp");
    let written = audit_rows(&s, "organization", "write");
    let diff: Value = serde_json::from_str(&written[0].1).expect("diff");
    assert_eq!(
        diff["name"],
        json!({"old": "acme", "new": "acme-corp", "secret": false})
    );
    assert!(
        diff.get("icon").is_none(),
        "unchanged fields stay out of the diff"
    );

    let r = owner
        .delete(&format!("/api/v2/organizations/{id}"))
        .expect(200);
    assert_eq!(r.message(), "Organization has been deleted.");
    let r = owner
        .get(&format!("/api/v2/organizations/{id}"))
        .expect(404);
    assert_eq!(r.message(), format!("Organization \"{id}\" not found."));
    assert_eq!(
        r.body["detail"],
        "Provide either the organization id or name."
    );
    assert_eq!(audit_rows(&s, "organization", "delete").len(), 1);
    // The name is free again.
    owner
        .post("/api/v2/organizations", json!({"name": "acme-corp"}))
        .expect(201);
    assert_eq!(
        owner
            .get("/api/v2/organizations")
            .expect(200)
            .body
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn organization_errors() {
    let s = TestServer::start();
    let owner = s.owner();
    let r = owner.post("/api/v2/organizations", json!({})).expect(400);
    assert_eq!(r.message(), "Validation failed.");
    assert_eq!(
        r.body["validations"],
        json!([{"field": "name", "detail": "Validation failed for tag \"required\" with value: \"\""}])
    );
    let r = owner
        .post(
            "/api/v2/organizations",
            json!({"name": "Bad_Name", "display_name": " padded"}),
        )
        .expect(400);
    assert_eq!(
        r.body["validations"],
        json!([
            {"field": "name", "detail": "Validation failed for tag \"organization_name\" with value: \"Bad_Name\""},
            {"field": "display_name", "detail": "Validation failed for tag \"organization_display_name\" with value: \" padded\""}
        ])
    );
    for name in ["new", "create", "-x", "x-", &"a".repeat(33)] {
        owner
            .post("/api/v2/organizations", json!({"name": name}))
            .expect(400);
    }
    let r = owner
        .post("/api/v2/organizations", json!({"name": "default"}))
        .expect(400);
    assert_eq!(r.message(), "Organization name \"default\" is reserved.");
    let r = owner
        .post("/api/v2/organizations", json!({"name": "coder"}))
        .expect(409);
    assert_eq!(r.message(), "Organization already exists with that name.");
    owner
        .post("/api/v2/organizations", json!({"name": "CODER"}))
        .expect(409);
    let r = owner
        .post("/api/v2/organizations", json!({"name": 5}))
        .expect(400);
    assert_eq!(r.message(), "Request body must be valid JSON.");
    let r = owner
        .raw("POST", "/api/v2/organizations", Some(b"{".to_vec()), &[])
        .expect(400);
    assert_eq!(r.message(), "Request body must be valid JSON.");
    // Null optional fields are accepted.
    owner
        .post(
            "/api/v2/organizations",
            json!({"name": "two", "display_name": null, "description": null, "icon": null}),
        )
        .expect(201);
    assert!(
        audit_rows(&s, "organization", "create")
            .iter()
            .all(|r| r.0 == 201),
        "failed creates leave no audit row"
    );

    // PATCH errors.
    let r = owner
        .patch("/api/v2/organizations/two", json!({"name": "coder"}))
        .expect(409);
    assert_eq!(
        r.message(),
        "Organization already exists with the name \"coder\"."
    );
    assert_eq!(
        r.body["validations"],
        json!([{"field": "name", "detail": "This value is already in use and should be unique."}])
    );
    let r = owner
        .patch("/api/v2/organizations/two", json!({"name": "default"}))
        .expect(400);
    assert_eq!(r.message(), "Organization name \"default\" is reserved.");
    owner
        .patch("/api/v2/organizations/two", json!({"name": "a b"}))
        .expect(400);
    owner
        .patch("/api/v2/organizations/two", json!({"icon": 7}))
        .expect(400);
    let failed = audit_rows(&s, "organization", "write");
    assert_eq!(
        failed.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![409, 400, 400, 400],
        "failed updates are audited with their status"
    );
    assert!(failed.iter().all(|r| r.1 == "{}"));
    // Renaming to its own name in another case is not a conflict.
    owner
        .patch("/api/v2/organizations/two", json!({"name": "Two"}))
        .expect(200);

    // Unknown organizations, by name and by UUID.
    let r = owner.get("/api/v2/organizations/nope").expect(404);
    assert_eq!(r.message(), "Organization \"nope\" not found.");
    let unknown = "6f1d3f3a-3b4a-4f3e-9d55-2a3c1f0e9b11";
    owner
        .patch(&format!("/api/v2/organizations/{unknown}"), json!({}))
        .expect(404);
    owner
        .delete(&format!("/api/v2/organizations/{unknown}"))
        .expect(404);

    // DELETE errors.
    let r = owner.delete("/api/v2/organizations/default").expect(400);
    assert_eq!(r.message(), "Default organization cannot be deleted.");
    let two = owner.get("/api/v2/organizations/two").expect(200).body["id"]
        .as_str()
        .expect("id")
        .to_string();
    insert_user(&s, "extra", &[], &[(two.as_str(), &[])]);
    let r = owner.delete("/api/v2/organizations/two").expect(409);
    assert_eq!(r.message(), "Error deleting organization.");
    assert_eq!(
        r.body["detail"],
        "This organization has 1 member that must be deleted first."
    );
    owner
        .delete("/api/v2/organizations/two/members/extra")
        .expect(204);
    owner.delete("/api/v2/organizations/two").expect(200);
}

#[test]
fn organization_permission_matrix() {
    let w = world();
    let doomed = w
        .owner
        .post("/api/v2/organizations", json!({"name": "doomed"}))
        .expect(201)
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    // (label, visible orgs, GET other, POST, PATCH default, DELETE doomed)
    let expect: [(&str, usize, u16, u16, u16, u16); 6] = [
        ("owner", 3, 200, 201, 200, 200),
        ("useradmin", 3, 200, 403, 404, 404),
        ("auditor", 3, 200, 403, 404, 404),
        ("member", 1, 404, 403, 404, 404),
        ("orgadmin", 2, 200, 403, 404, 404),
        ("orguseradmin", 2, 200, 403, 404, 404),
    ];
    let callers = w.callers();
    // Non-owners first, so the owner's DELETE comes last.
    for (label, visible, get_other, post, patch, delete) in expect.iter().rev() {
        let c = callers
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, c)| *c)
            .expect("caller");
        let list = c.get("/api/v2/organizations").expect(200);
        assert_eq!(
            list.body.as_array().map(Vec::len),
            Some(*visible),
            "{label} list"
        );
        c.get("/api/v2/organizations/default").expect(200);
        let r = c.get(&format!("/api/v2/organizations/{}", w.other_org));
        assert_eq!(r.status, *get_other, "{label} GET other");
        let r = c.post(
            "/api/v2/organizations",
            json!({"name": format!("new-{label}")}),
        );
        assert_eq!(r.status, *post, "{label} POST");
        if r.status == 403 {
            assert_eq!(r.message(), "Forbidden.");
        }
        let r = c.patch(
            "/api/v2/organizations/default",
            json!({"description": label}),
        );
        assert_eq!(r.status, *patch, "{label} PATCH default");
        let r = c.delete(&format!("/api/v2/organizations/{doomed}"));
        assert_eq!(r.status, *delete, "{label} DELETE");
    }
    // An organization admin manages its own organization.
    let (_, orgadmin) = w.user("orgadmin");
    orgadmin
        .patch(
            &format!("/api/v2/organizations/{}", w.other_org),
            json!({"display_name": "Other Org"}),
        )
        .expect(200);
    let (_, oua) = w.user("orguseradmin");
    oua.patch(&format!("/api/v2/organizations/{}", w.other_org), json!({}))
        .expect(404);
    let r = w.owner.anonymous().get("/api/v2/organizations").expect(401);
    assert!(!r.message().is_empty());
}
