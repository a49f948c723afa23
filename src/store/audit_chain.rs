//! Tamper evidence: every audit row carries `hash = SHA-256(DOMAIN || prev_hash || encoding)`,
//! where `prev_hash` is the previous row's `hash` (hex) in `seq` order and `encoding` is a
//! type-tagged, length-prefixed encoding of every other column (all but `seq`, `prev_hash` and
//! `hash`) in the fixed order of `COLUMNS`. The first row links to `GENESIS`; after a retention
//! purge the chain is anchored at the oldest kept row through the `settings` row `ANCHOR_KEY`.
//!
//! The chain proves that nobody edited, removed or inserted rows *between* the oldest kept row
//! and the newest one without recomputing every later hash. Someone able to rewrite the whole
//! file can recompute the chain, so the newest hash (`GET /api/v2/audit/verify`, or the
//! `X-Coderlite-Audit-Hash` header of each streamed row) should be kept elsewhere too.

use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Tx;
use crate::store::sql::{Dialect, Value};

/// The PostgreSQL advisory lock key of the audit chain ("cl-chain").
pub const CHAIN_LOCK: i64 = 0x636c_2d63_6861_696e;
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the very first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Versions the encoding, so a future change cannot be confused with this one.
const DOMAIN: &[u8] = b"coderlite-audit-chain-v1\n";
/// `settings` key holding the `Anchor` once retention removed the head of the chain.
pub const ANCHOR_KEY: &str = "audit_chain_anchor";
const TRIGGER: &str = "audit_logs_append_only";

/// The hashed columns, in hashing order.
pub const COLUMNS: &str = "id, time, user_id, organization_id, ip, user_agent, resource_type, \
     resource_id, resource_target, action, diff, status_code, additional_fields, request_id, \
     resource_icon, build_reason";
pub const COLUMN_COUNT: usize = 16;

/// Where the kept chain starts: the oldest kept row has `seq > after_seq` and links to
/// `prev_hash` (the hash of the last purged row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub after_seq: i64,
    pub prev_hash: String,
}

fn push_value(out: &mut Vec<u8>, v: ValueRef) {
    match v {
        ValueRef::Null => out.push(0),
        ValueRef::Integer(i) => {
            out.push(1);
            out.extend_from_slice(&i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            out.push(2);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        ValueRef::Text(t) => {
            out.push(3);
            out.extend_from_slice(&(t.len() as u64).to_be_bytes());
            out.extend_from_slice(t);
        }
        ValueRef::Blob(b) => {
            out.push(4);
            out.extend_from_slice(&(b.len() as u64).to_be_bytes());
            out.extend_from_slice(b);
        }
    }
}

/// The canonical encoding of one row's `COLUMNS` values.
pub fn encode<'a>(values: impl IntoIterator<Item = ValueRef<'a>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    for v in values {
        push_value(&mut out, v);
    }
    out
}

/// `hash` of a row whose predecessor's hash is `prev_hash`.
pub fn link<'a>(prev_hash: &str, values: impl IntoIterator<Item = ValueRef<'a>>) -> String {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(prev_hash.as_bytes());
    h.update(encode(values));
    hex::encode(h.finalize())
}

/// Hash of owned values (the writer's side).
pub fn link_values(prev_hash: &str, values: &[Value]) -> String {
    link(prev_hash, values.iter().map(ValueRef::from))
}

pub fn anchor(conn: &Tx) -> DbResult<Option<Anchor>> {
    let raw = super::settings::get(conn, ANCHOR_KEY)?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
}

pub fn set_anchor(conn: &Tx, a: &Anchor) -> DbResult<()> {
    let value = serde_json::to_string(a).unwrap_or_default();
    super::settings::set(conn, ANCHOR_KEY, &value)
}

