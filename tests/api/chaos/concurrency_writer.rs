//! One writer of the concurrency test: a seeded mix of user, member, interception, build and
//! user-creation writes on the users and workspace it owns, so the state it expects afterwards
//! follows from its own acknowledged writes alone, whatever the interleaving.

use super::concurrency::Ctx;
use super::{agent, new_id, send};
use crate::common::PASSWORD;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const MIN_WRITES: u64 = 40;
const SITE_ROLES: [&str; 3] = ["auditor", "user-admin", "template-admin"];
const ORG_ROLES: [&str; 3] = [
    "organization-auditor",
    "organization-user-admin",
    "organization-template-admin",
];

/// A user a writer owns and what it should look like after the run.
pub struct Owned {
    pub id: String,
    pub username: String,
    pub name: String,
    pub status: &'static str,
    pub roles: BTreeSet<String>,
    pub member: bool,
    pub member_roles: BTreeSet<String>,
}

/// An acknowledged write and the single audit row it must have.
pub struct Acked {
    pub rid: String,
    pub what: String,
    pub resource_type: &'static str,
    pub action: &'static str,
    pub status: i64,
}

#[derive(Default)]
pub struct WriterLog {
    pub acked: Vec<Acked>,
    /// Request ids answered 503 (retried under a new id).
    pub busy: Vec<String>,
    pub failures: Vec<String>,
    pub interceptions: Vec<String>,
    pub created: Vec<String>,
    pub users: Vec<Owned>,
    /// The writer's workspace and how many builds it should have.
    pub workspace: (String, i64),
}

fn subset(rng: &mut StdRng, from: &[&str]) -> BTreeSet<String> {
    from.iter()
        .filter(|_| rng.gen_bool(0.5))
        .map(|s| s.to_string())
        .collect()
}

/// One write and the audit row it must leave: (resource type, action, status).
struct W {
    method: &'static str,
    path: String,
    body: Option<Value>,
    what: String,
    row: (&'static str, &'static str, i64),
}

fn w(method: &'static str, path: String, body: Option<Value>, what: String) -> W {
    W {
        method,
        path,
        body,
        what,
        row: ("user", "write", 200),
    }
}

impl W {
    fn row(mut self, resource_type: &'static str, action: &'static str, status: i64) -> W {
        self.row = (resource_type, action, status);
        self
    }
}

/// Sends one write, retrying 503 (with Retry-After) under a fresh request id; records an
/// acknowledged write with the audit row it must have. False when it was not acknowledged.
fn write(ctx: &Ctx, a: &ureq::Agent, log: &mut WriterLog, w: W) -> bool {
    let W {
        method,
        path,
        body,
        what,
        row,
    } = w;
    loop {
        let rid = new_id();
        let out = send(a, &ctx.base, &ctx.token, method, &path, body.as_ref(), &rid);
        if out.leak() {
            log.failures
                .push(format!("{what}: lock leak: {}", out.text));
        }
        match out.status {
            Some(503) if out.retry_after.is_some() => {
                log.busy.push(rid);
                std::thread::sleep(Duration::from_millis(50));
            }
            Some(s) if (200..300).contains(&s) => {
                let (resource_type, action, status) = row;
                log.acked.push(Acked {
                    rid,
                    what,
                    resource_type,
                    action,
                    status,
                });
                return true;
            }
            s => {
                log.failures.push(format!(
                    "{what} {method} {path} ({rid}): {s:?} {}",
                    out.text
                ));
                return false;
            }
        }
    }
}

