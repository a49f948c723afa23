//! The database as the "unchanged" check sees it: every domain table's rows (sorted text,
//! without the bookkeeping columns a read legitimately touches), and the audit log's last
//! sequence number. The audit count tables are derived from `audit_logs` by triggers.

use rusqlite::types::ValueRef;
use std::collections::BTreeMap;

/// Columns a read or a sign-in refreshes (activity bookkeeping, not data).
const BOOKKEEPING: &[(&str, &str)] = &[
    ("users", "last_seen_at"),
    ("api_keys", "last_used"),
    ("api_keys", "expires_at"),
    ("api_keys", "updated_at"),
    ("api_keys", "ip_address"),
];

/// Tables not compared row by row: the audit log (checked separately) and its trigger-kept
/// counts.
const SKIPPED: &[&str] = &[
    "audit_logs",
    "audit_log_counts",
    "audit_log_day_counts",
    "audit_log_day_totals",
];

#[derive(Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub tables: BTreeMap<String, Vec<String>>,
    pub audit_seq: i64,
}

fn cell(v: ValueRef) -> String {
    match v {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => format!("'{}'", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => format!("x'{}'", hex::encode(b)),
    }
}

pub fn snapshot(conn: &rusqlite::Connection) -> Snapshot {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("table names");
    let mut tables = BTreeMap::new();
    for name in names.into_iter().filter(|n| !SKIPPED.contains(&n.as_str())) {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{name}\""))
            .expect("select");
        let cols: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let keep: Vec<usize> = (0..cols.len())
            .filter(|i| !BOOKKEEPING.contains(&(name.as_str(), cols[*i].as_str())))
            .collect();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok(keep
                    .iter()
                    .map(|i| format!("{}={}", cols[*i], cell(r.get_ref_unwrap(*i))))
                    .collect::<Vec<_>>()
                    .join(", "))
            })
            .and_then(|m| m.collect())
            .expect("rows");
        rows.sort();
        tables.insert(name, rows);
    }
    let audit_seq = conn
        .query_row("SELECT COALESCE(MAX(seq), 0) FROM audit_logs", [], |r| {
            r.get(0)
        })
        .expect("audit seq");
    Snapshot { tables, audit_seq }
}

/// Describes how `after` differs from `before` in the domain tables (empty = unchanged).
pub fn table_changes(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for (name, rows) in &after.tables {
        let old = before.tables.get(name).cloned().unwrap_or_default();
        if &old == rows {
            continue;
        }
        let added: Vec<&String> = rows.iter().filter(|r| !old.contains(r)).collect();
        let removed: Vec<&String> = old.iter().filter(|r| !rows.contains(r)).collect();
        out.push(format!(
            "table {name} changed: +{} -{}; first added: {}; first removed: {}",
            added.len(),
            removed.len(),
            added.first().map(|s| clip(s)).unwrap_or_default(),
            removed.first().map(|s| clip(s)).unwrap_or_default(),
        ));
    }
    out
}

/// Audit rows written after `since`: each must record a failed attempt (status >= 400) with
/// an empty diff. Returns the offending rows.
pub fn bad_audit_rows(conn: &rusqlite::Connection, since: i64) -> Vec<String> {
    conn.prepare(
        "SELECT seq, action, resource_type, status_code, diff FROM audit_logs \
         WHERE seq > ?1 AND (status_code < 400 OR diff <> '{}') ORDER BY seq",
    )
    .and_then(|mut s| {
        s.query_map([since], |r| {
            Ok(format!(
                "audit row seq={} action={} type={} status={} diff={}",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                clip(&r.get::<_, String>(4)?)
            ))
        })?
        .collect()
    })
    .expect("audit rows")
}

/// Whether a stored cell holds `value` verbatim (as text, or JSON-escaped inside a JSON column).
pub fn stores_verbatim(snap: &Snapshot, value: &str) -> bool {
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = &json[1..json.len() - 1];
    snap.tables
        .values()
        .flatten()
        .any(|row| row.contains(value) || row.contains(json))
}

/// The first 300 characters of `s` for a failure message, control characters escaped.
pub fn clip(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(300) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if s.chars().nth(300).is_some() {
        out.push_str(&format!("…({} bytes)", s.len()));
    }
    out
}
