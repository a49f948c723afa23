//! Many writers and readers against one server for a bounded time (issue 7 part 3). Writers:
//! concurrency_writer.rs; readers: concurrency_readers.rs. Afterwards: every acknowledged
//! write is in the database, with exactly one audit row carrying its request id (and the
//! right type, action and status); a 503 (retried) left no success row; no other row appeared.

use super::concurrency_readers::{run_reader, ReaderStats};
use super::concurrency_writer::{run_writer, Owned, WriterLog};
use super::{assert_chain_and_counts, audit_by_request, max_seq};
use crate::common::{Client, TestDb, TestServer, PASSWORD};
use crate::dbfix::default_org_id;
use serde_json::json;
use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUN_FOR: Duration = Duration::from_secs(10);
const WRITERS: usize = 6;
const READERS: usize = 4;
const USERS_PER_WRITER: usize = 3;

/// What every thread needs to reach the server.
#[derive(Clone)]
pub struct Ctx {
    pub base: String,
    pub token: String,
    pub default_org: String,
    pub org: String,
    pub db_path: PathBuf,
    pub deadline: Instant,
}

/// Creates writer `t`'s users (no login: the login rate limit would trip) and workspace.
fn setup_writer(owner: &Client, default_org: &str, t: usize) -> WriterLog {
    let mut log = WriterLog::default();
    for i in 0..USERS_PER_WRITER {
        let username = format!("w{t}u{i}");
        let r = owner
            .post(
                "/api/v2/users",
                json!({"email": format!("{username}@example.com"), "username": username,
                       "password": PASSWORD, "organization_ids": [default_org]}),
            )
            .expect(201);
        log.users.push(Owned {
            id: r.body["id"].as_str().expect("id").to_string(),
            username,
            name: String::new(),
            status: "dormant",
            roles: BTreeSet::new(),
            member: false,
            member_roles: BTreeSet::new(),
        });
    }
    let ws = owner
        .post(
            &format!("/api/v2/organizations/default/members/w{t}u0/workspaces"),
            json!({"name": "dev"}),
        )
        .expect(201);
    log.workspace = (ws.body["id"].as_str().expect("ws id").to_string(), 1);
    log
}

fn roles_of(json_list: &str) -> BTreeSet<String> {
    serde_json::from_str::<Vec<String>>(json_list)
        .expect("roles")
        .into_iter()
        .filter(|r| r != "organization-member")
        .collect()
}