pub fn run_writer(ctx: Ctx, t: usize, mut log: WriterLog) -> WriterLog {
    let a = agent(Duration::from_secs(60));
    let mut rng = StdRng::seed_from_u64(7000 + t as u64);
    let mut seq = 0u64;
    // At least MIN_WRITES each, however slow the machine: the checks must have work to check.
    while seq < MIN_WRITES || Instant::now() < ctx.deadline {
        seq += 1;
        let u = rng.gen_range(0..log.users.len());
        let (uid, uname) = (log.users[u].id.clone(), log.users[u].username.clone());
        let member_path = format!("/api/v2/organizations/{}/members/{uid}", ctx.org);
        match rng.gen_range(0..20) {
            0..=2 => {
                let name = format!("Writer {t} n{seq}");
                let body = json!({"username": uname, "name": name});
                let path = format!("/api/v2/users/{uid}/profile");
                if write(
                    &ctx,
                    &a,
                    &mut log,
                    w("PUT", path, Some(body), format!("profile {uname}")),
                ) {
                    log.users[u].name = name;
                }
            }
            3..=5 => {
                let suspend = log.users[u].status != "suspended";
                let next = if suspend { "suspend" } else { "activate" };
                let path = format!("/api/v2/users/{uid}/status/{next}");
                if write(
                    &ctx,
                    &a,
                    &mut log,
                    w("PUT", path, None, format!("{next} {uname}")),
                ) {
                    log.users[u].status = if suspend { "suspended" } else { "active" };
                }
            }
            6..=7 => {
                let roles = subset(&mut rng, &SITE_ROLES);
                let body = Some(json!({"roles": roles}));
                let path = format!("/api/v2/users/{uid}/roles");
                if write(
                    &ctx,
                    &a,
                    &mut log,
                    w("PUT", path, body, format!("roles {uname}")),
                ) {
                    log.users[u].roles = roles;
                }
            }
            8..=10 if log.users[u].member => {
                let req = w("DELETE", member_path, None, format!("remove {uname}"));
                if write(
                    &ctx,
                    &a,
                    &mut log,
                    req.row("organization_member", "delete", 204),
                ) {
                    log.users[u].member = false;
                    log.users[u].member_roles.clear();
                }
            }
            8..=10 => {
                let req = w("POST", member_path, None, format!("add {uname}"));
                if write(
                    &ctx,
                    &a,
                    &mut log,
                    req.row("organization_member", "create", 200),
                ) {
                    log.users[u].member = true;
                }
            }
            11..=12 if log.users[u].member => {
                let roles = subset(&mut rng, &ORG_ROLES);
                let body = Some(json!({"roles": roles}));
                let req = w(
                    "PUT",
                    format!("{member_path}/roles"),
                    body,
                    format!("member roles {uname}"),
                );
                if write(
                    &ctx,
                    &a,
                    &mut log,
                    req.row("organization_member", "write", 200),
                ) {
                    log.users[u].member_roles = roles;
                }
            }
            13..=15 => {
                let n = rng.gen_range(1..=20);
                let ids: Vec<String> = (0..n).map(|_| new_id()).collect();
                let batch: Vec<Value> = ids.iter().map(|id| json!({"id": id, "initiator": uname,
                    "provider": "anthropic", "model": "claude", "started_at": "2025-06-01T12:00:00Z"}))
                    .collect();
                let path = "/api/v2/aibridge/interceptions".to_string();
                let req = w(
                    "POST",
                    path,
                    Some(json!(batch)),
                    format!("{n} interceptions"),
                );
                if write(&ctx, &a, &mut log, req.row("ai_seat", "create", 201)) {
                    log.interceptions.extend(ids);
                }
            }
            16..=18 => {
                let transition = if seq.is_multiple_of(2) {
                    "start"
                } else {
                    "stop"
                };
                let path = format!("/api/v2/workspaces/{}/builds", log.workspace.0);
                let body = Some(json!({"transition": transition}));
                let req = w("POST", path, body, format!("build {transition}"));
                if write(
                    &ctx,
                    &a,
                    &mut log,
                    req.row("workspace_build", transition, 200),
                ) {
                    log.workspace.1 += 1;
                }
            }
            _ => {
                let username = format!("w{t}new{seq}");
                let body = json!({"email": format!("{username}@example.com"), "username": username,
                                  "password": PASSWORD, "organization_ids": [ctx.default_org]});
                let req = w(
                    "POST",
                    "/api/v2/users".into(),
                    Some(body),
                    format!("create {username}"),
                );
                if write(&ctx, &a, &mut log, req.row("user", "create", 201)) {
                    log.created.push(username);
                }
            }
        }
    }
    log
}
