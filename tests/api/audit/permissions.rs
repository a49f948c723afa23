use super::*;

#[test]
fn permissions_per_role() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org_id(&s);
    let acme = new_org(&s, "acme");
    let (_, auditor) = seed_user(&s, "aud", &["auditor"], &[(&org, &[])]);
    let (_, org_auditor) = seed_user(
        &s,
        "oaud",
        &[],
        &[(&acme, &["organization-auditor"]), (&org, &[])],
    );
    let (_, org_admin) = seed_user(&s, "oadm", &[], &[(&acme, &["organization-admin"])]);
    let (_, member) = seed_user(&s, "mem", &[], &[(&org, &[])]);
    let (_, user_admin) = seed_user(
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
            .db()
            .query_row(
                "SELECT id FROM audit_logs WHERE resource_target = 'site-row'",
                coderlite::params![],
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