/// The hash a new row links to: the newest row's hash, else the anchor's, else `GENESIS`.
/// Must run in the writer transaction that inserts the row.
pub fn head_hash(conn: &Tx) -> DbResult<String> {
    let last: Option<Option<String>> = conn
        .prepare_cached("SELECT hash FROM audit_logs ORDER BY seq DESC LIMIT 1")?
        .query_row(params![], |r| r.get(0))
        .optional()?;
    match last {
        // A row without hash (bulk load not yet rebuilt): `rebuild` relinks everything after it.
        Some(h) => Ok(h.unwrap_or_else(|| GENESIS.to_string())),
        None => Ok(anchor(conn)?
            .map(|a| a.prev_hash)
            .unwrap_or_else(|| GENESIS.to_string())),
    }
}

/// Appends one row (its values in `COLUMNS` order), linked to the head of the chain. The single
/// place audit rows are written; must run in the writer transaction.
pub fn append(conn: &Tx, values: [Value; COLUMN_COUNT]) -> DbResult<()> {
    if conn.dialect() == Dialect::Postgres {
        // Several processes may write one PostgreSQL database: appends take the chain's
        // lock (held until the transaction ends), so every row links to the one before it
        // and `seq` follows that order. (SQLite has one writer.)
        conn.execute_batch(&format!("SELECT pg_advisory_xact_lock({CHAIN_LOCK})"))?;
    }
    let prev = head_hash(conn)?;
    let hash = link_values(&prev, &values);
    conn.prepare_cached(&format!(
        "INSERT INTO audit_logs ({COLUMNS}, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
    ))?
    .execute(
        &values
            .into_iter()
            .chain([Value::Text(prev), Value::Text(hash)])
            .collect::<Vec<_>>(),
    )?;
    Ok(())
}

/// Links rows written without a hash (bulk loads): recomputes the chain from the first row
/// whose `hash` or `prev_hash` is NULL to the end. Rows before it are left untouched, so an
/// earlier break stays visible. Returns the number of rows (re)hashed.
pub fn rebuild(conn: &Tx) -> DbResult<u64> {
    super::in_savepoint(conn, "audit_chain_rebuild", || {
        let first: Option<i64> = conn.query_row(
            "SELECT min(seq) FROM audit_logs WHERE hash IS NULL OR prev_hash IS NULL",
            params![],
            |r| r.get(0),
        )?;
        let Some(first) = first else { return Ok(0) };
        let before: Option<Option<String>> = conn
            .query_row(
                "SELECT hash FROM audit_logs WHERE seq < ?1 ORDER BY seq DESC LIMIT 1",
                params![first],
                |r| r.get(0),
            )
            .optional()?;
        let mut prev = match before {
            Some(h) => h.unwrap_or_else(|| GENESIS.to_string()),
            None => anchor(conn)?
                .map(|a| a.prev_hash)
                .unwrap_or_else(|| GENESIS.to_string()),
        };
        // The append-only trigger forbids UPDATE; lift it for this savepoint only.
        let trigger: Option<String> = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                params![TRIGGER],
                |r| r.get(0),
            )
            .optional()?;
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {TRIGGER}"))?;
        let mut count = 0u64;
        let mut from = first;
        let select = format!(
            "SELECT seq, {COLUMNS} FROM audit_logs WHERE seq >= ?1 ORDER BY seq LIMIT 5000"
        );
        loop {
            let batch: Vec<(i64, Vec<Value>)> = {
                let mut stmt = conn.prepare_cached(&select)?;
                let rows = stmt.query_map(params![from], |r| {
                    let mut vals = Vec::with_capacity(COLUMN_COUNT);
                    for i in 0..COLUMN_COUNT {
                        vals.push(r.get::<Value>(i + 1)?);
                    }
                    Ok((r.get::<i64>(0)?, vals))
                })?;
                rows.collect::<DbResult<_>>()?
            };
            let Some((last, _)) = batch.last() else { break };
            from = last + 1;
            let mut update = conn
                .prepare_cached("UPDATE audit_logs SET prev_hash = ?2, hash = ?3 WHERE seq = ?1")?;
            for (seq, vals) in &batch {
                let hash = link_values(&prev, vals);
                update.execute(params![seq, prev, hash])?;
                prev = hash;
                count += 1;
            }
        }
        if let Some(sql) = trigger {
            conn.execute_batch(&sql)?;
        }
        Ok(count)
    })
}

