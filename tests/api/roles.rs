//! Assignable roles: `GET /users/roles` and `GET /organizations/{org}/members/roles`.

use crate::orgs::world;
use serde_json::Value;

/// (name, assignable) pairs, checking the shape of every entry on the way.
fn roles(body: &Value, org: Option<&str>) -> Vec<(String, bool)> {
    body.as_array()
        .expect("array")
        .iter()
        .map(|r| {
            for key in [
                "site_permissions",
                "organization_permissions",
                "user_permissions",
                "organization_member_permissions",
            ] {
                assert!(r[key].is_array(), "{key} must be a list: {r}");
            }
            assert_eq!(r["built_in"], true);
            assert!(!r["display_name"].as_str().expect("display").is_empty());
            match org {
                Some(o) => assert_eq!(r["organization_id"], o),
                None => assert!(r.get("organization_id").is_none()),
            }
            (
                r["name"].as_str().expect("name").to_string(),
                r["assignable"].as_bool().expect("assignable"),
            )
        })
        .collect()
}

#[test]
fn site_roles() {
    let w = world();
    let r = w.owner.get("/api/v2/users/roles").expect(200);
    let list = roles(&r.body, None);
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["owner", "auditor", "template-admin", "user-admin"]);
    assert!(
        list.iter().all(|(_, a)| *a),
        "the owner assigns every site role"
    );
    assert_eq!(r.body[0]["display_name"], "Owner");
    // Every signed-in user may list site roles (the implicit member role grants it); only
    // the owner may assign any of the listed ones.
    for (label, c) in w.callers().into_iter().skip(1) {
        let r = c.get("/api/v2/users/roles").expect(200);
        let list = roles(&r.body, None);
        assert_eq!(list.len(), 4, "{label}");
        assert!(
            list.iter().all(|(_, a)| !a),
            "{label} assigns nothing listed"
        );
    }
    w.owner.anonymous().get("/api/v2/users/roles").expect(401);
}

#[test]
fn organization_roles() {
    let w = world();
    let d = w.default_org.as_str();
    let o = w.other_org.as_str();
    let url = |org: &str| format!("/api/v2/organizations/{org}/members/roles");
    let r = w.owner.get(&url("default")).expect(200);
    let list = roles(&r.body, Some(d));
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "organization-admin",
            "organization-auditor",
            "organization-user-admin",
            "organization-template-admin",
            "organization-workspace-creation-ban"
        ]
    );
    assert!(list.iter().all(|(_, a)| *a));
    assert_eq!(r.body[0]["display_name"], "Organization Admin");

    // (label, status on default, all assignable on default, status on other, all assignable on other)
    let expect = [
        ("useradmin", false, 200, false),
        ("auditor", false, 200, false),
        ("member", false, 404, false),
        ("orgadmin", false, 200, true),
        ("orguseradmin", false, 200, false),
    ];
    for (label, assign_default, other_status, assign_other) in expect {
        let (_, c) = w.user(label);
        let r = c.get(&url(d)).expect(200);
        let list = roles(&r.body, Some(d));
        assert_eq!(list.len(), 5);
        assert!(
            list.iter().all(|(_, a)| *a == assign_default),
            "{label} default"
        );
        let r = c.get(&url(o));
        assert_eq!(r.status, other_status, "{label} other");
        if r.status == 200 {
            let list = roles(&r.body, Some(o));
            assert!(
                list.iter().all(|(_, a)| *a == assign_other),
                "{label} other"
            );
        } else {
            assert_eq!(r.message(), format!("Organization {o:?} not found."));
        }
    }
    let r = w.owner.get(&url("nope")).expect(404);
    assert_eq!(r.message(), "Organization \"nope\" not found.");
    w.owner.anonymous().get(&url("default")).expect(401);
}
