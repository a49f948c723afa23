//! What must hold after every SIGKILL: the file is intact; every acknowledged write is there;
//! every write is all-or-nothing together with its audit row (matched by request id), whether
//! or not its answer arrived; and, independent of what the clients saw, no change lacks its
//! audit row and no success audit row lacks its change.

use super::crash_client::{ClientState, Shared};
use super::{assert_chain_and_counts, audit_by_request, AuditRow, Outcome};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

pub enum Op {
    CreateUser { username: String },
    Profile { user_id: String, name: String },
    Interceptions { ids: Vec<String> },
    AddMember { user_id: String },
}

pub struct Sent {
    pub rid: String,
    pub op: Op,
    pub out: Outcome,
}

#[derive(Default)]
pub struct Totals {
    pub sent: usize,
    pub acked: usize,
    pub committed_unacked: usize,
    pub not_committed: usize,
    pub busy: usize,
}

fn scalar(conn: &Connection, sql: &str, p: &[&dyn rusqlite::ToSql]) -> i64 {
    conn.query_row(sql, p, |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The success audit row of a request, if it committed.
fn success<'a>(audit: &'a HashMap<String, Vec<AuditRow>>, rid: &str) -> Vec<&'a AuditRow> {
    audit
        .get(rid)
        .map(|rows| rows.iter().filter(|r| r.status_code < 400).collect())
        .unwrap_or_default()
}

/// Invariants that need no client record (run after every kill).
fn global_checks(conn: &Connection, org: &str, failures: &mut Vec<String>) {
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    if ok != "ok" {
        failures.push(format!("integrity_check: {ok}"));
    }
    let fk = scalar(conn, "SELECT COUNT(*) FROM pragma_foreign_key_check", &[]);
    if fk != 0 {
        failures.push(format!("{fk} foreign key violations"));
    }
    let checks = [
        ("users without their create audit row",
         "SELECT COUNT(*) FROM users u WHERE u.is_system = 0 AND NOT EXISTS (SELECT 1 FROM \
          audit_logs a WHERE a.resource_type = 'user' AND a.action = 'create' AND \
          a.status_code < 400 AND a.resource_id = u.id) AND ?1 IS NOT NULL"),
        ("user create audit rows without their user",
         "SELECT COUNT(*) FROM audit_logs a WHERE a.resource_type = 'user' AND \
          a.action = 'create' AND a.status_code < 400 AND NOT EXISTS (SELECT 1 FROM users u \
          WHERE u.id = a.resource_id) AND ?1 IS NOT NULL"),
        // The creator's own membership comes with the organization's create row.
        ("memberships without their audit row",
         "SELECT COUNT(*) FROM organization_members m WHERE m.organization_id = ?1 AND NOT EXISTS \
          (SELECT 1 FROM audit_logs a WHERE a.resource_type = 'organization_member' AND \
          a.action = 'create' AND a.status_code < 400 AND a.organization_id = ?1 AND \
          a.resource_id = m.user_id) AND NOT EXISTS (SELECT 1 FROM audit_logs o WHERE \
          o.resource_type = 'organization' AND o.action = 'create' AND o.status_code < 400 AND \
          o.resource_id = ?1 AND o.user_id = m.user_id)"),
        ("member audit rows without their membership",
         "SELECT COUNT(*) FROM audit_logs a WHERE a.resource_type = 'organization_member' AND \
          a.action = 'create' AND a.status_code < 400 AND a.organization_id = ?1 AND NOT EXISTS \
          (SELECT 1 FROM organization_members m WHERE m.organization_id = ?1 AND \
          m.user_id = a.resource_id)"),
    ];
    for (what, sql) in checks {
        let n = scalar(conn, sql, &[&org]);
        if n != 0 {
            failures.push(format!("{n} {what}"));
        }
    }
    let unaccounted = scalar(
        conn,
        "SELECT (SELECT COUNT(*) FROM aibridge_interceptions) - (SELECT COALESCE(SUM(CAST( \
         json_extract(additional_fields, '$.interceptions') AS INTEGER)), 0) FROM audit_logs \
         WHERE resource_type = 'ai_seat' AND action = 'create' AND status_code < 400)",
        &[],
    );
    if unaccounted != 0 {
        failures.push(format!(
            "interceptions stored minus interceptions audited: {unaccounted}"
        ));
    }
}

