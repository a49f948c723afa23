use super::*;

#[test]
fn every_q_key_filters_and_combines() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org_id(&s);
    let acme = new_org(&s, "acme");
    let (bob, _) = seed_user(&s, "bob", &[], &[(&org, &[])]);
    s.db()
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
