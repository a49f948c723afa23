//! Tests: profile, status, roles, delete, password, organizations of a user.

use super::{audit_rows, default_org, names};
use crate::common::*;
use serde_json::{json, Value};

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
        r.body["message"],
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
        let c = s.db();
        c.execute(
            "INSERT INTO workspaces (id, owner_id, organization_id, name, created_at, updated_at, last_used_at) \
             SELECT ?1, ?2, id, 'ws', 0, 0, 0 FROM organizations WHERE is_default = 1",
            coderlite::params![uuid::Uuid::new_v4().to_string(), carl],
        )
        .expect("workspace");
    }
    let r = owner.delete(&format!("/api/v2/users/{carl}")).expect(417);
    assert_eq!(
        r.message(),
        "You cannot delete a user that has workspaces. Delete their workspaces and try again!"
    );
    s.db()
        .execute("UPDATE workspaces SET deleted = 1", coderlite::params![])
        .expect("soft delete ws");
    ua.delete(&format!("/api/v2/users/{carl}")).expect(200);
    let r = owner.delete(&format!("/api/v2/users/{bob}")).expect(200);
    assert_eq!(r.body, json!({"message": "User has been deleted!"}));
    // Keys are gone, the user is gone, the name is reusable.
    let r = bob_c.get("/api/v2/users/me").expect(401);
    assert_eq!(r.body["detail"], "API key is invalid.");
    owner.get(&format!("/api/v2/users/{bob}")).expect(400);
    let keys: i64 = s
        .db()
        .query_row(
            "SELECT count(*) FROM api_keys WHERE user_id = ?1",
            coderlite::params![bob],
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
