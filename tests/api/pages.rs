//! Page/count consistency of the users list and member pages across their query plans: an
//! organization every live user belongs to (pages come from `users` alone) and one with some
//! members (each user probed), with searches, offsets, cursors and hidden users.

use crate::common::*;
use serde_json::{json, Value};

fn names(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["username"].as_str().expect("username").to_string())
        .collect()
}

/// Every window of `base` agrees with the full list: offsets, limits, `after_id`, and counts
/// (0 for an empty page, as Coder).
fn check_windows(owner: &Client, base: &str, key: &str, ids: &[(String, String)], q: &str) {
    let get = |qs: &str| owner.get(&format!("{base}?q={q}&{qs}")).expect(200).body;
    let full = get("limit=0");
    let all = names(&full, key);
    assert_eq!(full["count"], all.len(), "{base} q={q}");
    let mut sorted = all.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(all, sorted, "ordered by username");
    for offset in [0, 1, 2, 5, 100] {
        let p = get(&format!("limit=3&offset={offset}"));
        let want: Vec<String> = all.iter().skip(offset).take(3).cloned().collect();
        assert_eq!(names(&p, key), want, "{base} q={q} offset={offset}");
        let count = if want.is_empty() { 0 } else { all.len() };
        assert_eq!(p["count"], count, "{base} q={q} offset={offset}");
    }
    for (i, name) in all.iter().enumerate() {
        let id = &ids.iter().find(|(n, _)| n == name).expect("known user").1;
        let p = get(&format!("limit=2&after_id={id}"));
        let want: Vec<String> = all.iter().skip(i + 1).take(2).cloned().collect();
        assert_eq!(names(&p, key), want, "{base} q={q} after {name}");
        let count = if want.is_empty() {
            0
        } else {
            all.len() - i - 1
        };
        assert_eq!(p["count"], count, "{base} q={q} after {name}");
    }
}

#[test]
fn users_and_member_pages_agree_across_plans() {
    let s = TestServer::start();
    let owner = s.owner();
    let admin_id = owner.get("/api/v2/users/me").expect(200).body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let mut ids = vec![("admin".to_string(), admin_id)];
    for n in ["Zed", "amy", "Bob", "carl", "dora", "Eve", "finn", "gus"] {
        let (id, _) = create_user(&s, &owner, &n.to_lowercase(), &[]);
        ids.push((n.to_lowercase(), id));
    }
    let id_of = |n: &str| ids.iter().find(|(u, _)| u == n).expect("user").1.clone();
    let side = owner
        .post("/api/v2/organizations", json!({"name": "side"}))
        .expect(201)
        .body["id"]
        .as_str()
        .expect("org id")
        .to_string();
    for n in ["amy", "carl", "eve", "gus", "dora"] {
        owner
            .post(
                &format!("/api/v2/organizations/{side}/members/{}", id_of(n)),
                json!({}),
            )
            .expect(200);
    }
    owner
        .put(
            &format!("/api/v2/users/{}/status/suspend", id_of("carl")),
            json!({}),
        )
        .expect(200);
    owner
        .delete(&format!("/api/v2/users/{}", id_of("dora")))
        .expect(200);
    let finn = id_of("finn");
    let ids: Vec<(String, String)> = ids.into_iter().filter(|(n, _)| n != "dora").collect();

    let check_all = |label: &str| {
        for q in ["", "status:active", "a", "status:suspended"] {
            check_windows(&owner, "/api/v2/users", "users", &ids, q);
            for org in ["default", side.as_str()] {
                let base = format!("/api/v2/organizations/{org}/paginated-members");
                check_windows(&owner, &base, "members", &ids, q);
            }
        }
        let side_members = owner
            .get(&format!(
                "/api/v2/organizations/{side}/paginated-members?limit=0"
            ))
            .expect(200);
        assert_eq!(
            names(&side_members.body, "members"),
            ["admin", "amy", "carl", "eve", "gus"],
            "{label}"
        );
    };
    // Every live user is in the default organization.
    check_all("everyone in default");
    let default = owner
        .get("/api/v2/organizations/default/paginated-members?limit=0")
        .expect(200);
    assert_eq!(default.body["count"], 8);
    // One user leaves the default organization: pages there probe memberships again.
    owner
        .delete(&format!("/api/v2/organizations/default/members/{}", finn))
        .expect(204);
    check_all("finn left default");
    let default = owner
        .get("/api/v2/organizations/default/paginated-members?limit=0")
        .expect(200);
    assert!(!names(&default.body, "members").contains(&"finn".to_string()));
    assert_eq!(default.body["count"], 7);
}
