//! Concurrency and crash safety (issue 7 parts 3 and 4).
//!
//! * `concurrency`: many writers and readers against one server for a bounded time; every
//!   acknowledged write is in the database with exactly one audit row (matched by the
//!   `X-Request-Id` the client sent), no 5xx, no SQLite lock error reaches a client, and every
//!   `after_id` walk of the audit log is ordered, duplicate-free and complete.
//! * `crash`: the real binary is SIGKILLed at random moments while clients write; after each
//!   kill the file is intact and every acknowledged write is there, each change with its audit
//!   row and no audit row without its change.
//!
//! Both share the small transport below: it never panics on a dead server (the crash test
//! kills it on purpose) and sends a fresh request id with every write.

mod busy;
mod concurrency;
mod concurrency_readers;
mod concurrency_writer;
mod crash;
mod crash_checks;
mod crash_client;

use coderlite::store::sql::Tx;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

/// What came back for one request: `status` is `None` when no response arrived.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Option<u16>,
    pub text: String,
    pub retry_after: Option<String>,
}

impl Outcome {
    pub fn acked(&self) -> bool {
        matches!(self.status, Some(s) if (200..300).contains(&s))
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// A SQLite lock or busy error that leaked into a body. The 503 body's own "The server is
    /// busy" text is the documented answer, so it is only a leak on other statuses.
    pub fn leak(&self) -> bool {
        let t = self.text.to_ascii_lowercase();
        t.contains("database is locked")
            || t.contains("database busy")
            || t.contains("database is busy")
            || t.contains("sqlite")
            || (self.status != Some(503) && t.contains("busy"))
    }
}

pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(timeout).build()
}

/// One request with the session token and a request id; transport errors become `None`.
pub fn send(
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    request_id: &str,
) -> Outcome {
    let req = agent
        .request(method, &format!("{base}{path}"))
        .set("Coder-Session-Token", token)
        .set("X-Request-Id", request_id);
    let result = match body {
        Some(b) => req
            .set("Content-Type", "application/json")
            .send_string(&b.to_string()),
        None => req.call(),
    };
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(_) => {
            return Outcome {
                status: None,
                text: String::new(),
                retry_after: None,
            }
        }
    };
    let status = resp.status();
    let retry_after = resp.header("Retry-After").map(str::to_string);
    match resp.into_string() {
        Ok(text) => Outcome {
            status: Some(status),
            text,
            retry_after,
        },
        // The body was cut off (the server died while streaming it).
        Err(_) => Outcome {
            status: None,
            text: String::new(),
            retry_after,
        },
    }
}

pub fn new_id() -> String {
    coderlite::model::new_uuid()
}

/// One audit row as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub resource_type: String,
    pub action: String,
    pub status_code: i64,
    pub resource_id: String,
    pub organization_id: String,
    pub additional_fields: String,
}

/// Every audit row with `seq > after_seq`, grouped by request id.
pub fn audit_by_request(conn: &Tx, after_seq: i64) -> HashMap<String, Vec<AuditRow>> {
    let mut stmt = conn
        .prepare(
            "SELECT request_id, seq, resource_type, action, status_code, resource_id, \
             organization_id, additional_fields FROM audit_logs WHERE seq > ?1 ORDER BY seq",
        )
        .expect("prepare audit");
    let rows = stmt
        .query_map(coderlite::params![after_seq], |r| {
            Ok((
                r.get::<String>(0)?,
                AuditRow {
                    seq: r.get(1)?,
                    resource_type: r.get(2)?,
                    action: r.get(3)?,
                    status_code: r.get(4)?,
                    resource_id: r.get(5)?,
                    organization_id: r.get(6)?,
                    additional_fields: r.get(7)?,
                },
            ))
        })
        .expect("query audit");
    let mut out: HashMap<String, Vec<AuditRow>> = HashMap::new();
    for row in rows {
        let (rid, row) = row.expect("audit row");
        out.entry(rid).or_default().push(row);
    }
    out
}

pub fn max_seq(conn: &Tx) -> i64 {
    conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM audit_logs",
        coderlite::params![],
        |r| r.get(0),
    )
    .expect("max seq")
}

/// The hash chain is unbroken and the trigger-maintained counts match the rows.
pub fn assert_chain_and_counts(conn: &Tx) {
    let report =
        crate::dbfix::in_tx(conn, coderlite::store::audit_chain::verify).expect("verify chain");
    assert!(report.ok, "audit hash chain broken: {:?}", report.broken);
    let (rows, counted): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM audit_logs), \
                    (SELECT COALESCE(SUM(n), 0) FROM audit_log_counts)",
            coderlite::params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("counts");
    assert_eq!(rows, counted, "audit_log_counts disagree with audit_logs");
}