/// The database holds exactly what writer `t`'s acknowledged writes say.
fn check_state(conn: &TestDb, org: &str, log: &WriterLog, failures: &mut Vec<String>) {
    for u in &log.users {
        let (name, status, roles): (String, String, String) = conn
            .query_row(
                "SELECT name, status, rbac_roles FROM users WHERE id = ?1",
                coderlite::params![u.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("owned user");
        if name != u.name || status != u.status || roles_of(&roles) != u.roles {
            failures.push(format!(
                "{}: db has ({name:?}, {status}, {roles}), acknowledged ({:?}, {}, {:?})",
                u.username, u.name, u.status, u.roles
            ));
        }
        let member: Option<String> = conn
            .query_row(
                "SELECT roles FROM organization_members WHERE organization_id = ?1 AND user_id = ?2",
                coderlite::params![org, u.id],
                |r| r.get(0),
            )
            .ok();
        let ok = match &member {
            Some(r) => u.member && roles_of(r) == u.member_roles,
            None => !u.member,
        };
        if !ok {
            failures.push(format!(
                "{} membership: db {member:?}, acknowledged member={} roles={:?}",
                u.username, u.member, u.member_roles
            ));
        }
    }
    let builds: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM workspace_builds WHERE workspace_id = ?1",
            coderlite::params![log.workspace.0],
            |r| r.get(0),
        )
        .expect("builds");
    if builds != log.workspace.1 {
        failures.push(format!(
            "builds: db {builds}, acknowledged {}",
            log.workspace.1
        ));
    }
    let mut stmt = conn
        .prepare("SELECT COUNT(*) FROM aibridge_interceptions WHERE id = ?1")
        .expect("prepare");
    let lost = log
        .interceptions
        .iter()
        .filter(|id| {
            stmt.query_row(coderlite::params![id], |r| r.get::<i64>(0))
                .expect("count")
                != 1
        })
        .count();
    if lost > 0 {
        failures.push(format!("{lost} acknowledged interceptions missing"));
    }
    let mut stmt = conn
        .prepare("SELECT COUNT(*) FROM users WHERE username = ?1 AND deleted = 0")
        .expect("prepare");
    for name in &log.created {
        if stmt
            .query_row(coderlite::params![name], |r| r.get::<i64>(0))
            .expect("count")
            != 1
        {
            failures.push(format!("created user {name} missing"));
        }
    }
}

#[test]
fn concurrent_writers_and_readers_keep_every_write_and_one_audit_row_each() {
    let started = Instant::now();
    let server = TestServer::start_with(|c| c.workers = Some(4));
    let owner = server.owner();
    let default_org = default_org_id(&server);
    let org = owner
        .post("/api/v2/organizations", json!({"name": "chaos"}))
        .expect(201)
        .body["id"]
        .as_str()
        .expect("org id")
        .to_string();
    let logs: Vec<WriterLog> = (0..WRITERS)
        .map(|t| setup_writer(&owner, &default_org, t))
        .collect();
    let setup_seq = max_seq(&server.db().tx());
    let ctx = Ctx {
        base: server.url.clone(),
        token: owner.token.clone().expect("token"),
        default_org,
        org: org.clone(),
        db_path: server.db_path.clone(),
        deadline: Instant::now() + RUN_FOR,
    };
    let writers: Vec<_> = logs
        .into_iter()
        .enumerate()
        .map(|(t, log)| {
            let ctx = ctx.clone();
            std::thread::spawn(move || run_writer(ctx, t, log))
        })
        .collect();
    let readers: Vec<_> = (0..READERS)
        .map(|k| {
            let ctx = ctx.clone();
            std::thread::spawn(move || run_reader(ctx, k))
        })
        .collect();
    let logs: Vec<WriterLog> = writers
        .into_iter()
        .map(|h| h.join().expect("writer"))
        .collect();
    let stats: Vec<ReaderStats> = readers
        .into_iter()
        .map(|h| h.join().expect("reader"))
        .collect();

    let conn = server.db();
    let audit = audit_by_request(&conn.tx(), setup_seq);
    let mut failures: Vec<String> = Vec::new();
    let mut sent: HashSet<&str> = HashSet::new();
    for log in &logs {
        failures.extend(log.failures.iter().cloned());
        check_state(&conn, &org, log, &mut failures);
        for a in &log.acked {
            sent.insert(&a.rid);
            let rows = audit.get(&a.rid).map(Vec::as_slice).unwrap_or_default();
            let ok = matches!(rows, [r] if r.resource_type == a.resource_type
                && r.action == a.action && r.status_code == a.status);
            if !ok {
                failures.push(format!("{} ({}): audit rows {rows:?}", a.what, a.rid));
            }
        }
        for rid in &log.busy {
            sent.insert(rid);
            let rows = audit.get(rid).map(Vec::as_slice).unwrap_or_default();
            if rows.iter().any(|r| r.status_code < 400) {
                failures.push(format!(
                    "503 answer {rid} has a success audit row: {rows:?}"
                ));
            }
        }
    }
    let strays: Vec<_> = audit
        .keys()
        .filter(|rid| !sent.contains(rid.as_str()))
        .collect();
    if !strays.is_empty() {
        failures.push(format!("audit rows for requests never sent: {strays:?}"));
    }
    for s in &stats {
        failures.extend(s.failures.iter().cloned());
    }
    assert_chain_and_counts(&conn.tx());
    let acked: usize = logs.iter().map(|l| l.acked.len()).sum();
    let busy: usize = logs.iter().map(|l| l.busy.len()).sum::<usize>()
        + stats.iter().map(|s| s.busy).sum::<usize>();
    let sum = |f: fn(&ReaderStats) -> usize| stats.iter().map(f).sum::<usize>();
    eprintln!(
        "chaos concurrency: {WRITERS} writers, {READERS} readers, {:?} writing; {acked} acknowledged \
         writes ({} interceptions, {} users created), {busy} retried 503s; {} after_id walks \
         ({} pages), {} offset/member pages, {} exports; {:.1}s in all",
        RUN_FOR,
        logs.iter().map(|l| l.interceptions.len()).sum::<usize>(),
        logs.iter().map(|l| l.created.len()).sum::<usize>(),
        sum(|s| s.walks),
        sum(|s| s.walk_pages),
        sum(|s| s.pages),
        sum(|s| s.exports),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
