//! Tests: who sees and changes which users; has_ai_seat in users responses.

use super::{default_org, insert_user, names, q};
use crate::common::*;
use serde_json::json;

#[test]
fn permission_matrix() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org(&owner);
    let mut callers: Vec<(&str, Client)> = vec![("owner", owner.clone())];
    for role in ["user-admin", "auditor", "template-admin", "member"] {
        let roles: Vec<&str> = if role == "member" { vec![] } else { vec![role] };
        let (_, c) = create_user(&s, &owner, &format!("as-{role}"), &roles);
        callers.push((role, c));
    }
    // Expected status per caller: owner, user-admin, auditor, template-admin, member.
    type Row = (&'static str, &'static str, [u16; 5]);
    let rows: [Row; 10] = [
        ("GET", "", [200, 200, 200, 200, 400]),
        ("GET", "/roles", [200, 200, 200, 200, 400]),
        ("GET", "/organizations", [200, 200, 200, 200, 400]),
        ("PUT", "/profile", [200, 200, 404, 404, 400]),
        ("PUT", "/status/activate", [200, 200, 403, 403, 400]),
        ("PUT", "/roles", [200, 403, 403, 403, 400]),
        ("PUT", "/password", [204, 204, 404, 404, 400]),
        ("POST", "/keys/tokens", [201, 403, 403, 403, 400]),
        ("GET", "/keys/tokens", [200, 200, 200, 200, 400]),
        ("DELETE", "", [200, 200, 403, 403, 400]),
    ];
    for (i, (who, client)) in callers.iter().enumerate() {
        let (victim, _) = create_user(&s, &owner, &format!("victim{i}"), &[]);
        for (method, suffix, want) in &rows {
            let path = format!("/api/v2/users/{victim}{suffix}");
            let body = match *suffix {
                "/profile" => Some(json!({"username": format!("victim{i}"), "name": "V"})),
                "/roles" if *method == "PUT" => Some(json!({"roles": ["auditor"]})),
                "/password" => Some(json!({"password": "Brand-New-Secret#77"})),
                "/keys/tokens" if *method == "POST" => Some(json!({})),
                "/status/activate" => Some(json!({})),
                _ => None,
            };
            let r = client.request(method, &path, body.as_ref());
            assert_eq!(r.status, want[i], "{who} {method} {suffix}: {}", r.text);
        }
        let r = client.post(
            "/api/v2/users",
            json!({"email": format!("new{i}@example.com"), "username": format!("new{i}"),
                   "password": PASSWORD, "organization_ids": [org]}),
        );
        assert_eq!(r.status, [201, 201, 403, 403, 403][i], "{who} POST /users");
    }
}

#[test]
fn has_ai_seat_in_list_and_search() {
    let s = TestServer::start();
    let owner = s.owner();
    let ai = insert_user(&s, "ai-user", |_| {});
    insert_user(&s, "plain-user", |_| {});
    s.db()
        .execute(
            "INSERT INTO aibridge_interceptions (id, initiator_id, provider, model, started_at) \
             VALUES (?1, ?2, 'openai', 'gpt', 0)",
            coderlite::params![uuid::Uuid::new_v4().to_string(), ai],
        )
        .expect("interception");
    let r = owner.get("/api/v2/users?q=user").expect(200);
    let seats: Vec<(String, bool)> = r.body["users"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| {
                    (
                        u["username"].as_str().unwrap_or_default().to_string(),
                        u["has_ai_seat"].as_bool().unwrap_or(true),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        seats,
        [
            ("ai-user".to_string(), true),
            ("plain-user".to_string(), false)
        ]
    );
    assert_eq!(names(&q(&owner, "has_ai_seat:true")), ["ai-user"]);
    assert_eq!(
        names(&q(&owner, "has_ai_seat:false")),
        ["admin", "plain-user"]
    );
    let r = owner.get(&format!("/api/v2/users/{ai}")).expect(200);
    assert_eq!(r.body["has_ai_seat"], true);
    let r = owner
        .put(&format!("/api/v2/users/{ai}/status/suspend"), json!({}))
        .expect(200);
    assert_eq!(r.body["has_ai_seat"], true);
}
