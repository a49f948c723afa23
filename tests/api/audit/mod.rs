//! The audit log over HTTP: recording by mutations, `GET /audit` (shape, every `q` key,
//! errors, pagination, permissions), `POST /audit/testgenerate` and `GET /audit/export`.
//! Shared fixtures live here; each area has its own file.

mod export;
mod mutations;
mod pagination;
mod permissions;
mod recording;
mod search;
mod shape;
mod testgenerate;

use crate::common::*;
use crate::dbfix::{default_org_id, seed_user};
use coderlite::params;
use serde_json::{json, Value};
use std::collections::HashSet;

const NIL: &str = "00000000-0000-0000-0000-000000000000";

fn audit(c: &Client, q: &str, extra: &str) -> Resp {
    c.get(&format!("/api/v2/audit?q={}{extra}", url_encode(q)))
}

fn logs(r: &Resp) -> Vec<Value> {
    r.body["audit_logs"].as_array().cloned().unwrap_or_default()
}

fn ids(r: &Resp) -> Vec<String> {
    logs(r)
        .iter()
        .map(|l| l["id"].as_str().unwrap_or("").to_string())
        .collect()
}

fn new_org(s: &TestServer, name: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    s.db()
        .execute(
            "INSERT INTO organizations (id, name, display_name, icon, created_at, updated_at) \
             VALUES (?1, ?2, ?3, '/icon/x.svg', 0, 0)",
            params![id, name, format!("Org {name}")],
        )
        .expect("insert org");
    id
}

/// Fields for a directly inserted audit row.
struct Row<'a> {
    time: i64,
    user_id: &'a str,
    org: &'a str,
    resource_type: &'a str,
    resource_id: &'a str,
    target: &'a str,
    action: &'a str,
    status: i64,
    request_id: &'a str,
    build_reason: Option<&'a str>,
    additional: &'a str,
    diff: &'a str,
    ip: Option<&'a str>,
}

impl Default for Row<'_> {
    fn default() -> Self {
        Row {
            time: 1_700_000_000_000_000,
            user_id: NIL,
            org: NIL,
            resource_type: "user",
            resource_id: NIL,
            target: "",
            action: "write",
            status: 200,
            request_id: NIL,
            build_reason: None,
            additional: "{}",
            diff: "{}",
            ip: None,
        }
    }
}

fn insert(s: &TestServer, r: Row) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    s.db()
        .execute(
            "INSERT INTO audit_logs (id, time, user_id, organization_id, ip, user_agent, resource_type, \
             resource_id, resource_target, action, diff, status_code, additional_fields, request_id, \
             resource_icon, build_reason) VALUES (?1,?2,?3,?4,?5,NULL,?6,?7,?8,?9,?10,?11,?12,?13,'',?14)",
            params![
                id, r.time, r.user_id, r.org, r.ip, r.resource_type, r.resource_id, r.target,
                r.action, r.diff, r.status, r.additional, r.request_id, r.build_reason
            ],
        )
        .expect("insert audit row");
    id
}

fn count_rows(s: &TestServer, where_: &str) -> i64 {
    s.db()
        .query_row(
            &format!("SELECT count(*) FROM audit_logs WHERE {where_}"),
            coderlite::params![],
            |r| r.get(0),
        )
        .expect("count")
}
