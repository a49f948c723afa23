//! Data isolation on real rows in both organizations: an organization auditor (and admin) of
//! A never sees B's audit rows — in pages, counts, any `q`, `after_id` cursors or exports; an
//! organization admin of A sees only A's members; a plain member learns `has_ai_seat` only of
//! users it may read.

use super::world::World;
use crate::common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn ids_where(w: &World, sql: &str, org: &str) -> BTreeSet<String> {
    let db = w.server.db();
    let mut stmt = db.prepare(sql).expect("prepare");
    stmt.query_map(coderlite::params![org], |r| r.get::<String>(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

/// Rows in both organizations: workspaces and builds, memberships, generated rows.
fn populate(w: &mut World) {
    let (a, b) = (w.a.clone(), w.b.clone());
    let (member, bmember) = (w.id("member"), w.id("b-member"));
    for (org, user) in [(&a, &member), (&b, &bmember)] {
        let ws = w.workspace(org, user)["id"]
            .as_str()
            .expect("id")
            .to_string();
        w.owner
            .post(
                &format!("/api/v2/workspaces/{ws}/builds"),
                json!({"transition": "stop"}),
            )
            .expect(201);
        let loner = w.insert_user("joiner", &[]);
        w.owner
            .post(
                &format!("/api/v2/organizations/{org}/members/{loner}"),
                Value::Null,
            )
            .expect(200);
        w.owner
            .post(
                "/api/v2/audit/testgenerate",
                json!({"organization_id": org, "resource_type": "workspace", "action": "write"}),
            )
            .expect(204);
    }
    for user in ["seated", "b-member"] {
        let id = w.id(user);
        w.owner
            .post(
                "/api/v2/aibridge/interceptions",
                json!({"initiator": id, "provider": "openai", "model": "gpt-4o",
                       "started_at": "2025-01-01T00:00:00Z", "ended_at": "2025-01-01T00:00:01Z"}),
            )
            .expect(201);
    }
}

/// Every row of an audit page belongs to `org`; returns the page's ids.
fn page_ids(r: &Resp, org: &str, what: &str) -> Vec<String> {
    assert_eq!(r.status, 200, "{what}: {}", r.text);
    let rows = r.body["audit_logs"].as_array().expect("audit_logs");
    for row in rows {
        assert_eq!(row["organization_id"], org, "{what}: foreign row {row}");
    }
    rows.iter()
        .map(|row| row["id"].as_str().expect("id").to_string())
        .collect()
}

fn audit_isolation_for(w: &World, caller: &str) {
    let c = w.client(caller);
    let a_rows = ids_where(
        w,
        "SELECT id FROM audit_logs WHERE organization_id = ?1",
        &w.a,
    );
    let b_rows = ids_where(
        w,
        "SELECT id FROM audit_logs WHERE organization_id = ?1",
        &w.b,
    );
    assert!(a_rows.len() >= 5 && b_rows.len() >= 5, "rows in both orgs");

    // One page with everything: exactly A's rows, and the count agrees.
    let r = c.get("/api/v2/audit?limit=1000");
    let all: BTreeSet<String> = page_ids(&r, &w.a, caller).into_iter().collect();
    assert_eq!(all, a_rows, "{caller} sees exactly organization A's rows");
    assert_eq!(r.body["count"], a_rows.len(), "{caller} count");

    // Any q: only A's rows; asking for B yields nothing (or a 400), never B's rows.
    let b_name = w.b_name.clone();
    let queries = [
        format!("organization:{b_name}"),
        format!("organization:{}", w.b),
        "organization:default".to_string(),
        "resource_type:workspace".to_string(),
        "resource_type:organization_member action:create".to_string(),
        "username:b-member".to_string(),
        "username:admin".to_string(),
        "action:write".to_string(),
        "b-member".to_string(),
    ];
    for q in &queries {
        let path = format!("/api/v2/audit?limit=1000&q={}", url_encode(q));
        let r = c.get(&path);
        if r.status == 400 {
            continue;
        }
        let ids = page_ids(&r, &w.a, &format!("{caller} q={q}"));
        assert!(
            ids.iter().all(|id| !b_rows.contains(id)),
            "{caller} q={q} leaks B"
        );
        let count = r.body["count"].as_u64().expect("count") as usize;
        assert_eq!(
            count,
            ids.len(),
            "{caller} q={q}: count counts only visible rows"
        );
        if q.contains(&b_name) || q.contains(&w.b) {
            assert_eq!(count, 0, "{caller} q={q}");
        }
    }

    // Offset paging over everything stays inside A.
    let mut paged = BTreeSet::new();
    for offset in (0..a_rows.len() + 6).step_by(3) {
        let r = c.get(&format!("/api/v2/audit?limit=3&offset={offset}"));
        paged.extend(page_ids(&r, &w.a, &format!("{caller} offset {offset}")));
    }
    assert_eq!(paged, a_rows, "{caller}: offset pages");

    // after_id: a B row is not a cursor the caller may use; an A cursor pages A only.
    for b_id in b_rows.iter().take(3) {
        let r = c.get(&format!("/api/v2/audit?after_id={b_id}"));
        assert_eq!(r.status, 400, "{caller} after_id of a B row: {}", r.text);
        assert!(!r.text.contains("\"audit_logs\""), "{}", r.text);
    }
    let first = all.iter().next().expect("a row").clone();
    let r = c.get(&format!("/api/v2/audit?limit=1000&after_id={first}"));
    page_ids(&r, &w.a, &format!("{caller} after_id"));

    // Exports: no B row in CSV or NDJSON, for every query.
    for q in std::iter::once(String::new()).chain(queries.iter().cloned()) {
        for format in ["csv", "ndjson"] {
            let path = format!("/api/v2/audit/export?format={format}&q={}", url_encode(&q));
            let r = c.get(&path);
            if r.status == 400 {
                continue;
            }
            assert_eq!(r.status, 200, "{caller} {path}: {}", r.text);
            for b_id in &b_rows {
                assert!(
                    !r.text.contains(b_id.as_str()),
                    "{caller} {path} exports B row {b_id}"
                );
            }
            if format == "ndjson" {
                for line in r.text.lines().filter(|l| !l.trim().is_empty()) {
                    let row: Value = serde_json::from_str(line).expect("ndjson line");
                    assert_eq!(row["organization_id"], w.a, "{caller} {path}");
                }
            }
            if q.is_empty() {
                let rows = r.text.lines().filter(|l| !l.trim().is_empty()).count();
                let header = usize::from(format == "csv");
                assert_eq!(rows, a_rows.len() + header, "{caller} {path}: all of A");
            }
        }
    }
}

fn usernames(body: &Value, key: &str) -> BTreeSet<String> {
    body[key]
        .as_array()
        .unwrap_or_else(|| body.as_array().expect("array"))
        .iter()
        .map(|u| u["username"].as_str().expect("username").to_string())
        .collect()
}

#[test]
fn isolation_between_organizations() {
    let mut w = World::start();
    populate(&mut w);
    audit_isolation_for(&w, "org-auditor-a");
    audit_isolation_for(&w, "org-admin-a");

    // The site auditor sees both organizations (so the assertions above could fail).
    let r = w
        .client("auditor")
        .get("/api/v2/audit?limit=1000")
        .expect(200);
    let orgs: BTreeSet<&str> = r.body["audit_logs"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|row| row["organization_id"].as_str())
        .collect();
    assert!(
        orgs.contains(w.a.as_str()) && orgs.contains(w.b.as_str()),
        "{orgs:?}"
    );

    // Organization admin of A: A's members only.
    let admin = w.client("org-admin-a");
    let a_members = ids_where(
        &w,
        "SELECT u.username FROM organization_members m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = ?1 AND u.deleted = 0",
        &w.a,
    );
    let listed = usernames(
        &admin
            .get(&format!("/api/v2/organizations/{}/members", w.a))
            .expect(200)
            .body,
        "",
    );
    assert_eq!(listed, a_members, "org admin lists A's members");
    let paged = admin
        .get(&format!(
            "/api/v2/organizations/{}/paginated-members?limit=0",
            w.a
        ))
        .expect(200);
    assert_eq!(usernames(&paged.body, "members"), a_members);
    for path in ["members", "paginated-members", "members/b-member"] {
        admin
            .get(&format!("/api/v2/organizations/{}/{path}", w.b))
            .expect(404);
    }
    let users = usernames(
        &admin.get("/api/v2/users?limit=0").expect(200).body,
        "users",
    );
    assert!(
        users.is_subset(&a_members),
        "org admin reads users outside A: {users:?}"
    );
    assert!(!users.contains("b-member"));

    // A plain member learns has_ai_seat only of itself.
    let owner_view = w.owner.get("/api/v2/users/seated").expect(200);
    assert_eq!(owner_view.body["has_ai_seat"], true, "fixture has a seat");
    let member = w.client("member");
    for q in ["has_ai_seat:true", "has_ai_seat:false", "seated", ""] {
        let r = member
            .get(&format!("/api/v2/users?q={}", url_encode(q)))
            .expect(200);
        let names = usernames(&r.body, "users");
        assert!(names.iter().all(|n| n == "member"), "q={q}: {names:?}");
        assert_eq!(r.body["count"], names.len(), "q={q}");
    }
    member.get("/api/v2/users/seated").expect(400);
    let listed = usernames(
        &member
            .get(&format!("/api/v2/organizations/{}/members", w.a))
            .expect(200)
            .body,
        "",
    );
    assert_eq!(listed, BTreeSet::from(["member".to_string()]));
    member
        .get(&format!("/api/v2/organizations/{}/paginated-members", w.a))
        .expect(404);
    let mine = member.get("/api/v2/aibridge/interceptions").expect(200);
    assert_eq!(mine.body["count"], 0, "{}", mine.text);
    // Tokens of others are not listed to site-wide readers either.
    let member_id = w.id("member");
    w.token_for(&member_id, "isolation-token");
    let tokens = w
        .client("auditor")
        .get("/api/v2/users/member/keys/tokens")
        .expect(200);
    assert_eq!(tokens.body, json!([]), "{}", tokens.text);
    // `include_all=true` lists only the tokens the caller may manage.
    let other = w.id("a-other");
    w.token_for(&other, "other-token");
    let owners = |c: &Client| -> BTreeSet<String> {
        let r = c
            .get("/api/v2/users/me/keys/tokens?include_all=true")
            .expect(200);
        r.body
            .as_array()
            .expect("tokens")
            .iter()
            .map(|k| k["username"].as_str().expect("username").to_string())
            .collect()
    };
    assert_eq!(owners(&member), BTreeSet::from(["member".to_string()]));
    assert!(owners(&w.client("auditor")).is_empty());
    assert!(owners(&w.client("org-admin-a")).is_empty());
    assert!(
        owners(&w.owner).contains("a-other"),
        "the owner sees every token"
    );
}
