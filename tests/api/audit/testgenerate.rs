use super::*;

#[test]
fn testgenerate_inserts_one_row() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org_id(&s);
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
