use super::*;

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
    let org = default_org_id(&s);

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
        .db()
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
