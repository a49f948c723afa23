//! Workspaces and builds without templates: create, read, list with `q`, builds (start, stop,
//! delete → soft delete), permissions, bad input, and their audit rows.

use crate::aiseats::{build, create_workspace, seed_default_member};
use crate::common::*;
use serde_json::{json, Value};

fn ws_path(w: &Value) -> String {
    format!("/api/v2/workspaces/{}", w["id"].as_str().expect("id"))
}

#[test]
fn create_read_and_shape() {
    let s = TestServer::start();
    let owner = s.owner();
    let (bob, _) = seed_default_member(&s, "bob", &[], &[], false);
    let r = owner
        .raw(
            "POST",
            "/api/v2/organizations/default/members/bob/workspaces",
            Some(
                json!({"name": "dev", "has_ai_task": true})
                    .to_string()
                    .into_bytes(),
            ),
            &[("X-Request-Id", "1f0e7c1a-9d1b-4a55-8f3e-5b2d6c7a8e90")],
        )
        .expect(201);
    let w = r.body;
    assert_eq!(w["name"], "dev");
    assert_eq!(w["owner_id"], bob);
    assert_eq!(w["owner_name"], "bob");
    assert_eq!(w["organization_name"], "coder");
    assert_eq!(w["template_id"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(w["outdated"], false);
    assert_eq!(w["health"], json!({"healthy": true, "failing_agents": []}));
    let b = &w["latest_build"];
    assert_eq!(b["build_number"], 1);
    assert_eq!(b["transition"], "start");
    assert_eq!(b["status"], "running");
    assert_eq!(b["reason"], "initiator");
    assert_eq!(b["has_ai_task"], true);
    assert_eq!(b["workspace_owner_name"], "bob");
    assert_eq!(b["initiator_name"], "admin");
    assert_eq!(b["job"]["status"], "succeeded");
    assert_eq!(
        b["job"]["id"], "1f0e7c1a-9d1b-4a55-8f3e-5b2d6c7a8e90",
        "job id = request id"
    );
    assert_eq!(b["resources"], json!([]));

    let got = owner.get(&ws_path(&w)).expect(200).body;
    assert_eq!(got["id"], w["id"]);
    assert_eq!(got["latest_build"]["id"], b["id"]);
    // Also by UUID, username or "me" in the path.
    create_workspace(&owner, &bob, "second", false);
    create_workspace(&owner, "me", "mine", false);

    // Audit: workspace create + build #1 start, sharing the request id.
    let db = s.db();
    let (fields, reason, target): (String, Option<String>, String) = db
        .query_row(
            "SELECT additional_fields, build_reason, resource_target FROM audit_logs \
             WHERE resource_type = 'workspace' AND action = 'create' AND resource_id = ?1",
            coderlite::params![w["id"].as_str().expect("id")],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("create row");
    let fields: Value = serde_json::from_str(&fields).expect("json");
    assert_eq!(
        fields,
        json!({"workspace_name": "dev", "build_number": "1", "build_reason": "initiator", "workspace_owner": "bob"})
    );
    assert_eq!(reason.as_deref(), Some("initiator"));
    assert_eq!(target, "dev");
    let (action, req_id): (String, String) = db
        .query_row(
            "SELECT action, request_id FROM audit_logs WHERE resource_type = 'workspace_build' AND resource_id = ?1",
            coderlite::params![b["id"].as_str().expect("id")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("build row");
    assert_eq!(action, "start");
    assert_eq!(req_id, "1f0e7c1a-9d1b-4a55-8f3e-5b2d6c7a8e90");
}

#[test]
fn builds_and_soft_delete() {
    let s = TestServer::start();
    let owner = s.owner();
    seed_default_member(&s, "bob", &[], &[], false);
    let w = create_workspace(&owner, "bob", "dev", false);
    let path = ws_path(&w);
    let b2 = build(
        &owner,
        w["id"].as_str().expect("id"),
        json!({"transition": "stop", "reason": "autostop"}),
    );
    assert_eq!(
        (
            b2["build_number"].as_i64(),
            b2["status"].as_str(),
            b2["reason"].as_str()
        ),
        (Some(2), Some("stopped"), Some("autostop"))
    );
    build(
        &owner,
        w["id"].as_str().expect("id"),
        json!({"transition": "start", "has_ai_task": true}),
    );
    let list = owner.get(&format!("{path}/builds")).expect(200).body;
    let numbers: Vec<i64> = list
        .as_array()
        .expect("a")
        .iter()
        .map(|b| b["build_number"].as_i64().expect("n"))
        .collect();
    assert_eq!(numbers, vec![3, 2, 1]);
    let page = owner
        .get(&format!("{path}/builds?limit=1&offset=1"))
        .expect(200)
        .body;
    assert_eq!(page[0]["build_number"], 2);
    let after = list[0]["id"].as_str().expect("id");
    let page = owner
        .get(&format!("{path}/builds?after_id={after}"))
        .expect(200)
        .body;
    assert_eq!(page.as_array().expect("a").len(), 2);
    owner
        .get(&format!(
            "{path}/builds?after_id=6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f"
        ))
        .expect(400);
    assert_eq!(
        owner.get(&path).expect(200).body["latest_build"]["build_number"],
        3
    );

    // Audit rows for the stop build.
    let reason: String = s
        .db()
        .query_row(
            "SELECT build_reason FROM audit_logs WHERE resource_type = 'workspace_build' AND action = 'stop' AND resource_id = ?1",
            coderlite::params![b2["id"].as_str().expect("id")],
            |r| r.get(0),
        )
        .expect("stop row");
    assert_eq!(reason, "autostop");

    // Delete: soft delete, 410 on read, readable with include_deleted, name reusable.
    let d = build(
        &owner,
        w["id"].as_str().expect("id"),
        json!({"transition": "delete"}),
    );
    assert_eq!(d["status"], "deleted");
    let r = owner.get(&path).expect(410);
    assert!(r.message().starts_with("Workspace \""));
    let gone = owner
        .get(&format!("{path}?include_deleted=true"))
        .expect(200)
        .body;
    assert_eq!(gone["latest_build"]["transition"], "delete");
    owner
        .get(&format!("{path}?include_deleted=maybe"))
        .expect(400);
    owner
        .post(&format!("{path}/builds"), json!({"transition": "start"}))
        .expect(410);
    let again = create_workspace(&owner, "bob", "dev", false);
    assert_ne!(again["id"], w["id"]);
    let n: i64 = s
        .db()
        .query_row(
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'workspace' AND action = 'delete' AND resource_target = 'dev'",
            coderlite::params![],
            |r| r.get(0),
        )
        .expect("delete row");
    assert_eq!(n, 1);
}

#[test]
fn list_with_query() {
    let s = TestServer::start();
    let owner = s.owner();
    seed_default_member(&s, "bob", &[], &[], false);
    seed_default_member(&s, "carol", &[], &[], false);
    create_workspace(&owner, "bob", "dev", true);
    create_workspace(&owner, "bob", "docs", false);
    let gone = create_workspace(&owner, "carol", "devbox", false);
    build(
        &owner,
        gone["id"].as_str().expect("id"),
        json!({"transition": "delete"}),
    );
    create_workspace(&owner, "me", "admin-ws", false);
    let names = |q: &str| -> (i64, Vec<String>) {
        let b = owner
            .get(&format!("/api/v2/workspaces?{q}"))
            .expect(200)
            .body;
        let names = b["workspaces"]
            .as_array()
            .expect("workspaces")
            .iter()
            .map(|w| {
                format!(
                    "{}/{}",
                    w["owner_name"].as_str().unwrap_or(""),
                    w["name"].as_str().unwrap_or("")
                )
            })
            .collect();
        (b["count"].as_i64().expect("count"), names)
    };
    assert_eq!(
        names(""),
        (
            3,
            vec!["admin/admin-ws".into(), "bob/dev".into(), "bob/docs".into()]
        )
    );
    assert_eq!(names("q=owner:bob").0, 2);
    assert_eq!(names("q=owner:me").1, vec!["admin/admin-ws".to_string()]);
    assert_eq!(names("q=name:DEV").1, vec!["bob/dev".to_string()]);
    assert_eq!(names("q=bob/do").1, vec!["bob/docs".to_string()]);
    assert_eq!(names("q=deleted:true").1, vec!["carol/devbox".to_string()]);
    assert_eq!(names("q=has-ai-task:true").1, vec!["bob/dev".to_string()]);
    assert_eq!(names("q=owner:nobody").0, 0);
    let (count, page) = names("limit=1&offset=1");
    assert_eq!((count, page), (3, vec!["bob/dev".to_string()]));
    let r = owner.get("/api/v2/workspaces?q=template:x").expect(400);
    assert_eq!(r.message(), "Invalid workspace search query.");
    owner.get("/api/v2/workspaces?q=deleted:maybe").expect(400);
    owner.get("/api/v2/workspaces?limit=x").expect(400);
}

#[test]
fn permissions() {
    let s = TestServer::start();
    let _owner = s.owner();
    let (_, bob) = seed_default_member(&s, "bob", &[], &[], true);
    let (_, carol) = seed_default_member(&s, "carol", &[], &[], true);
    let (_, auditor) = seed_default_member(&s, "aud", &["auditor"], &[], true);
    let (_, tadmin) = seed_default_member(&s, "tadmin", &["template-admin"], &[], true);
    let (_, orgadmin) = seed_default_member(&s, "orgadmin", &[], &["organization-admin"], true);
    let (bob, carol, auditor, tadmin, orgadmin) = (
        bob.expect("c"),
        carol.expect("c"),
        auditor.expect("c"),
        tadmin.expect("c"),
        orgadmin.expect("c"),
    );

    // Members create their own workspaces, not others'.
    let w = create_workspace(&bob, "me", "mine", false);
    bob.post(
        "/api/v2/organizations/default/members/carol/workspaces",
        json!({"name": "x"}),
    )
    .expect(404);
    // Org admins create for members.
    create_workspace(&orgadmin, "carol", "given", false);
    // Reading: others' workspaces are invisible to members and to auditors (Coder's
    // auditor role holds no workspace permission), visible to template admins.
    carol.get(&ws_path(&w)).expect(404);
    auditor.get(&ws_path(&w)).expect(404);
    tadmin.get(&ws_path(&w)).expect(200);
    assert_eq!(carol.get("/api/v2/workspaces").expect(200).body["count"], 1);
    assert_eq!(
        auditor.get("/api/v2/workspaces").expect(200).body["count"],
        0
    );
    assert_eq!(
        tadmin.get("/api/v2/workspaces").expect(200).body["count"],
        2
    );
    assert_eq!(
        orgadmin.get("/api/v2/workspaces").expect(200).body["count"],
        2
    );
    // Builds: the owner and admins may; a template admin may read but not build.
    let id = w["id"].as_str().expect("id");
    carol
        .post(
            &format!("/api/v2/workspaces/{id}/builds"),
            json!({"transition": "stop"}),
        )
        .expect(404);
    auditor
        .post(
            &format!("/api/v2/workspaces/{id}/builds"),
            json!({"transition": "stop"}),
        )
        .expect(404);
    let r = tadmin
        .post(
            &format!("/api/v2/workspaces/{id}/builds"),
            json!({"transition": "stop"}),
        )
        .expect(403);
    assert_eq!(r.message(), "Forbidden.");
    build(&bob, id, json!({"transition": "stop"}));
    build(&orgadmin, id, json!({"transition": "start"}));
    s.client().get("/api/v2/workspaces").expect(401);
}

#[test]
fn bad_input() {
    let s = TestServer::start();
    let owner = s.owner();
    seed_default_member(&s, "bob", &[], &[], false);
    let create = |user: &str, body: Value| {
        owner.post(
            &format!("/api/v2/organizations/default/members/{user}/workspaces"),
            body,
        )
    };
    let r = create("bob", json!({})).expect(400);
    assert_eq!(r.message(), "Validation failed.");
    assert_eq!(r.body["validations"][0]["field"], "name");
    let r = create("bob", json!({"name": "not_valid!"})).expect(400);
    assert_eq!(
        r.body["validations"][0]["detail"],
        "Validation failed for tag \"workspace_name\" with value: \"not_valid!\""
    );
    create("bob", json!({"name": "a".repeat(33)})).expect(400);
    create("bob", json!({"name": 5})).expect(400);
    create("bob", json!({"name": "dev", "has_ai_task": "yes"})).expect(400);
    owner
        .raw(
            "POST",
            "/api/v2/organizations/default/members/bob/workspaces",
            Some(b"{".to_vec()),
            &[],
        )
        .expect(400);
    let r = create("ghost", json!({"name": "dev"})).expect(400);
    assert_eq!(
        r.message(),
        "\"user\" must be an existing uuid or username."
    );
    create_workspace(&owner, "bob", "dev", false);
    let r = create("bob", json!({"name": "DEV"})).expect(409);
    assert_eq!(r.message(), "Workspace \"DEV\" already exists.");
    assert_eq!(
        r.body["validations"][0],
        json!({"field": "name", "detail": "This value is already in use and should be unique."})
    );
    owner
        .post(
            "/api/v2/organizations/nope/members/bob/workspaces",
            json!({"name": "x"}),
        )
        .expect(404);

    owner.get("/api/v2/workspaces/not-a-uuid").expect(400);
    owner
        .get("/api/v2/workspaces/6b0f0a4e-3f5a-4a8e-9d0e-7a1c2b3d4e5f")
        .expect(404);
    let w = owner.get("/api/v2/workspaces?q=owner:bob").expect(200).body["workspaces"][0].clone();
    let builds = format!("{}/builds", ws_path(&w));
    let r = owner.post(&builds, json!({})).expect(400);
    assert_eq!(r.body["validations"][0]["field"], "transition");
    let r = owner
        .post(&builds, json!({"transition": "explode"}))
        .expect(400);
    assert_eq!(
        r.body["validations"][0]["detail"],
        "Validation failed for tag \"oneof\" with value: \"explode\""
    );
    let r = owner
        .post(&builds, json!({"transition": "start", "reason": "because"}))
        .expect(400);
    assert_eq!(r.body["validations"][0]["field"], "reason");
    owner
        .post(&builds, json!({"transition": "start", "has_ai_task": 1}))
        .expect(400);
    owner.get(&format!("{builds}?limit=-1")).expect(400);
    owner.get(&format!("{builds}?since=yesterday")).expect(400);
    // Nothing of the above created a build.
    assert_eq!(
        owner
            .get(&builds)
            .expect(200)
            .body
            .as_array()
            .expect("a")
            .len(),
        1
    );
}