/// Checks one write; returns whether it committed.
fn check_write(
    conn: &Connection,
    org: &str,
    audit: &HashMap<String, Vec<AuditRow>>,
    s: &Sent,
    failures: &mut Vec<String>,
) -> bool {
    let rows = success(audit, &s.rid);
    let audited = match rows.as_slice() {
        [] => false,
        [_] => true,
        many => {
            failures.push(format!("{}: {} success audit rows", s.rid, many.len()));
            true
        }
    };
    let (what, changed) = match &s.op {
        Op::CreateUser { username } => {
            let id: Option<String> = conn
                .query_row(
                    "SELECT id FROM users WHERE username = ?1",
                    [username],
                    |r| r.get(0),
                )
                .optional()
                .expect("user");
            if let (Some(id), [row]) = (&id, rows.as_slice()) {
                if &row.resource_id != id {
                    failures.push(format!(
                        "create {username}: audit row names {}",
                        row.resource_id
                    ));
                }
            }
            (format!("create user {username}"), id.is_some())
        }
        // The name itself is checked per user by the caller (later writes overwrite it).
        Op::Profile { user_id, .. } => (format!("profile {user_id}"), audited),
        Op::Interceptions { ids } => {
            let mut stmt = conn
                .prepare_cached("SELECT COUNT(*) FROM aibridge_interceptions WHERE id = ?1")
                .expect("prepare");
            let present: i64 = ids
                .iter()
                .map(|id| stmt.query_row([id], |r| r.get::<_, i64>(0)).expect("count"))
                .sum();
            if present != 0 && present != ids.len() as i64 {
                failures.push(format!(
                    "batch {}: {present} of {} rows stored",
                    s.rid,
                    ids.len()
                ));
            }
            (format!("{} interceptions", ids.len()), present > 0)
        }
        Op::AddMember { user_id } => {
            let n = scalar(
                conn,
                "SELECT COUNT(*) FROM organization_members WHERE \
                organization_id = ?1 AND user_id = ?2",
                &[&org, user_id],
            );
            (format!("add member {user_id}"), n == 1)
        }
    };
    if changed != audited {
        failures.push(format!(
            "{what} ({}): change stored {changed}, audit row {audited}",
            s.rid
        ));
    }
    if s.out.acked() && !changed {
        failures.push(format!(
            "{what} ({}): acknowledged {:?} but lost",
            s.rid, s.out.status
        ));
    }
    match s.out.status {
        None | Some(503) => {}
        Some(st) if (200..300).contains(&st) => {}
        Some(st) => failures.push(format!("{what}: unexpected {st}: {}", s.out.text)),
    }
    changed
}

/// All checks after kill number `kill_no`; panics with every failure found.
#[allow(clippy::too_many_arguments)]
pub fn check_after_kill(
    conn: &Connection,
    sh: &Shared,
    sent: &[Vec<Sent>],
    clients: &mut [ClientState],
    names: &mut HashMap<String, String>,
    totals: &mut Totals,
    kill_no: usize,
) {
    let mut failures = Vec::new();
    global_checks(conn, &sh.org, &mut failures);
    let audit = audit_by_request(&coderlite::store::sql::Tx::sqlite(conn), 0);
    for (t, writes) in sent.iter().enumerate() {
        for s in writes {
            let committed = check_write(conn, &sh.org, &audit, s, &mut failures);
            totals.sent += 1;
            totals.acked += usize::from(s.out.acked());
            totals.busy += usize::from(s.out.status == Some(503));
            totals.committed_unacked += usize::from(committed && !s.out.acked());
            totals.not_committed += usize::from(!committed);
            match (&s.op, committed) {
                (Op::Profile { user_id, name }, true) => {
                    names.insert(user_id.clone(), name.clone());
                }
                (Op::CreateUser { username }, true) => {
                    let id: String = conn
                        .query_row(
                            "SELECT id FROM users WHERE username = ?1",
                            [username],
                            |r| r.get(0),
                        )
                        .expect("created user");
                    clients[t].joinable.push_back(id);
                }
                _ => {}
            }
        }
    }
    for (id, name) in names.iter() {
        let stored: String = conn
            .query_row("SELECT name FROM users WHERE id = ?1", [id], |r| r.get(0))
            .expect("profile user");
        if &stored != name {
            failures.push(format!(
                "user {id}: name {stored:?}, last committed update {name:?}"
            ));
        }
    }
    assert_chain_and_counts(&coderlite::store::sql::Tx::sqlite(conn));
    assert!(
        failures.is_empty(),
        "after kill {kill_no}:\n{}",
        failures.join("\n")
    );
}
