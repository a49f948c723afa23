use super::*;

#[test]
fn rows_are_built_like_coder() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org_id(&s);
    let (amy, _) = seed_user(&s, "amy", &[], &[(&org, &[])]);
    let db = s.db();
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