/// The first row where the chain does not hold.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub id: String,
    /// `content_changed`, `link_broken`, `missing_hash` or `anchor_mismatch`.
    pub reason: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub ok: bool,
    pub rows_checked: u64,
    pub first_seq: Option<i64>,
    pub last_seq: Option<i64>,
    /// Hash of the newest row checked: keep it outside the database to detect truncation.
    pub head_hash: Option<String>,
    pub anchor: Option<Anchor>,
    pub broken: Option<BrokenLink>,
}

/// Walks the whole chain in `seq` order inside one read snapshot and reports the first broken
/// link.
pub fn verify(conn: &Tx) -> DbResult<Report> {
    super::in_savepoint(conn, "audit_chain_verify", || {
        let anchor = anchor(conn)?;
        let mut report = Report {
            ok: true,
            rows_checked: 0,
            first_seq: None,
            last_seq: None,
            head_hash: None,
            anchor: anchor.clone(),
            broken: None,
        };
        let mut expected_prev = anchor
            .as_ref()
            .map(|a| a.prev_hash.clone())
            .unwrap_or_else(|| GENESIS.to_string());
        let sql = format!("SELECT seq, prev_hash, hash, {COLUMNS} FROM audit_logs ORDER BY seq");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params![])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let prev: Option<String> = r.get(1)?;
            let hash: Option<String> = r.get(2)?;
            let id: String = r.get::<Value>(3).map(|v| match v {
                Value::Text(t) => t,
                other => format!("{other:?}"),
            })?;
            let broken = |reason: &'static str, message: String| BrokenLink {
                seq,
                id: id.clone(),
                reason,
                message,
            };
            let first = report.first_seq.is_none();
            report.first_seq.get_or_insert(seq);
            report.last_seq = Some(seq);
            report.rows_checked += 1;
            let fault = if first && anchor.as_ref().is_some_and(|a| seq <= a.after_seq) {
                Some(broken(
                    "anchor_mismatch",
                    "a row older than the retention anchor is present".into(),
                ))
            } else if let (Some(prev), Some(hash)) = (&prev, &hash) {
                let mut vals = Vec::with_capacity(COLUMN_COUNT);
                for i in 0..COLUMN_COUNT {
                    vals.push(r.value(i + 3)?);
                }
                if *prev != expected_prev {
                    Some(broken(
                        if first {
                            "anchor_mismatch"
                        } else {
                            "link_broken"
                        },
                        if first {
                            "the oldest row does not link to the chain's start: rows before it were removed outside retention".into()
                        } else {
                            "prev_hash differs from the previous row's hash: rows before this one were removed, inserted or rewritten".into()
                        },
                    ))
                } else if link_values(prev, &vals) != *hash {
                    Some(broken(
                        "content_changed",
                        "the row's content no longer matches its hash: the row was edited".into(),
                    ))
                } else {
                    None
                }
            } else {
                Some(broken(
                    "missing_hash",
                    "the row has no hash (written by a bulk load without `rebuild`, or cleared)"
                        .into(),
                ))
            };
            if let Some(f) = fault {
                report.ok = false;
                report.broken = Some(f);
                break;
            }
            expected_prev = hash.unwrap_or_default();
            report.head_hash = Some(expected_prev.clone());
        }
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_unambiguous() {
        let a = encode([ValueRef::Text(b"ab"), ValueRef::Text(b"c")]);
        let b = encode([ValueRef::Text(b"a"), ValueRef::Text(b"bc")]);
        assert_ne!(a, b);
        let n = encode([ValueRef::Null]);
        let e = encode([ValueRef::Text(b"")]);
        assert_ne!(n, e);
        assert_ne!(
            encode([ValueRef::Integer(1)]),
            encode([ValueRef::Text(b"1")])
        );
        assert_ne!(link(GENESIS, [ValueRef::Null]), link("x", [ValueRef::Null]));
    }
}
