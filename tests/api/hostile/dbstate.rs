//! The database as the "unchanged" check sees it: every domain table's rows (sorted text,
//! without the bookkeeping columns a read legitimately touches), and the audit log's last
//! sequence number. The audit count tables are derived from `audit_logs` by triggers.

use crate::common::TestDb;
use coderlite::params;
use coderlite::store::sql::Value;
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

fn cell(v: Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(t) => format!("'{t}'"),
        Value::Blob(b) => format!("x'{}'", hex::encode(b)),
    }
}

/// One text column of every row.
fn texts(conn: &TestDb, sql: &str, p: &[Value]) -> Vec<String> {
    conn.prepare(sql)
        .and_then(|mut s| s.query_map(p, |r| r.get(0))?.collect())
        .expect(sql)
}

pub fn snapshot(conn: &TestDb) -> Snapshot {
    let (tables_sql, columns_sql) = if conn.on_postgres() {
        (
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
             ORDER BY tablename",
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name::text = ?1 \
             ORDER BY ordinal_position",
        )
    } else {
        (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
            "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
        )
    };
    let names = texts(conn, tables_sql, params![]);
    assert!(
        names.iter().any(|n| n == "users"),
        "the snapshot sees the domain tables: {names:?}"
    );
    let mut tables = BTreeMap::new();
    for name in names.into_iter().filter(|n| !SKIPPED.contains(&n.as_str())) {
        let cols: Vec<String> = texts(conn, columns_sql, params![name])
            .into_iter()
            .filter(|c| !BOOKKEEPING.contains(&(name.as_str(), c.as_str())))
            .collect();
        let select = cols
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut rows: Vec<String> = conn
            .prepare(&format!("SELECT {select} FROM \"{name}\""))
            .and_then(|mut s| {
                s.query_map(params![], |r| {
                    let mut cells = Vec::with_capacity(cols.len());
                    for (i, c) in cols.iter().enumerate() {
                        cells.push(format!("{c}={}", cell(r.value(i)?)));
                    }
                    Ok(cells.join(", "))
                })?
                .collect()
            })
            .expect("rows");
        rows.sort();
        tables.insert(name, rows);
    }
    let audit_seq = conn
        .query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM audit_logs",
            params![],
            |r| r.get(0),
        )
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
pub fn bad_audit_rows(conn: &TestDb, since: i64) -> Vec<String> {
    conn.prepare(
        "SELECT seq, action, resource_type, status_code, diff FROM audit_logs \
         WHERE seq > ?1 AND (status_code < 400 OR diff <> '{}') ORDER BY seq",
    )
    .and_then(|mut s| {
        s.query_map(params![since], |r| {
            Ok(format!(
                "audit row seq={} action={} type={} status={} diff={}",
                r.get::<i64>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
                r.get::<i64>(3)?,
                clip(&r.get::<String>(4)?)
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
